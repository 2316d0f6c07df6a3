// What real execution asks of the engines (issue 15, point 4), on a clock the test moves: outcomes
// come only from Execution rows (a person, an automation, the deadline); nothing starts after a
// slot's cutoff; a cluster's nodes go one at a time and stop after a failed one; a template or the
// party slots may name their own executor; a start asked twice records one execution.
import { beforeEach, describe, expect, it } from "vitest";
import { claimExecution, reportExecution, settleExecutions } from "@/lib/data/executions";
import { db } from "@/lib/db";
import type { Executors } from "@/lib/rollout/executor";
import { executorByName, manualExecutor } from "@/lib/rollout/executors";
import { tickParties } from "@/lib/rollout/party-engine";
import { simulatedExecutor } from "@/lib/rollout/simulated";
import { makeFleet } from "./fixtures/fleet";
import { EXECUTION_TEST_SLOTS, keepPartyRule, setSlotSettings } from "./fixtures/party-rule";
import { createQaParty } from "./fixtures/qa-party";

keepPartyRule();

const MINUTE = 60_000;
let f: Awaited<ReturnType<typeof makeFleet>>;

beforeEach(async () => {
  f = await makeFleet();
  await db.resource.createMany({
    data: Array.from({ length: 5 }, (_, i) => ({
      name: `${f.prefix}-m${i}`,
      kind: "VM" as const,
      environment: "NON_PRODUCTION" as const,
      teamId: f.teamB.id,
      serviceId: f.web.serviceId,
      patchGroup: 1,
    })),
  });
  await db.resource.update({ where: { id: f.other.id }, data: { environment: "NON_PRODUCTION" } });
  await setSlotSettings(EXECUTION_TEST_SLOTS);
});

const qaParty = () => createQaParty();

const tickAt = (partyId: string, executors: Parameters<typeof tickParties>[1], at: Date, teamIds = [f.teamB.id]) =>
  tickParties(at, executors, { partyIds: [partyId], teamIds });
const executions = (partyId: string) => db.execution.findMany({ where: { partyId }, orderBy: { memberName: "asc" } });
const outcomes = (partyId: string) =>
  db.patchOutcome.findMany({ where: { partyId }, include: { resource: { select: { name: true } } }, orderBy: { resource: { name: "asc" } } });

describe("the manual executor: outcomes only from people, or the deadline", () => {
  it("records nothing until someone reports; reports become outcomes; silence past the deadline is a failure", async () => {
    const p = await qaParty();
    const [first] = await tickAt(p.id, manualExecutor, p.startsAt);
    expect(first).toMatchObject({ state: "RUNNING", started: 6 });
    const waiting = await executions(p.id);
    expect(waiting.map((e) => [e.executor, e.state])).toEqual(Array(6).fill(["manual", "QUEUED"]));
    // A manual member waits for people until the slot's end, then the member timeout.
    expect(waiting[0]!.deadline).toEqual(new Date(p.endsAt.getTime() + 60 * MINUTE));

    // An hour on, nobody said anything: nothing is patched, nothing failed.
    await tickAt(p.id, manualExecutor, new Date(p.startsAt.getTime() + 60 * MINUTE));
    expect(await outcomes(p.id)).toEqual([]);

    const [a, b] = waiting;
    const at = new Date(p.startsAt.getTime() + 61 * MINUTE);
    expect(
      await reportExecution(a!.key, { state: "succeeded", packages: [{ name: "openssl", from: "3.0.1", to: "3.0.2" }] }, "operator@example.com", at),
    ).toEqual({ ok: true });
    expect(await reportExecution(b!.key, { state: "failed", message: "Console shows a kernel panic" }, "operator@example.com", at)).toEqual({ ok: true });
    expect(await reportExecution(b!.key, { state: "succeeded" }, "someone-else", at)).toMatchObject({ ok: false, status: 409 });
    expect(await reportExecution("no-such-key", { state: "succeeded" }, "x", at)).toMatchObject({ ok: false, status: 404 });

    await tickAt(p.id, manualExecutor, new Date(at.getTime() + MINUTE));
    expect((await outcomes(p.id)).map((o) => [o.resource.name, o.status, o.message])).toEqual([
      [a!.memberName, "PATCHED", null],
      [b!.memberName, "FAILED", "Console shows a kernel panic"],
    ]);
    expect(await db.resource.findUniqueOrThrow({ where: { id: a!.resourceId! }, select: { lastOutcome: true, lastPatchTag: true } })).toEqual({
      lastOutcome: "PATCHED",
      lastPatchTag: p.tag,
    });

    // Past the deadline the four nobody reported fail as "no report"; the run ends.
    const late = new Date(p.endsAt.getTime() + 61 * MINUTE);
    const [last] = await tickAt(p.id, manualExecutor, late);
    expect(last).toMatchObject({ failed: 4, state: "PARTIAL" });
    const silent = (await executions(p.id)).filter((e) => e.reportedBy === "PatchParty (deadline)");
    expect(silent).toHaveLength(4);
    expect(silent[0]!.message).toMatch(/^No report: the manual executor gave no outcome by the deadline/);
    expect((await outcomes(p.id)).filter((o) => o.status === "FAILED")).toHaveLength(5);
  });

  it("a worker that stops beating fails its member as unknown, not as patched", async () => {
    const p = await qaParty();
    await tickAt(p.id, manualExecutor, p.startsAt);
    const [one] = await executions(p.id);
    // As an ssh worker that claimed it and then died would leave it.
    await db.execution.update({ where: { key: one!.key }, data: { executor: "ssh", state: "RUNNING", heartbeatAt: p.startsAt } });
    const finished = await db.$transaction((tx) => settleExecutions(tx, [one!.key], new Date(p.startsAt.getTime() + 3 * MINUTE)));
    expect(finished).toEqual([
      { key: one!.key, state: "FAILED", message: expect.stringMatching(/The worker running this upgrade stopped .*outcome is unknown/) },
    ]);
  });
});

describe("what a report may not do", () => {
  it("an automation that said it is running is not taken for a stopped worker; only its deadline ends it", async () => {
    const p = await createQaParty();
    await tickAt(p.id, manualExecutor, p.startsAt);
    const [one] = await executions(p.id);
    expect(await reportExecution(one!.key, { state: "running", message: "AWX job 4711 started" }, "awx@example.com", p.startsAt)).toEqual({ ok: true });
    const later = new Date(p.startsAt.getTime() + 20 * MINUTE);
    expect(await db.$transaction((tx) => settleExecutions(tx, [one!.key], later))).toEqual([]);
    expect(await db.execution.findUniqueOrThrow({ where: { key: one!.key }, select: { state: true } })).toEqual({ state: "RUNNING" });
  });

  it("a secret in a reported message or output is not stored", async () => {
    const p = await createQaParty();
    await tickAt(p.id, manualExecutor, p.startsAt);
    const [one] = await executions(p.id);
    const secret = process.env.NEXTAUTH_SECRET!;
    await reportExecution(
      one!.key,
      { state: "failed", message: `login failed with ${secret}`, output: `curl -H 'Authorization: Bearer abcdefghijkl' ${secret}` },
      "awx@example.com",
      p.startsAt,
    );
    const row = await db.execution.findUniqueOrThrow({ where: { key: one!.key }, select: { message: true, output: true } });
    expect(row.message).toBe("login failed with [redacted]");
    expect(row.output).not.toContain(secret);
    expect(row.output).not.toContain("abcdefghijkl");
  });
});

describe("an upgrade handed over but not begun", () => {
  it("is not begun after the window's cutoff, nor after its rollout halted: a worker that comes late skips it", async () => {
    const p = await createQaParty();
    await tickAt(p.id, manualExecutor, p.startsAt);
    const [late, halted, fine] = await executions(p.id);
    const cutoff = new Date(p.endsAt.getTime() - 30 * MINUTE);
    expect(await claimExecution(late!.key, cutoff)).toBeNull();
    expect(await db.execution.findUniqueOrThrow({ where: { key: late!.key }, select: { state: true, message: true } })).toEqual({
      state: "SKIPPED",
      message: `Not started: it was still waiting at the window's cutoff (${cutoff.toISOString().slice(0, 16).replace("T", " ")} UTC).`,
    });
    const early = new Date(p.startsAt.getTime() + MINUTE);
    expect((await claimExecution(fine!.key, early))?.key).toBe(fine!.key);
    await db.partyRun.updateMany({ where: { partyId: p.id }, data: { state: "HALTED", haltReason: "test" } });
    expect(await claimExecution(halted!.key, early)).toBeNull();
    expect(await db.execution.findUniqueOrThrow({ where: { key: halted!.key }, select: { state: true, message: true } })).toEqual({
      state: "SKIPPED",
      message: "Not started: the rollout halted (failures past its threshold) while it waited.",
    });
  });
});

describe("when members start", () => {
  it("nothing starts in the last minutes of a slot (its cutoff), and the run then closes", async () => {
    const p = await qaParty();
    await setSlotSettings({ slotCutoffMinutes: 45 });
    const sim = simulatedExecutor({ durationSeconds: 60, failureRate: 0, jitter: 0 });
    const [late] = await tickAt(p.id, sim, new Date(p.endsAt.getTime() - 44 * MINUTE));
    expect(late).toMatchObject({ started: 0, state: "PARTIAL" });
    expect(await db.execution.count({ where: { partyId: p.id } })).toBe(0);
  });

  it("a cluster's nodes go one at a time, each after the one before finished, and none after one failed", async () => {
    const p = await qaParty();
    // Three nodes of one cluster put in the same group (as an admin's override could).
    await db.resource.updateMany({ where: { clusterId: f.cluster.id }, data: { patchGroup: 1, environment: "NON_PRODUCTION" } });
    const sim = simulatedExecutor({ durationSeconds: 120, failureRate: 0, jitter: 0, failWhen: (r) => r.memberName.endsWith("node2") });
    const teams = [f.teamA.id];
    const nodeStates = async () => (await executions(p.id)).filter((e) => e.memberName.includes("node")).map((e) => `${e.memberName.slice(-5)}:${e.state}`);
    await tickAt(p.id, sim, p.startsAt, teams);
    expect(await nodeStates()).toEqual(["node1:RUNNING"]);
    await tickAt(p.id, sim, new Date(p.startsAt.getTime() + MINUTE), teams);
    expect(await nodeStates()).toEqual(["node1:RUNNING"]);
    await tickAt(p.id, sim, new Date(p.startsAt.getTime() + 2 * MINUTE), teams);
    expect(await nodeStates()).toEqual(["node1:SUCCEEDED", "node2:RUNNING"]);
    await tickAt(p.id, sim, new Date(p.startsAt.getTime() + 4 * MINUTE), teams);
    await tickAt(p.id, sim, new Date(p.startsAt.getTime() + 5 * MINUTE), teams);
    // node2 failed its health check: node3 is left alone.
    expect(await nodeStates()).toEqual(["node1:SUCCEEDED", "node2:FAILED"]);
  });
});

describe("which executor runs", () => {
  it("the party slots' own choice wins over the installation's default", async () => {
    const p = await qaParty();
    const calls: string[] = [];
    const executors: Executors = {
      defaultName: "simulated",
      get: (name) => {
        calls.push(name);
        return name === "simulated" ? simulatedExecutor({ durationSeconds: 60, failureRate: 0 }) : executorByName(name);
      },
    };
    await setSlotSettings({ slotExecutor: "manual" });
    await tickAt(p.id, executors, p.startsAt);
    expect(calls).toEqual(["manual"]);
    expect(new Set((await executions(p.id)).map((e) => e.executor))).toEqual(new Set(["manual"]));
  });

  it("a start asked again with the same keys records nothing twice", async () => {
    const p = await qaParty();
    await tickAt(p.id, manualExecutor, p.startsAt);
    const rows = await executions(p.id);
    const request = rows[0]!.request as unknown as Parameters<typeof manualExecutor.start>[1][number];
    await db.$transaction((tx) => manualExecutor.start(tx, [{ ...request, deadline: new Date(request.deadline) }], p.startsAt));
    expect(await db.execution.count({ where: { partyId: p.id } })).toBe(rows.length);
  });
});
