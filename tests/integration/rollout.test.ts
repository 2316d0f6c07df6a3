// The seed's three upgrade scenarios (seeds/003, product.md "Maintenance policy"), each with
// 1,000 members and a clock the test moves: no sleeping, the engine only knows `now`.
import { beforeEach, describe, expect, it } from "vitest";
import { decideChange } from "@/lib/data/change-requests";
import { createPolicy } from "@/lib/data/policies";
import { resumeTemplateRun } from "@/lib/data/runs";
import { createTemplate, listTemplates, updateTemplate, upgradeNow } from "@/lib/data/templates";
import { db } from "@/lib/db";
import type { Executor } from "@/lib/rollout/executor";
import { tick } from "@/lib/rollout/engine";
import { simulatedExecutor } from "@/lib/rollout/simulated";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { approveUpgrade } from "./fixtures/changes";
import { makeFleet } from "./fixtures/fleet";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// A Wednesday; the policy's Sunday-midnight windows open on 29 Nov and 6 Dec 2026.
const NOW = new Date("2026-11-25T10:00:00Z");
const FIRST_WINDOW = new Date("2026-11-29T00:00:00Z");
const SECOND_WINDOW = new Date("2026-12-06T00:00:00Z");

let f: Awaited<ReturnType<typeof makeFleet>>;
beforeEach(async () => {
  f = await makeFleet();
});

async function fleetTemplate(options: { members?: number; windowHours: number; concurrency: number }) {
  const count = options.members ?? 1000;
  const names = Array.from({ length: count }, (_, i) => `${f.prefix}-k${String(i).padStart(4, "0")}`);
  await db.cluster.createMany({ data: names.map((name) => ({ name })) });
  const policy = await createPolicy(
    f.admin,
    PolicyInputSchema.parse({
      name: `${f.prefix}-sundays`,
      tags: "",
      schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: options.windowHours }],
    }),
    NOW,
  );
  if (!policy.ok) throw new Error(policy.message);
  const template = await createTemplate(
    f.admin,
    TemplateCreateSchema.parse({
      name: `${f.prefix}-fleet`,
      policyId: policy.value.id,
      targetVersion: "1.0.0",
      concurrency: options.concurrency,
      members: names,
    }),
    NOW,
  );
  if (!template.ok) throw new Error(template.message);
  return template.value.id;
}

/** Ticks every `step` from `from` up to and including `to`; returns the most members in flight after a tick. */
async function run(id: string, executor: Executor, from: Date, to: Date, step = MINUTE) {
  let peak = 0;
  for (let t = from.getTime(); t <= to.getTime(); t += step) {
    await tick(new Date(t), executor, { templateIds: [id] });
    peak = Math.max(peak, await db.upgradeAttempt.count({ where: { status: "RUNNING", run: { templateId: id } } }));
  }
  return peak;
}

async function bump(id: string, version: string, at: Date) {
  return updateTemplate(f.admin, id, { targetVersion: version }, at);
}

/** A new target version, approved by the CAB (change management gates every upgrade). */
async function bumpApproved(id: string, version: string, at: Date) {
  const result = await bump(id, version, at);
  if (!result.ok) throw new Error(result.message);
  await approveUpgrade(f, id, at);
}

const summary = async (id: string) => (await listTemplates({ ids: [id] }))[0]!;
const versions = async (id: string) =>
  Object.fromEntries(
    (await db.templateMember.groupBy({ by: ["currentVersion"], where: { templateId: id }, _count: { _all: true } })).map((g) => [
      g.currentVersion,
      g._count._all,
    ]),
  );

describe("rollout engine: the seed's scenarios with 1,000 members", () => {
  it("single update: all 1,000 members are on 2.0.0 after the next window, gradually, each audited", async () => {
    const id = await fleetTemplate({ windowHours: 4, concurrency: 100 });
    const executor = simulatedExecutor({ durationSeconds: 300, failureRate: 0 });
    await bumpApproved(id, "2.0.0", NOW);
    expect((await summary(id)).state).toBe("PENDING");

    // Nothing happens before the window opens.
    await run(id, executor, NOW, new Date(FIRST_WINDOW.getTime() - MINUTE), HOUR);
    expect(await db.upgradeRun.count({ where: { templateId: id } })).toBe(0);
    expect(await versions(id)).toEqual({ "1.0.0": 1000 });

    const peak = await run(id, executor, FIRST_WINDOW, new Date(FIRST_WINDOW.getTime() + 4 * HOUR));
    expect(peak).toBe(100); // the concurrency, never more
    expect(await versions(id)).toEqual({ "2.0.0": 1000 });
    expect(await summary(id)).toMatchObject({ state: "IN_SYNC", members: 1000, onTarget: 1000 });
    const runs = await db.upgradeRun.findMany({ where: { templateId: id } });
    expect(runs).toMatchObject([{ version: "2.0.0", state: "COMPLETED", windowStart: FIRST_WINDOW, forced: false }]);
    expect(await db.upgradeAttempt.count({ where: { runId: runs[0]!.id, status: "SUCCEEDED", fromVersion: "1.0.0", toVersion: "2.0.0" } })).toBe(1000);
    const memberIds = (await db.templateMember.findMany({ where: { templateId: id }, select: { id: true } })).map((m) => m.id);
    expect(await db.auditEvent.count({ where: { action: "template.member-upgraded", entityId: { in: memberIds } } })).toBe(1000);
    expect(await db.auditEvent.count({ where: { entityId: id, action: { in: ["template.upgrade-started", "template.upgrade-completed"] } } })).toBe(2);
  });

  it("an upgrade without an approved change request does not start in its window", async () => {
    const id = await fleetTemplate({ members: 50, windowHours: 2, concurrency: 10 });
    const executor = simulatedExecutor({ durationSeconds: 60, failureRate: 0 });
    expect((await bump(id, "2.0.0", NOW)).ok).toBe(true);
    const [report] = await tick(FIRST_WINDOW, executor, { templateIds: [id] });
    expect(report).toMatchObject({ started: 0, blocked: "The upgrade to 2.0.0 has no approved change request.", state: "PENDING" });
    await run(id, executor, FIRST_WINDOW, new Date(FIRST_WINDOW.getTime() + 2 * HOUR), 10 * MINUTE);
    expect(await db.upgradeRun.count({ where: { templateId: id } })).toBe(0);
    expect(await versions(id)).toEqual({ "1.0.0": 50 });
    // Approved before the next window: it runs then.
    await approveUpgrade(f, id, new Date(FIRST_WINDOW.getTime() + 3 * HOUR));
    await run(id, executor, SECOND_WINDOW, new Date(SECOND_WINDOW.getTime() + HOUR));
    expect(await versions(id)).toEqual({ "2.0.0": 50 });
  });

  it("two bumps before the window: members go 1.0.0 straight to 3.0.0, 2.0.0 is skipped", async () => {
    const id = await fleetTemplate({ windowHours: 6, concurrency: 200 });
    const executor = simulatedExecutor({ durationSeconds: 600, failureRate: 0 });
    expect((await bump(id, "2.0.0", NOW)).ok).toBe(true);
    await run(id, executor, NOW, new Date(NOW.getTime() + 24 * HOUR), HOUR);
    await bumpApproved(id, "3.0.0", new Date(NOW.getTime() + 25 * HOUR));

    await run(id, executor, FIRST_WINDOW, new Date(FIRST_WINDOW.getTime() + 6 * HOUR));
    expect(await versions(id)).toEqual({ "3.0.0": 1000 });
    expect(await db.upgradeAttempt.count({ where: { run: { templateId: id }, toVersion: "2.0.0" } })).toBe(0);
    expect(await db.upgradeAttempt.count({ where: { run: { templateId: id }, fromVersion: "1.0.0", toVersion: "3.0.0", status: "SUCCEEDED" } })).toBe(1000);
    expect((await summary(id)).state).toBe("IN_SYNC");
  });

  describe("window too short", () => {
    // 1 hour, 100 at a time, 30 minutes each: 200 finish, 800 are left on 1.0.0.
    async function partiallyApplied() {
      const id = await fleetTemplate({ windowHours: 1, concurrency: 100 });
      const slow = simulatedExecutor({ durationSeconds: 1800, failureRate: 0, jitter: 0 });
      await bumpApproved(id, "2.0.0", NOW);
      await run(id, slow, FIRST_WINDOW, new Date(FIRST_WINDOW.getTime() + 3 * HOUR));
      expect(await versions(id)).toEqual({ "1.0.0": 800, "2.0.0": 200 });
      expect((await summary(id)).state).toBe("PARTIALLY_APPLIED");
      const first = await db.upgradeRun.findFirstOrThrow({ where: { templateId: id } });
      expect(first.state).toBe("PARTIAL");
      // Nothing started after the window closed.
      const lastStart = await db.upgradeAttempt.aggregate({ where: { runId: first.id }, _max: { startedAt: true } });
      expect(lastStart._max.startedAt!.getTime()).toBeLessThan(first.windowEnd.getTime());
      const refused = await bump(id, "3.0.0", new Date(FIRST_WINDOW.getTime() + 4 * HOUR));
      expect(refused).toMatchObject({ ok: false, status: 409, code: "partially-applied" });
      expect(refused.ok || refused.message).toMatch(/partially applied.*blocked until every member is on one version/);
      expect((await db.template.findUniqueOrThrow({ where: { id } })).targetVersion).toBe("2.0.0");
      return id;
    }

    it("is partially applied, blocks bumps, and the next window completes it", async () => {
      const id = await partiallyApplied();
      const fast = simulatedExecutor({ durationSeconds: 60, failureRate: 0 });
      await run(id, fast, new Date(FIRST_WINDOW.getTime() + 4 * HOUR), new Date(SECOND_WINDOW.getTime() - HOUR), 6 * HOUR);
      expect(await versions(id)).toEqual({ "1.0.0": 800, "2.0.0": 200 }); // waits for the window
      await run(id, fast, SECOND_WINDOW, new Date(SECOND_WINDOW.getTime() + HOUR));
      expect(await versions(id)).toEqual({ "2.0.0": 1000 });
      expect((await summary(id)).state).toBe("IN_SYNC");
      expect((await bump(id, "3.0.0", new Date(SECOND_WINDOW.getTime() + 2 * HOUR))).ok).toBe(true);
    });

    it('is partially applied, and "Upgrade now" completes it outside the schedule', async () => {
      const id = await partiallyApplied();
      const slow = simulatedExecutor({ durationSeconds: 1800, failureRate: 0, jitter: 0 });
      const monday = new Date("2026-11-30T09:00:00Z");
      expect(await upgradeNow(f.owner, id, monday)).toMatchObject({ ok: false, status: 403 });
      expect((await upgradeNow(f.admin, id, monday)).ok).toBe(true);
      expect(await upgradeNow(f.admin, id, monday)).toMatchObject({ ok: false, status: 409, code: "upgrading" });
      await run(id, slow, monday, new Date(monday.getTime() + 5 * HOUR));
      expect(await versions(id)).toEqual({ "2.0.0": 1000 });
      expect(await summary(id)).toMatchObject({ state: "IN_SYNC" });
      expect(await db.upgradeRun.findFirst({ where: { templateId: id, forced: true } })).toMatchObject({ state: "COMPLETED", version: "2.0.0" });
      const later = new Date(monday.getTime() + 6 * HOUR);
      expect((await bump(id, "3.0.0", later)).ok).toBe(true);
      expect(await upgradeNow(f.admin, id, later)).toMatchObject({ ok: false, status: 409, code: "not-approved" });
      await approveUpgrade(f, id, later);
      expect(await upgradeNow(f.admin, id, later)).toMatchObject({ ok: true });
    });
  });

  it("an approval does not outlive its window: approved for one that passed without the upgrade, it goes back to the approvers", async () => {
    const id = await fleetTemplate({ members: 20, windowHours: 2, concurrency: 10 });
    const executor = simulatedExecutor({ durationSeconds: 60, failureRate: 0 });
    await bumpApproved(id, "2.0.0", NOW);
    const change = await db.changeRequest.findFirstOrThrow({ where: { templateId: id } });
    expect(change).toMatchObject({ state: "APPROVED", approvedStart: FIRST_WINDOW });
    // The first window passes without a tick (the workers were down); the second opens.
    const [report] = await tick(SECOND_WINDOW, executor, { templateIds: [id] });
    expect(report).toMatchObject({
      started: 0,
      blocked: "The upgrade to 2.0.0 was approved for a window that passed (2026-11-29 00:00 UTC); it waits for an approver again.",
    });
    const back = await db.changeRequest.findUniqueOrThrow({ where: { id: change.id } });
    expect(back).toMatchObject({ state: "SUBMITTED", plannedStart: SECOND_WINDOW });
    expect(back.driftNote).toMatch(/^The window it was approved for \(opening 2026-11-29 00:00 UTC\) passed without the upgrade\. It was approved on/);
    expect(await db.upgradeRun.count({ where: { templateId: id } })).toBe(0);
    // Approved again, for the window open now: it runs.
    expect((await decideChange(f.approver, change.id, "approve", { comment: "This Sunday then" }, new Date(SECOND_WINDOW.getTime() + MINUTE))).ok).toBe(true);
    await run(id, executor, new Date(SECOND_WINDOW.getTime() + MINUTE), new Date(SECOND_WINDOW.getTime() + HOUR));
    expect(await versions(id)).toEqual({ "2.0.0": 20 });
    await db.notification.deleteMany({ where: { dedupeKey: { startsWith: `change:${change.id}:` } } });
  });

  it("failed members stay behind (partially applied) and are retried in the next window", async () => {
    const id = await fleetTemplate({ members: 200, windowHours: 2, concurrency: 50 });
    await bumpApproved(id, "2.0.0", NOW);
    await run(id, simulatedExecutor({ durationSeconds: 60, failureRate: 0.2 }), FIRST_WINDOW, new Date(FIRST_WINDOW.getTime() + 2 * HOUR));
    const failed = await db.templateMember.count({ where: { templateId: id, state: "FAILED" } });
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(80);
    expect(await db.templateMember.findFirst({ where: { templateId: id, state: "FAILED" } })).toMatchObject({
      currentVersion: "1.0.0",
      lastError: expect.stringContaining("health check"),
    });
    expect((await summary(id)).state).toBe("PARTIALLY_APPLIED");
    await run(id, simulatedExecutor({ durationSeconds: 60, failureRate: 0 }), SECOND_WINDOW, new Date(SECOND_WINDOW.getTime() + 2 * HOUR));
    expect(await versions(id)).toEqual({ "2.0.0": 200 });
    expect(await db.upgradeAttempt.count({ where: { run: { templateId: id, windowStart: SECOND_WINDOW } } })).toBe(failed);
  });
});

/** Counts how often each key is started, across every executor wrapped with it. */
function counting(inner: Executor, starts: Map<string, number>): Executor {
  return {
    name: inner.name,
    start: async (tx, requests, now) => {
      for (const request of requests) starts.set(request.key, (starts.get(request.key) ?? 0) + 1);
      return inner.start(tx, requests, now);
    },
  };
}

describe("rollout engine: several workers, and a worker killed mid-window", () => {
  it("two workers ticking at the same moments never start a member twice", async () => {
    const id = await fleetTemplate({ windowHours: 2, concurrency: 100 });
    await bumpApproved(id, "2.0.0", NOW);
    const starts = new Map<string, number>();
    const a = counting(simulatedExecutor({ durationSeconds: 240, failureRate: 0 }), starts);
    const b = counting(simulatedExecutor({ durationSeconds: 240, failureRate: 0 }), starts);
    const skipped: number[] = [];
    for (let t = FIRST_WINDOW.getTime(); t <= FIRST_WINDOW.getTime() + 2 * HOUR; t += MINUTE) {
      const [ra, rb] = await Promise.all([tick(new Date(t), a, { templateIds: [id] }), tick(new Date(t), b, { templateIds: [id] })]);
      skipped.push(...[...ra, ...rb].filter((r) => r.skipped).map(() => t));
    }
    expect(await versions(id)).toEqual({ "2.0.0": 1000 });
    expect(starts.size).toBe(1000);
    expect(Math.max(...starts.values())).toBe(1);
    expect(await db.upgradeAttempt.count({ where: { run: { templateId: id } } })).toBe(1000);
    expect(skipped.length).toBeGreaterThan(0); // they did meet, and one stood aside
  });

  it("a worker that dies mid-tick leaves nothing half-done, and another finishes its upgrades", async () => {
    const id = await fleetTemplate({ members: 300, windowHours: 2, concurrency: 50 });
    await bumpApproved(id, "2.0.0", NOW);
    const sim = simulatedExecutor({ durationSeconds: 300, failureRate: 0 });
    // Worker A starts the first 50 and then stops ticking (killed between ticks).
    await tick(FIRST_WINDOW, sim, { templateIds: [id] });
    expect(await db.upgradeAttempt.count({ where: { run: { templateId: id }, status: "RUNNING" } })).toBe(50);
    // Worker B dies in the middle of a tick, after starting 10 upgrades: its transaction is rolled back.
    const dying: Executor = {
      name: "simulated",
      start: async (tx, requests, now) => {
        await sim.start(tx, requests.slice(0, 10), now);
        throw new Error("killed");
      },
    };
    await expect(tick(new Date(FIRST_WINDOW.getTime() + 10 * MINUTE), dying, { templateIds: [id] })).rejects.toThrow("killed");
    expect(await db.upgradeAttempt.count({ where: { run: { templateId: id } } })).toBe(50);
    expect(await db.templateMember.count({ where: { templateId: id, currentVersion: "2.0.0" } })).toBe(0);
    // Worker C, a fresh process with its own executor, carries on from the database alone.
    await run(
      id,
      simulatedExecutor({ durationSeconds: 300, failureRate: 0 }),
      new Date(FIRST_WINDOW.getTime() + 11 * MINUTE),
      new Date(FIRST_WINDOW.getTime() + 2 * HOUR),
    );
    expect(await versions(id)).toEqual({ "2.0.0": 300 });
    expect(await db.upgradeAttempt.count({ where: { run: { templateId: id } } })).toBe(300);
    expect((await summary(id)).state).toBe("IN_SYNC");
  });
});

/** Fails the members whose number (…-k0042) is a multiple of `every`; takes a minute otherwise. */
function failingEvery(every: number): Executor {
  return simulatedExecutor({
    durationSeconds: 60,
    failureRate: 0,
    jitter: 0,
    failWhen: (request) => Number(/k(\d+)$/.exec(request.memberName)?.[1]) % every === 0,
  });
}

describe("safe rollouts: canary, failure thresholds, concurrency as a share", () => {
  it("starts the canary alone, halts when its failures pass the threshold, and resumes when an admin says so", async () => {
    const id = await fleetTemplate({ members: 100, windowHours: 6, concurrency: 50 });
    expect((await updateTemplate(f.admin, id, { canaryPercent: 10, maxFailurePercent: 20 }, NOW)).ok).toBe(true);
    await bumpApproved(id, "2.0.0", NOW);
    const bad = failingEvery(3); // about a third fail
    await tick(FIRST_WINDOW, bad, { templateIds: [id] });
    expect(await db.upgradeAttempt.count({ where: { run: { templateId: id } } })).toBe(10); // the canary only, though 50 may run at once
    await run(id, bad, new Date(FIRST_WINDOW.getTime() + MINUTE), new Date(FIRST_WINDOW.getTime() + 30 * MINUTE));
    const halted = await db.upgradeRun.findFirstOrThrow({ where: { templateId: id } });
    expect(halted.state).toBe("HALTED");
    expect(halted.haltReason).toMatch(/^\d+\.\d % of the upgrades failed \(\d+ of 10\), more than the 20 % allowed\.$/);
    expect(await db.upgradeAttempt.count({ where: { run: { templateId: id } } })).toBe(10); // nothing started after the halt
    expect(await db.auditEvent.count({ where: { entityId: id, action: "template.upgrade-halted" } })).toBe(1);
    expect((await summary(id)).state).toBe("UPGRADING");
    expect(await bump(id, "3.0.0", new Date(FIRST_WINDOW.getTime() + HOUR))).toMatchObject({ ok: false, code: "upgrading" });

    expect(await resumeTemplateRun(f.owner, id, new Date(FIRST_WINDOW.getTime() + HOUR))).toMatchObject({ ok: false, status: 403 });
    expect((await resumeTemplateRun(f.admin, id, new Date(FIRST_WINDOW.getTime() + HOUR))).ok).toBe(true);
    const good = simulatedExecutor({ durationSeconds: 60, failureRate: 0 });
    await run(id, good, new Date(FIRST_WINDOW.getTime() + HOUR), new Date(FIRST_WINDOW.getTime() + 3 * HOUR));
    const failedInCanary = await db.upgradeAttempt.count({ where: { run: { templateId: id }, status: "FAILED" } });
    expect(await versions(id)).toEqual({ "1.0.0": failedInCanary, "2.0.0": 100 - failedInCanary });
    expect(await db.upgradeRun.findFirstOrThrow({ where: { templateId: id } })).toMatchObject({ state: "PARTIAL" });
  });

  it("a passing canary lets the rest go; a failure count threshold halts the run at the next failure past it", async () => {
    const id = await fleetTemplate({ members: 100, windowHours: 6, concurrency: 20 });
    expect((await updateTemplate(f.admin, id, { canaryPercent: 5, maxFailures: 2 }, NOW)).ok).toBe(true);
    await bumpApproved(id, "2.0.0", NOW);
    await run(id, failingEvery(40), FIRST_WINDOW, new Date(FIRST_WINDOW.getTime() + 3 * HOUR)); // k0000, k0040, k0080 fail
    const r = await db.upgradeRun.findFirstOrThrow({ where: { templateId: id } });
    expect(r.canarySize).toBe(5);
    expect(r.canaryPassedAt).not.toBeNull();
    expect(r).toMatchObject({ state: "HALTED", haltReason: "3 upgrade(s) failed, more than the 2 allowed." });
  });

  it("concurrency as a share of the fleet", async () => {
    const id = await fleetTemplate({ members: 200, windowHours: 6, concurrency: 100 });
    expect((await updateTemplate(f.admin, id, { concurrencyPercent: 5 }, NOW)).ok).toBe(true);
    await bumpApproved(id, "2.0.0", NOW);
    const peak = await run(id, simulatedExecutor({ durationSeconds: 120, failureRate: 0 }), FIRST_WINDOW, new Date(FIRST_WINDOW.getTime() + 2 * HOUR));
    expect(peak).toBe(10);
    expect(await versions(id)).toEqual({ "2.0.0": 200 });
  });
});
