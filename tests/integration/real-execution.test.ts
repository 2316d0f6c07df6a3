// Issue 15, point 5: the engines patch real hosts. Test hosts are network namespaces with their own
// sshd and package state (fixtures/test-hosts.ts); a local apt repository holds pp-demo 1.0 and 1.1.
// The engine is ticked here on the real clock; the upgrades run in real job-runner processes
// (fixtures/execution-worker.ts). Afterwards each host is asked what it has.
import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate, updateTemplate, upgradeNow } from "@/lib/data/templates";
import { db } from "@/lib/db";
import type { Executors } from "@/lib/rollout/executor";
import { tick } from "@/lib/rollout/engine";
import { executorByName } from "@/lib/rollout/executors";
import { tickParties } from "@/lib/rollout/party-engine";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { approveUpgrade } from "./fixtures/changes";
import { makeFleet } from "./fixtures/fleet";
import { keepPartyRule, setSlotSettings } from "./fixtures/party-rule";
import { hostServers, startExecutionWorker, until } from "./fixtures/real-hosts";
import { createTestHosts, TEST_PACKAGE, type TestHost, type TestHosts } from "./fixtures/test-hosts";
import { unusedYear } from "./fixtures/years";

const SECOND = 1_000;
let hosts: TestHosts;
keepPartyRule();
let f: Awaited<ReturnType<typeof makeFleet>>;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  hosts = await createTestHosts(14);
  await hosts.publish("1.1");
  f = await makeFleet();
}, 120_000);

afterEach(async () => {
  for (const w of workers.splice(0)) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
  await setSlotSettings({ slotExecutor: null, slotPreHook: null });
});

afterAll(async () => {
  await hosts?.destroy();
  // Their slots are open today: other files count today's parties.
  await db.party.deleteMany({ where: { id: { in: openParties } } });
});

const openParties: string[] = [];

/** The ssh executor by default, any other by name: as a worker whose PATCHPARTY_EXECUTOR=ssh. */
const executors: Executors = { defaultName: "ssh", get: executorByName };

/** A QA party whose only slot is open now, for team B's servers. */
async function openSlot() {
  const year = await unusedYear();
  const now = Date.now();
  const startsAt = new Date(now - 60 * SECOND);
  const endsAt = new Date(now + 2 * 3_600 * SECOND);
  const party = await db.party.create({
    data: { tag: `${year}-Q1`, kind: "QA", localDate: `${year}-03-07`, timeZone: "UTC", startsAt, endsAt, slots: { create: [{ group: 1, startsAt, endsAt }] } },
  });
  openParties.push(party.id);
  return party;
}

/** How often apt upgraded the test package on a host: its own apt history, in its own root. */
async function upgradesOn(host: TestHost) {
  const log = await readFile(path.join(host.root, "var/log/apt/history.log"), "utf8").catch(() => "");
  return (log.match(new RegExp(`^Upgrade: .*${TEST_PACKAGE}`, "gm")) ?? []).length;
}

it("a party slot through the ssh executor moves its hosts to 1.1; a broken host fails with its message and halts the slot", async () => {
  const list = hosts.hosts.slice(0, 4);
  await hosts.breakPackage(list[3]!);
  const resources = await hostServers(f, list, "slot");
  await setSlotSettings({ slotCanaryPercent: 0, slotConcurrency: 4, slotMaxFailures: 0, slotMaxFailurePercent: null });
  const party = await openSlot();
  await startExecutionWorker(hosts, workers, 4).ready;
  const run = () => db.partyRun.findUnique({ where: { partyId_group: { partyId: party.id, group: 1 } } });
  const finished = () => db.execution.count({ where: { partyId: party.id, state: { in: ["SUCCEEDED", "FAILED", "SKIPPED"] } } });
  await until(
    "the four upgrades",
    async () => (await finished()) === 4 && (await run())?.state === "HALTED",
    120_000,
    () => tickParties(new Date(), executors, { partyIds: [party.id], teamIds: [resources.teamId] }),
  );

  for (const h of list.slice(0, 3)) expect(await hosts.installedVersion(h), h.name).toBe("1.1");
  // The broken host's package was unpacked but never configured.
  expect((await hosts.run(list[3]!, `dpkg-query -W -f='\${Status}' ${TEST_PACKAGE}`)).stdout).toBe("install ok half-configured");
  for (const h of list.slice(0, 3)) expect(await upgradesOn(h), h.name).toBe(1);

  const rows = await db.execution.findMany({ where: { partyId: party.id }, orderBy: { memberName: "asc" } });
  expect(rows.map((e) => [e.executor, e.state])).toEqual([
    ["ssh", "SUCCEEDED"],
    ["ssh", "SUCCEEDED"],
    ["ssh", "SUCCEEDED"],
    ["ssh", "FAILED"],
  ]);
  expect(rows[0]!.packages).toEqual([{ name: TEST_PACKAGE, from: "1.0", to: "1.1" }]);
  expect(rows[0]).toMatchObject({ healthCheck: "passed", rebooted: false, exitStatus: 0, reportedBy: "ssh" });
  expect(rows[3]!.message).toMatch(/apt-get upgrade failed/);
  expect(rows[3]!.output).toMatch(/postinst failed on purpose/);

  const outcomes = await db.patchOutcome.findMany({ where: { partyId: party.id }, select: { resourceId: true, status: true, message: true } });
  expect(
    outcomes
      .filter((o) => o.status === "PATCHED")
      .map((o) => o.resourceId)
      .sort(),
  ).toEqual(
    resources
      .slice(0, 3)
      .map((r) => r.id)
      .sort(),
  );
  expect(outcomes.find((o) => o.status === "FAILED")?.message).toMatch(/apt-get upgrade failed/);
  // The real failure counted toward the threshold (none allowed): the slot halted.
  expect((await run())?.haltReason).toBe("1 upgrade(s) failed, more than the 0 allowed.");
}, 180_000);

/** A template of these servers at 1.0, bumped to 1.1 and approved, run now ("Upgrade now"); returns when its run closed. */
async function upgradeTemplate(resources: { name: string }[], tag: string, executor: "ssh" | "ansible" | null) {
  const now = new Date();
  const policy = await createPolicy(
    f.admin,
    PolicyInputSchema.parse({ name: `${f.prefix}-${tag}`, tags: "", schedules: [{ name: "Monthly", preset: "monthly-1st", windowHours: 1 }] }),
    now,
  );
  if (!policy.ok) throw new Error(policy.message);
  const template = await createTemplate(
    f.admin,
    TemplateCreateSchema.parse({
      name: `${f.prefix}-${tag}`,
      policyId: policy.value.id,
      targetVersion: "1.0",
      concurrency: 3,
      members: resources.map((r) => r.name),
    }),
    now,
  );
  if (!template.ok) throw new Error(template.message);
  const id = template.value.id;
  await db.template.update({ where: { id }, data: { executor } });
  expect((await updateTemplate(f.admin, id, { targetVersion: "1.1" }, now)).ok).toBe(true);
  await approveUpgrade(f, id, now);
  expect((await upgradeNow(f.admin, id, now)).ok).toBe(true);
  const closed = async () =>
    ["PARTIAL", "COMPLETED"].includes((await db.upgradeRun.findFirst({ where: { templateId: id }, select: { state: true } }))?.state ?? "");
  await until("the template's run to close", closed, 150_000, () => tick(new Date(), executors, { templateIds: [id] }));
  return id;
}

it("a template upgrade through the ssh executor moves its hosts to 1.1", async () => {
  const list = hosts.hosts.slice(10, 12);
  const resources = await hostServers(f, list, "tplssh");
  await startExecutionWorker(hosts, workers, 2).ready;
  const id = await upgradeTemplate(resources, "tplssh", null);
  for (const h of list) expect(await hosts.installedVersion(h), h.name).toBe("1.1");
  expect(await db.execution.findMany({ where: { templateId: id }, select: { executor: true, state: true, fromVersion: true, toVersion: true } })).toEqual([
    { executor: "ssh", state: "SUCCEEDED", fromVersion: "1.0", toVersion: "1.1" },
    { executor: "ssh", state: "SUCCEEDED", fromVersion: "1.0", toVersion: "1.1" },
  ]);
  expect(await db.upgradeRun.findFirst({ where: { templateId: id }, select: { state: true } })).toEqual({ state: "COMPLETED" });
}, 200_000);

it("a party slot through the ansible executor (the slots' own choice) moves its hosts to 1.1", async () => {
  const list = hosts.hosts.slice(12, 14);
  const resources = await hostServers(f, list, "slotans");
  await setSlotSettings({ slotExecutor: "ansible", slotCanaryPercent: 0, slotConcurrency: 4 });
  const party = await openSlot();
  await startExecutionWorker(hosts, workers, 2).ready;
  const run = () => db.partyRun.findUnique({ where: { partyId_group: { partyId: party.id, group: 1 } } });
  await until(
    "the slot to complete",
    async () => (await run())?.state === "COMPLETED",
    150_000,
    () => tickParties(new Date(), executors, { partyIds: [party.id], teamIds: [resources.teamId] }),
  );
  for (const h of list) expect(await hosts.installedVersion(h), h.name).toBe("1.1");
  const rows = await db.execution.findMany({ where: { partyId: party.id }, select: { executor: true, state: true, packages: true } });
  expect(rows).toEqual([
    { executor: "ansible", state: "SUCCEEDED", packages: [{ name: TEST_PACKAGE, from: "1.0", to: "1.1" }] },
    { executor: "ansible", state: "SUCCEEDED", packages: [{ name: TEST_PACKAGE, from: "1.0", to: "1.1" }] },
  ]);
  expect(await db.patchOutcome.count({ where: { partyId: party.id, status: "PATCHED" } })).toBe(2);
}, 200_000);

it("a template upgrade through the ansible executor (its own choice) moves its hosts; a changed host key fails its member", async () => {
  const list = hosts.hosts.slice(4, 7);
  await hosts.changeHostKey(list[2]!);
  const resources = await hostServers(f, list, "tpl");
  await startExecutionWorker(hosts, workers, 2).ready;
  const id = await upgradeTemplate(resources, "tpl", "ansible");

  expect(await hosts.installedVersion(list[0]!)).toBe("1.1");
  expect(await hosts.installedVersion(list[1]!)).toBe("1.1");
  const rows = await db.execution.findMany({ where: { templateId: id }, orderBy: { memberName: "asc" } });
  expect(rows.map((e) => [e.executor, e.state])).toEqual([
    ["ansible", "SUCCEEDED"],
    ["ansible", "SUCCEEDED"],
    ["ansible", "FAILED"],
  ]);
  expect(rows[0]!.packages).toEqual([{ name: TEST_PACKAGE, from: "1.0", to: "1.1" }]);
  expect(rows[2]!.message).toMatch(/host key .* changed/i);
  const members = await db.templateMember.findMany({
    where: { templateId: id },
    select: { resourceId: true, currentVersion: true, state: true, lastError: true },
  });
  const byResource = new Map(members.map((m) => [m.resourceId, m]));
  expect(byResource.get(resources[0]!.id)).toMatchObject({ currentVersion: "1.1", state: "IN_SYNC" });
  expect(byResource.get(resources[2]!.id)).toMatchObject({ currentVersion: "1.0", state: "FAILED", lastError: expect.stringMatching(/host key .* changed/i) });
}, 200_000);

it("a worker killed mid-run starts nobody twice: its members are failed as unknown, the other worker upgrades the rest once", async () => {
  const list = hosts.hosts.slice(7, 10);
  const resources = await hostServers(f, list, "kill");
  // A pre-hook that takes a while, so the first worker is surely in the middle of its upgrades.
  await setSlotSettings({ slotCanaryPercent: 0, slotConcurrency: 3, slotMaxFailures: null, slotMaxFailurePercent: null, slotPreHook: "sleep 4" });
  const party = await openSlot();
  const a = startExecutionWorker(hosts, workers, 2);
  await a.ready;
  const tickNow = () => tickParties(new Date(), executors, { partyIds: [party.id], teamIds: [resources.teamId] });
  const running = () => db.execution.count({ where: { partyId: party.id, state: "RUNNING" } });
  // Worker A (two at a time) claims two of the three; then it is killed.
  await until("worker A to claim two", async () => (await running()) === 2, 60_000, tickNow);
  const claimedByA = (await db.execution.findMany({ where: { partyId: party.id, state: "RUNNING" }, select: { key: true } })).map((e) => e.key);
  a.child.kill("SIGKILL");
  await new Promise((resolve) => a.child.once("exit", resolve));

  // Worker B takes what was still queued, and only that.
  await startExecutionWorker(hosts, workers, 4).ready;
  await until("worker B's upgrade", async () => (await db.execution.count({ where: { partyId: party.id, state: "SUCCEEDED" } })) === 1, 90_000, tickNow);
  await new Promise((resolve) => setTimeout(resolve, 10 * SECOND)); // B has time to do more, if it wrongly would
  expect(await db.execution.findMany({ where: { key: { in: claimedByA } }, select: { state: true } })).toEqual([{ state: "RUNNING" }, { state: "RUNNING" }]);

  // Minutes later, A's members are failed as unknown: nobody patched them twice, nothing claims they were patched.
  const later = new Date(Date.now() + 3 * 60 * SECOND);
  await tickParties(later, executors, { partyIds: [party.id], teamIds: [resources.teamId] });
  const rows = await db.execution.findMany({ where: { partyId: party.id }, select: { key: true, state: true, message: true } });
  for (const row of rows.filter((r) => claimedByA.includes(r.key)))
    expect(row).toMatchObject({ state: "FAILED", message: expect.stringMatching(/worker running this upgrade stopped/) });
  expect(await db.patchAttempt.count({ where: { run: { partyId: party.id } } })).toBe(3);
  for (const h of list) expect(await upgradesOn(h), h.name).toBeLessThanOrEqual(1);
  expect((await db.patchOutcome.findMany({ where: { partyId: party.id }, select: { status: true } })).filter((o) => o.status === "PATCHED")).toHaveLength(1);
}, 240_000);
