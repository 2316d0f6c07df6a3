// Party slots as rollouts, on a clock the test moves: an unapproved production party does not
// start; once approved its slot patches the group canary first; a QA slot halts past its threshold
// and an admin resumes it. Scoped to one team's resources; parties in far years of their own.
import { beforeEach, describe, expect, it } from "vitest";
import { GET, PUT } from "@/app/api/v1/party-rule/rollouts/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { decideChange, openPartyChange } from "@/lib/data/change-requests";
import { DEFAULT_SLOT_ROLLOUT, saveSlotRollout } from "@/lib/data/slot-rollout";
import { db } from "@/lib/db";
import type { Executor } from "@/lib/rollout/executor";
import { resumeSlotRun } from "@/lib/data/runs";
import { tickParties } from "@/lib/rollout/party-engine";
import { simulatedExecutor } from "@/lib/rollout/simulated";
import { makeFleet } from "./fixtures/fleet";
import { unusedYear } from "./fixtures/years";

const MINUTE = 60_000;
let f: Awaited<ReturnType<typeof makeFleet>>;

beforeEach(async () => {
  f = await makeFleet();
  // Team B: "other" and 19 more production servers in group 1.
  await db.resource.createMany({
    data: Array.from({ length: 19 }, (_, i) => ({
      name: `${f.prefix}-k${String(i + 1).padStart(2, "0")}`,
      kind: "VM" as const,
      environment: "PRODUCTION" as const,
      teamId: f.teamB.id,
      serviceId: f.web.serviceId,
      patchGroup: 1,
    })),
  });
  await db.resource.update({ where: { id: f.other.id }, data: { name: `${f.prefix}-k00` } });
});

async function party(kind: "PRODUCTION" | "QA") {
  const year = await unusedYear();
  const startsAt = new Date(Date.UTC(year, 2, 7, 5));
  return db.party.create({
    data: {
      tag: `${year}-Q1`,
      kind,
      localDate: `${year}-03-07`,
      timeZone: "UTC",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 4 * 3_600_000),
      slots: { create: [{ group: 1, startsAt, endsAt: new Date(startsAt.getTime() + 4 * 3_600_000) }] },
    },
  });
}

async function run(partyId: string, executor: Executor, from: Date, minutes: number) {
  for (let t = 0; t <= minutes; t++) await tickParties(new Date(from.getTime() + t * MINUTE), executor, { partyIds: [partyId], teamIds: [f.teamB.id] });
}

const outcomes = (partyId: string) =>
  db.patchOutcome
    .groupBy({ by: ["status"], where: { partyId }, _count: { _all: true } })
    .then((g) => Object.fromEntries(g.map((x) => [x.status, x._count._all])));

describe("party slots as rollouts", () => {
  it("an unapproved production party does not start; approved, its slot patches the group, canary first", async () => {
    const p = await party("PRODUCTION");
    const sim = simulatedExecutor({ durationSeconds: 120, failureRate: 0, jitter: 0 });
    await run(p.id, sim, p.startsAt, 10);
    const waiting = await db.partyRun.findUniqueOrThrow({ where: { partyId_group: { partyId: p.id, group: 1 } } });
    expect(waiting).toMatchObject({ state: "SCHEDULED", haltReason: "It has no change request yet." });
    expect(await db.patchAttempt.count({ where: { runId: waiting.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { entityId: p.id, action: "party.slot-blocked" } })).toBe(1);

    const opened = await openPartyChange(f.admin, p.tag, new Date(p.startsAt.getTime() - 86_400_000));
    if (!opened.ok) throw new Error(opened.message);
    await decideChange(f.admin, opened.value.id, "submit", {}, p.startsAt);
    await decideChange(f.approver, opened.value.id, "approve", { comment: "CAB: go" }, p.startsAt);

    const approvedAt = new Date(p.startsAt.getTime() + 11 * MINUTE);
    const [first] = await tickParties(approvedAt, sim, { partyIds: [p.id], teamIds: [f.teamB.id] });
    expect(first).toMatchObject({ state: "RUNNING", started: 2 }); // 10 % of 20: the canary
    await run(p.id, sim, new Date(approvedAt.getTime() + MINUTE), 30);
    expect(await outcomes(p.id)).toEqual({ PATCHED: 20 });
    const done = await db.partyRun.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(done).toMatchObject({ state: "COMPLETED", canarySize: 2 });
    expect(done.canaryPassedAt).not.toBeNull();
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.other.id } })).toMatchObject({ lastOutcome: "PATCHED", lastPatchTag: p.tag });
    await run(p.id, sim, p.endsAt, 0);
    expect((await db.party.findUniqueOrThrow({ where: { id: p.id } })).status).toBe("COMPLETED");
  });

  it("a QA slot halts when its canary fails past the threshold, and resumes when an admin says so", async () => {
    const p = await party("QA");
    await db.resource.updateMany({ where: { teamId: f.teamB.id }, data: { environment: "NON_PRODUCTION" } }); // QA patches non-production
    const failing: Executor = simulatedExecutor({ durationSeconds: 60, failureRate: 0, jitter: 0, failWhen: (request) => request.memberName.endsWith("-k00") });
    await run(p.id, failing, p.startsAt, 5);
    const halted = await db.partyRun.findUniqueOrThrow({ where: { partyId_group: { partyId: p.id, group: 1 } } });
    expect(halted).toMatchObject({ state: "HALTED", haltReason: "50.0 % of the upgrades failed (1 of 2), more than the 10 % allowed." });
    expect(await outcomes(p.id)).toEqual({ PATCHED: 1, FAILED: 1 });
    await run(p.id, failing, new Date(p.startsAt.getTime() + 6 * MINUTE), 5);
    expect(await db.patchAttempt.count({ where: { runId: halted.id } })).toBe(2); // nothing new while halted
    expect((await db.party.findUniqueOrThrow({ where: { id: p.id } })).status).toBe("RUNNING");

    expect(await resumeSlotRun(f.owner, halted.id, p.startsAt)).toMatchObject({ ok: false, status: 403 });
    expect((await resumeSlotRun(f.admin, halted.id, new Date(p.startsAt.getTime() + 12 * MINUTE))).ok).toBe(true);
    // Both audit rows name the party's slot, so the audit reads without the run's id.
    const audited = await db.auditEvent.findMany({
      where: { entityId: p.id, action: { in: ["party.slot-halted", "party.slot-resumed"] } },
      orderBy: { at: "asc" },
      select: { action: true, actorLabel: true, entityLabel: true },
    });
    expect(audited).toEqual([
      { action: "party.slot-halted", actorLabel: "scheduler", entityLabel: `${p.tag} QA group 1` },
      { action: "party.slot-resumed", actorLabel: f.admin.email, entityLabel: `${p.tag} QA group 1` },
    ]);
    await run(p.id, failing, new Date(p.startsAt.getTime() + 12 * MINUTE), 10);
    expect(await outcomes(p.id)).toEqual({ PATCHED: 19, FAILED: 1 });
    expect(await db.partyRun.findUniqueOrThrow({ where: { id: halted.id } })).toMatchObject({ state: "PARTIAL" });
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.other.id } })).toMatchObject({ lastOutcome: "FAILED" });
  });
});

describe("slot rollout settings", () => {
  it("admins set them over the API, others may not, bad values are refused, and the next slot follows them", async () => {
    const tokens = {
      admin: (await createApiToken(f.admin.id, { name: "t", scope: "write", days: 90 }, { id: null, label: "t" })).secret,
      owner: (await createApiToken(f.owner.id, { name: "t", scope: "write", days: 90 }, { id: null, label: "t" })).secret,
    };
    const put = (who: keyof typeof tokens, body: unknown) =>
      PUT(
        new Request("http://localhost/api/v1/party-rule/rollouts", {
          method: "PUT",
          headers: { Authorization: `Bearer ${tokens[who]}` },
          body: JSON.stringify(body),
        }),
      );
    try {
      expect((await put("owner", { canaryPercent: 0 })).status).toBe(403);
      const bad = await put("admin", { canaryPercent: 150 });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: "canaryPercent: The canary share is a whole number from 0 to 100." });
      const saved = await put("admin", { canaryPercent: 0, concurrencyPercent: 50, maxFailurePercent: null });
      expect(await saved.json()).toEqual({ concurrency: 25, concurrencyPercent: 50, canaryPercent: 0, maxFailures: null, maxFailurePercent: null });
      expect(
        await (await GET(new Request("http://localhost/api/v1/party-rule/rollouts", { headers: { Authorization: `Bearer ${tokens.owner}` } }))).json(),
      ).toMatchObject({ canaryPercent: 0, concurrencyPercent: 50 });

      const p = await party("PRODUCTION");
      await db.party.update({ where: { id: p.id }, data: { kind: "QA" } }); // no change gate for this one
      await db.resource.updateMany({ where: { teamId: f.teamB.id }, data: { environment: "NON_PRODUCTION" } });
      const [first] = await tickParties(p.startsAt, simulatedExecutor({ durationSeconds: 60, failureRate: 0 }), { partyIds: [p.id], teamIds: [f.teamB.id] });
      expect(first).toMatchObject({ state: "RUNNING", started: 10 }); // no canary; half of the slot's 20 at once
    } finally {
      await saveSlotRollout(f.admin, DEFAULT_SLOT_ROLLOUT, new Date());
    }
  });
});
