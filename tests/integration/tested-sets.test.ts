// Issue 20, points 1, 2 and 5, on real hosts (network namespaces with their own sshd and package
// state, a local apt repository with pp-demo): a scan finds the pending 1.1 and a reboot flag; QA
// installs 1.1; a 1.2 published afterwards is held back for production, which installs 1.1; an
// admin may let 1.2 through, audited.
import type { ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as packagesRoute, POST as approveRoute } from "@/app/api/v1/parties/[tag]/[kind]/packages/route";
import { POST as scanRoute } from "@/app/api/v1/resources/[name]/updates/scan/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { decideChange, openPartyChange } from "@/lib/data/change-requests";
import { productionPackages, type ProductionPackages } from "@/lib/data/tested-sets";
import { planScans, requestScan } from "@/lib/data/update-scans";
import { serverUpdates } from "@/lib/data/updates";
import { db } from "@/lib/db";
import type { Executors } from "@/lib/rollout/executor";
import { executorByName } from "@/lib/rollout/executors";
import { tickParties } from "@/lib/rollout/party-engine";
import { runUpdateScan } from "@/lib/rollout/update-scan";
import { ansibleConfigFromEnv, runAnsibleExecutions } from "@/lib/rollout/ansible";
import { recordExecutions } from "@/lib/data/executions";
import { parseEnv } from "@/lib/env";
import type { SshConfig } from "@/lib/rollout/ssh";
import { makeFleet } from "./fixtures/fleet";
import { keepPartyRule, setSlotSettings } from "./fixtures/party-rule";
import { hostServers, startExecutionWorker, until } from "./fixtures/real-hosts";
import { createTestHosts, TEST_PACKAGE, type TestHosts } from "./fixtures/test-hosts";
import { unusedYear } from "./fixtures/years";

const MINUTE = 60_000;
let hosts: TestHosts;
let config: SshConfig;
let f: Awaited<ReturnType<typeof makeFleet>>;
const workers: ChildProcess[] = [];
const parties: string[] = [];
keepPartyRule();

const executors: Executors = { defaultName: "ssh", get: executorByName };
const tokens: Record<string, string> = {};

/** A call to a route as `who`, with an API token. */
const call = (method: string, path: string, who: "admin" | "owner", body?: unknown) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: { Authorization: `Bearer ${tokens[who]}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  hosts = await createTestHosts(5);
  await hosts.publish("1.1");
  config = { ...hosts.sshConfig(), rebootTimeoutSeconds: 30 };
  f = await makeFleet();
  for (const who of ["admin", "owner"] as const)
    tokens[who] = (await createApiToken(f[who].id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
  // The party slots' executor scans too.
  await setSlotSettings({ slotExecutor: "ssh", slotCanaryPercent: 0, slotConcurrency: 4, slotMaxFailures: null, slotMaxFailurePercent: null });
}, 120_000);

afterEach(() => {
  for (const w of workers.splice(0)) if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
});

afterAll(async () => {
  await setSlotSettings({ slotExecutor: null });
  await hosts?.destroy();
  await db.party.deleteMany({ where: { id: { in: parties } } });
});

describe("update scans", () => {
  it("find the pending 1.1 and a reboot flag; a scan that fails keeps the last result and says why", async () => {
    const [server] = await hostServers(f, [hosts.hosts[0]!], "scan");
    await hosts.run(hosts.hosts[0]!, 'touch "$DPKG_ROOT/var/run/reboot-required"');
    const at = new Date();
    expect(await runUpdateScan(server!.id, { config, now: () => at })).toBe("scanned");

    const found = await serverUpdates(server!.id);
    expect(found.scan).toMatchObject({ scannedAt: at, source: "ssh", packageManager: "apt", rebootRequired: true, error: null });
    expect(found.scan!.release).toMatch(/^debian \d+/);
    expect(found.updates).toEqual([
      { package: TEST_PACKAGE, installed: "1.0", candidate: "1.1", security: false, severity: null, advisories: [], firstSeenAt: at },
    ]);
    expect(await db.resource.findUniqueOrThrow({ where: { id: server!.id } })).toMatchObject({ pendingUpdates: 1, securityUpdates: 0, rebootPending: true });
    // Nothing was installed by looking.
    expect(await hosts.installedVersion(hosts.hosts[0]!)).toBe("1.0");

    // Down: the scan fails, says why, and what was found stays (first seen too).
    await hosts.makeUnreachable(hosts.hosts[0]!);
    try {
      expect(await runUpdateScan(server!.id, { config })).toBe("failed");
    } finally {
      await hosts.makeReachable(hosts.hosts[0]!);
    }
    const after = await serverUpdates(server!.id);
    expect(after.scan).toMatchObject({ scannedAt: at, error: expect.stringMatching(/unreachable over SSH/) });
    expect(after.updates.map((u) => [u.package, u.firstSeenAt])).toEqual([[TEST_PACKAGE, at]]);
  }, 120_000);

  it("are queued on demand by the server's owners and admins, and planned for servers not scanned for a day", async () => {
    const [server] = await hostServers(f, [hosts.hosts[3]!], "plan");
    await db.teamMembership.create({ data: { userId: f.owner.id, teamId: server!.teamId } });
    const owner = { ...f.owner, teamIds: [...f.owner.teamIds, server!.teamId] };
    expect(await requestScan(f.ownerB, server!.name)).toMatchObject({ ok: false, status: 403 });
    expect(await requestScan(owner, server!.name)).toEqual({ ok: true, value: { queued: true, executor: "ssh" } });
    // Over the API too (the admin's token).
    const scanned = await scanRoute(call("POST", `/api/v1/resources/${server!.name}/updates/scan`, "admin"), {
      params: Promise.resolve({ name: server!.name }),
    });
    expect(scanned.status).toBe(202);
    expect(await scanned.json()).toEqual({ queued: true, executor: "ssh" });
    expect(await requestScan(f.admin, "no-such-server")).toMatchObject({ ok: false, status: 404 });
    const key = `scan:${server!.id}`;
    const queued = () => db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ${key}`;
    expect((await queued())[0]!.n).toBe(1);

    // Planned: never scanned, so due (its job key is the same: still one job).
    expect(await planScans(new Date())).toBeGreaterThan(0);
    expect((await queued())[0]!.n).toBe(1);
    // Other files' workers are not to run them.
    await db.$queryRaw`SELECT graphile_worker.remove_job(key)::text FROM graphile_worker.jobs WHERE task_identifier = 'scan_updates'`;
  });
});

describe("production installs what QA tested", () => {
  it("QA installs 1.1; 1.2 published afterwards is held back and production installs 1.1; an admin may let 1.2 through", async () => {
    const qa = await hostServers(f, [hosts.hosts[1]!], "qa");
    const prod = await hostServers(f, [hosts.hosts[2]!], "prod", "PRODUCTION");
    const teamIds = [qa.teamId, prod.teamId];
    for (const r of [...qa, ...prod]) expect(await runUpdateScan(r.id, { config })).toBe("scanned");
    const year = await unusedYear();
    const tag = `${year}-Q1`;
    await startExecutionWorker(hosts, workers, 2).ready;

    // QA: its slot is open now; it patches to 1.1 and, once over, records the tested set.
    const qaParty = await openParty(tag, "QA");
    const qaDone = () => db.execution.count({ where: { partyId: qaParty.id, state: "SUCCEEDED" } });
    await until(
      "QA's upgrade",
      async () => (await qaDone()) === 1,
      120_000,
      () => tickParties(new Date(), executors, { partyIds: [qaParty.id], teamIds }),
    );
    expect(await hosts.installedVersion(hosts.hosts[1]!)).toBe("1.1");
    await tickParties(new Date(qaParty.endsAt.getTime() + MINUTE), executors, { partyIds: [qaParty.id], teamIds });
    expect((await db.party.findUniqueOrThrow({ where: { id: qaParty.id } })).status).toBe("COMPLETED");
    const tested = await db.testedPackage.findMany({ where: { tag } });
    expect(tested).toEqual([expect.objectContaining({ package: TEST_PACKAGE, version: "1.1", source: "qa", release: expect.stringMatching(/^debian/) })]);

    // Three weeks later 1.2 is out: the production server's scan sees it, the party holds it back.
    await hosts.publish("1.2");
    expect(await runUpdateScan(prod[0]!.id, { config })).toBe("scanned");
    expect((await serverUpdates(prod[0]!.id)).updates.map((u) => u.candidate)).toEqual(["1.2"]);
    const release = tested[0]!.release;
    const prodParty = await openParty(tag, "PRODUCTION");
    const params = { params: Promise.resolve({ tag, kind: "production" }) };
    const answered = await packagesRoute(call("GET", `/api/v1/parties/${tag}/production/packages`, "owner"), params);
    expect(answered.status).toBe(200);
    const plan = (await answered.json()) as ProductionPackages;
    expect(plan.testedSet).toEqual([{ release, package: TEST_PACKAGE, version: "1.1", source: "qa" }]);
    const group = plan.groups.find((g) => g.group === 1)!;
    expect(group.install).toContainEqual({ release, package: TEST_PACKAGE, version: "1.1", source: "qa", servers: 1 });
    expect(group.heldBack).toContainEqual({ release, package: TEST_PACKAGE, candidate: "1.2", tested: "1.1", servers: 1 });

    // Production, approved by the CAB, installs 1.1, not the newest.
    const opened = await openPartyChange(f.admin, tag, new Date(prodParty.startsAt.getTime() - 86_400_000));
    if (!opened.ok) throw new Error(opened.message);
    expect((await decideChange(f.admin, opened.value.id, "submit", {}, new Date())).ok).toBe(true);
    expect((await decideChange(f.approver, opened.value.id, "approve", { comment: "CAB: go" }, new Date())).ok).toBe(true);
    const prodDone = () => db.execution.findFirst({ where: { partyId: prodParty.id, state: { in: ["SUCCEEDED", "FAILED"] } } });
    await until(
      "production's upgrade",
      async () => (await prodDone()) !== null,
      120_000,
      () => tickParties(new Date(), executors, { partyIds: [prodParty.id], teamIds }),
    );
    const execution = (await prodDone())!;
    expect(execution).toMatchObject({ state: "SUCCEEDED", packages: [{ name: TEST_PACKAGE, from: "1.0", to: "1.1" }] });
    expect(execution.request).toMatchObject({ install: { tag, release } });
    expect(execution.output).toContain(`to the versions QA tested in ${tag}`);
    expect(await hosts.installedVersion(hosts.hosts[2]!)).toBe("1.1");

    // An admin lets 1.2 through (owners may not); audited with the reason.
    const approve = (who: "admin" | "owner", body: Record<string, unknown>) =>
      approveRoute(call("POST", `/api/v1/parties/${tag}/production/packages`, who, { release, package: TEST_PACKAGE, ...body }), params);
    expect((await approve("owner", { version: "1.2", reason: "Fixes CVE-2026-0001" })).status).toBe(403);
    const bad = await approve("admin", { version: "1.2; rm -rf /", reason: "Fixes CVE-2026-0001" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "version: must be a version: letters, digits and . + : ~ _ - only" });
    const approved = await approve("admin", { version: "1.2", reason: "Fixes CVE-2026-0001" });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ release, package: TEST_PACKAGE, version: "1.2", source: "approved" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: prodParty.id, action: "party.tested-set.approve" } });
    expect(audit).toMatchObject({ actorLabel: f.admin.email, reason: "Fixes CVE-2026-0001" });
    expect(audit.before).toMatchObject({ version: "1.1", source: "qa" });
    expect(await runUpdateScan(prod[0]!.id, { config })).toBe("scanned");
    const now = (await productionPackages(tag)).groups.find((g) => g.group === 1)!;
    expect(now.install).toContainEqual({ release, package: TEST_PACKAGE, version: "1.2", source: "approved", servers: 1 });
    expect(now.heldBack.filter((h) => h.package === TEST_PACKAGE)).toEqual([]);
  }, 300_000);

  it("the ansible executor installs the tested version too, not the newest", async () => {
    // Runs after the test above: 1.1 is tested for this release and 1.2 is published.
    const [server] = await hostServers(f, [hosts.hosts[4]!], "ansprod", "PRODUCTION");
    expect(await runUpdateScan(server!.id, { config })).toBe("scanned");
    const release = (await serverUpdates(server!.id)).scan!.release ?? "";
    const tag = `${await unusedYear()}-Q2`;
    await db.testedPackage.create({ data: { tag, release, package: TEST_PACKAGE, version: "1.1", source: "qa", recordedAt: new Date() } });
    const request = hosts.request(hosts.hosts[4]!, {
      key: `pin-${server!.id}`,
      resourceId: server!.id,
      memberName: server!.name,
      party: { id: "party-pin", tag, kind: "production", group: 1 },
      install: { tag, release },
    });
    await db.$transaction((tx) => recordExecutions(tx, "ansible", [request], "QUEUED", new Date()));
    await runAnsibleExecutions([request.key], {
      ...ansibleConfigFromEnv(parseEnv({})),
      keyFile: hosts.keyFile,
      knownHostsFile: hosts.knownHostsFile,
      connectTimeoutSeconds: 5,
      extraVars: { patchparty_reboot_command: hosts.rebootCommand, patchparty_boot_time_command: 'cat "$PATCHPARTY_TEST_HOST/sshd.pid"' },
    });
    const row = await db.execution.findUniqueOrThrow({ where: { key: request.key } });
    expect(row, row.output ?? "").toMatchObject({ state: "SUCCEEDED", packages: [{ name: TEST_PACKAGE, from: "1.0", to: "1.1" }] });
    expect(await hosts.installedVersion(hosts.hosts[4]!)).toBe("1.1");
  }, 180_000);
});

/** A party of `tag` whose only slot is open now, for group 1. */
async function openParty(tag: string, kind: "QA" | "PRODUCTION") {
  const now = Date.now();
  const startsAt = new Date(now - MINUTE);
  const endsAt = new Date(now + 2 * 60 * MINUTE);
  const party = await db.party.create({
    data: { tag, kind, localDate: tag.slice(0, 4) + "-03-07", timeZone: "UTC", startsAt, endsAt, slots: { create: [{ group: 1, startsAt, endsAt }] } },
  });
  parties.push(party.id);
  return party;
}
