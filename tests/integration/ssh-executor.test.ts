// The ssh executor on real hosts (issue 15, point 5): network namespaces with their own sshd and
// package state, a local apt repository with pp-demo 1.0 and 1.1. Each test has hosts of its own,
// so the order does not matter; the hosts are asked afterwards what is installed.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordExecutions } from "@/lib/data/executions";
import { db } from "@/lib/db";
import type { UpgradeRequest } from "@/lib/domain";
import { runSshExecution, runSshUpgrade, type SshConfig } from "@/lib/rollout/ssh";
import { createTestHosts, type TestHost, type TestHosts } from "./fixtures/test-hosts";

let t: TestHosts;
let config: SshConfig;
let hookDir: string;
const host = (i: number) => t.hosts[i]!;

beforeAll(async () => {
  hookDir = await mkdtemp(path.join(tmpdir(), "patchparty-hooks-"));
  t = await createTestHosts(9);
  await t.publish("1.1");
  config = { ...t.sshConfig(), rebootTimeoutSeconds: 30 };
});

afterAll(async () => {
  await t?.destroy();
  await rm(hookDir, { recursive: true, force: true });
});

/** A party slot's member (the hooks are told the party). */
const request = (h: TestHost, over: Partial<UpgradeRequest> = {}) => t.request(h, { party: { id: "party-1", tag: "2026-Q4", kind: "qa", group: 2 }, ...over });

const hookFile = (name: string) => path.join(hookDir, name);
const envDump = (file: string) => `env | grep ^PATCHPARTY_ | sort > ${file}`;

describe("runSshUpgrade on real hosts", () => {
  it("upgrades 1.0 → 1.1 with apt, or with the command configured for a tag, and records the packages it changed", async () => {
    const streamed: string[] = [];
    const [byApt, byCommand] = await Promise.all([
      runSshUpgrade(request(host(0)), config, { onOutput: (text) => streamed.push(text) }),
      runSshUpgrade(request(host(1), { tags: ["web", "appliance"] }), {
        ...config,
        commands: { "tag:appliance": "apt-get -q update >/dev/null && apt-get -y upgrade" },
      }),
    ]);
    expect(byApt).toMatchObject({
      state: "succeeded",
      exitStatus: 0,
      packages: [{ name: "pp-demo", from: "1.0", to: "1.1" }],
      rebootRequired: false,
      rebooted: false,
      healthCheck: "passed",
      message: "1 package upgraded with apt; no reboot needed; health check passed.",
    });
    expect(byApt.output).toContain("==> apt-get upgrade");
    expect(byApt.output).toContain("Setting up pp-demo (1.1)");
    // Package lists are for the record, not the output.
    expect(byApt.output).not.toContain("@@patchparty");
    expect(streamed.join("")).toBe(byApt.output);
    expect(byCommand).toMatchObject({
      state: "succeeded",
      packages: [{ name: "pp-demo", from: "1.0", to: "1.1" }],
      message: expect.stringContaining("with the command configured for tag:appliance"),
    });
    expect(await Promise.all([t.installedVersion(host(0)), t.installedVersion(host(1))])).toEqual(["1.1", "1.1"]);
    // Nothing left to do the second time.
    expect(await runSshUpgrade(request(host(0)), config)).toMatchObject({
      state: "succeeded",
      packages: [],
      message: expect.stringMatching(/^Nothing to upgrade with apt/),
    });
  });

  it("a broken package fails the member with the step and the package manager's last words", async () => {
    await t.breakPackage(host(2));
    const report = await runSshUpgrade(request(host(2)), config);
    expect(report).toMatchObject({ state: "failed", exitStatus: 100, healthCheck: null, rebooted: null });
    expect(report.message).toMatch(/^apt-get upgrade failed \(exit 100\) on pp\d+h2 \(10\.231\.\d+\.\d+\): .*dpkg returned an error code \(1\)/);
    expect(report.output).toContain("postinst failed on purpose");
  });

  it("an unreachable host fails clearly, and its hooks do not run", async () => {
    await t.makeUnreachable(host(3));
    const pre = hookFile("unreachable-pre");
    const report = await runSshUpgrade(request(host(3), { hooks: { pre: `touch ${pre}`, post: null } }), config);
    expect(report).toMatchObject({ state: "failed", exitStatus: 255 });
    expect(report.message).toMatch(/^pp\d+h3 \(10\.231\.\d+\.\d+\) is unreachable over SSH: connect to host .* port 22: No route to host\.$/);
    await expect(readFile(pre)).rejects.toThrow(/ENOENT/);
  });

  it("a changed host key fails the member and says what to do", async () => {
    await t.changeHostKey(host(4));
    const known = await readFile(t.knownHostsFile, "utf8");
    const report = await runSshUpgrade(request(host(4)), config);
    expect(report).toMatchObject({ state: "failed", exitStatus: 255 });
    expect(report.message).toMatch(
      /^The host key of pp\d+h4 \(10\.231\.\d+\.\d+\) changed: it now presents the ED25519 key SHA256:\S+, not the one in .*known_hosts; if this is expected \(the host was reinstalled\), update the known hosts file\.$/,
    );
    // Checked, never written: the known hosts file is as it was.
    expect(await readFile(t.knownHostsFile, "utf8")).toBe(known);
  });

  it("reboots a host that asks for it, waits for it to come back, checks its health and runs the hooks with the member's details", async () => {
    await t.requireReboot(host(5));
    const [pre, post] = [hookFile("reboot-pre"), hookFile("reboot-post")];
    const report = await runSshUpgrade(request(host(5), { hooks: { pre: envDump(pre), post: envDump(post) } }), {
      ...config,
      // The test reboot clears reboot-required as a boot clears /run: proof it happened.
      healthCheck: 'test ! -e "$DPKG_ROOT/var/run/reboot-required" && dpkg-query -W pp-demo',
    });
    expect(report).toMatchObject({
      state: "succeeded",
      rebootRequired: true,
      rebooted: true,
      healthCheck: "passed",
      packages: [{ name: "pp-demo", from: "1.0", to: "1.1" }],
    });
    expect(report.message).toBe("1 package upgraded with apt; rebooted; health check passed.");
    expect(report.output).toMatch(/==> Waiting for .* to come back[\s\S]*is back\.[\s\S]*pp-demo\t1\.1/);
    expect(await t.installedVersion(host(5))).toBe("1.1");
    const [before, after] = await Promise.all([readFile(pre, "utf8"), readFile(post, "utf8")]);
    expect(before).toContain("PATCHPARTY_PHASE=pre\n");
    expect(before).toContain(`PATCHPARTY_ADDRESS=${host(5).address}\n`);
    expect(before).toContain("PATCHPARTY_PARTY_TAG=2026-Q4\n");
    expect(before).toContain("PATCHPARTY_PARTY_GROUP=2\n");
    expect(before).toContain("PATCHPARTY_TO_VERSION=1.1\n");
    expect(after).toContain("PATCHPARTY_PHASE=post\n");
    expect(after).toContain("PATCHPARTY_OUTCOME=succeeded\n");
  });

  it("a failing pre-hook skips the member with its reason and leaves the host alone", async () => {
    const report = await runSshUpgrade(
      request(host(6), {
        hooks: { pre: 'echo "draining web-1 from the load balancer"; echo "the load balancer refused" >&2; exit 3', post: `touch ${hookFile("skipped-post")}` },
      }),
      config,
    );
    expect(report).toMatchObject({
      state: "skipped",
      exitStatus: 3,
      message: "Pre-hook failed (exit 3): draining web-1 from the load balancer / the load balancer refused",
      packages: [],
    });
    expect(await t.installedVersion(host(6))).toBe("1.0");
    await expect(readFile(hookFile("skipped-post"))).rejects.toThrow(/ENOENT/);
  });

  it("a member without an address fails without connecting", async () => {
    const report = await runSshUpgrade(request(host(6), { address: null, memberName: "db-7" }), config);
    expect(report).toMatchObject({
      state: "failed",
      message: "db-7 has no address: set the resource's address (and its port and user, if not 22 and root) to patch or scan it over SSH.",
    });
  });
});

describe("runSshExecution: the job on an Execution row", () => {
  it("claims the row, upgrades the host and reports once; a second run of the job does nothing", async () => {
    const asked = request(host(7), { hooks: { pre: null, post: null } });
    await db.$transaction((tx) => recordExecutions(tx, "ssh", [asked], "QUEUED", new Date()));

    await runSshExecution(asked.key, { config });
    const row = await db.execution.findUniqueOrThrow({ where: { key: asked.key } });
    expect(row).toMatchObject({
      executor: "ssh",
      state: "SUCCEEDED",
      exitStatus: 0,
      packages: [{ name: "pp-demo", from: "1.0", to: "1.1" }],
      rebootRequired: false,
      rebooted: false,
      healthCheck: "passed",
      reportedBy: "ssh",
      message: "1 package upgraded with apt; no reboot needed; health check passed.",
    });
    expect(row.startedAt).not.toBeNull();
    expect(row.finishedAt).not.toBeNull();
    expect(row.output).toContain("Setting up pp-demo (1.1)");
    expect(await t.installedVersion(host(7))).toBe("1.1");

    // The job run again (a retry, a second worker): the row is not claimed twice, nothing changes.
    await runSshExecution(asked.key, { config });
    expect(await db.execution.findUniqueOrThrow({ where: { key: asked.key } })).toEqual(row);
  });

  it("a failure is a report, not a thrown error", async () => {
    await t.breakPackage(host(8));
    const asked = request(host(8));
    await db.$transaction((tx) => recordExecutions(tx, "ssh", [asked], "QUEUED", new Date()));
    await expect(runSshExecution(asked.key, { config })).resolves.toBeUndefined();
    const row = await db.execution.findUniqueOrThrow({ where: { key: asked.key } });
    expect(row).toMatchObject({ state: "FAILED", exitStatus: 100, reportedBy: "ssh" });
    expect(row.message).toMatch(/^apt-get upgrade failed \(exit 100\)/);
  });
});
