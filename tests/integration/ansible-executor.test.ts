// The ansible executor on real parts: namespace hosts with their own sshd and dpkg state
// (fixtures/test-hosts.ts), Debian's ansible-playbook running ansible/patch.yml, and Execution
// rows recorded as the executors record them. One batch holds every case, as a real batch would:
// one ansible-playbook run, so the file stays well under a minute and a half.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordExecutions } from "@/lib/data/executions";
import { db } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { ansibleConfigFromEnv, runAnsibleExecutions, type AnsibleConfig } from "@/lib/rollout/ansible";
import type { UpgradeRequest } from "@/lib/domain";
import { createTestHosts, type TestHost, type TestHosts } from "./fixtures/test-hosts";

const ROLES = ["upgrades", "reboots", "upgrades too", "broken", "unreachable", "new host key", "pre-hook says no"] as const;
type Role = (typeof ROLES)[number];

let testHosts: TestHosts;
let config: AnsibleConfig;
const host = {} as Record<Role, TestHost>;
const key = {} as Record<Role | "no address", string>;
const name = {} as Record<Role | "no address", string>;
let tempBefore: Set<string>;
let tempAfter: string[];
let seconds = 0;
let processesAfter: string[] = [];
let sawRunDir = false;

const ansibleTemp = () => readdirSync(tmpdir()).filter((f) => f.startsWith("patchparty-ansible-"));
/** The executor's temporary folders seen while it runs (it removes them before returning). */
function watchRunDirs(): () => string[] {
  const before = new Set(ansibleTemp());
  const seen = new Set<string>();
  const timer = setInterval(() => ansibleTemp().forEach((f) => before.has(f) || seen.add(f)), 100);
  return () => {
    clearInterval(timer);
    return [...seen];
  };
}

/** Processes still running with the run's folder on their command line (ssh master connections). */
const leftOver = (dirs: string[]) =>
  readdirSync("/proc")
    .filter((pid) => /^\d+$/.test(pid))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return dirs.some((dir) => cmdline.includes(dir));
      } catch {
        return false;
      }
    });

let prefix = "";
let serviceOf = { teamId: "", serviceId: "" };

/** A resource that reaches `target` (or has no address), and the engine's request to upgrade it in run `runId`. */
async function member(runId: string, label: string, target: TestHost | null, deadline: Date): Promise<UpgradeRequest> {
  const resource = await db.resource.create({
    data: {
      name: `${prefix}-${label}`,
      kind: "VM",
      environment: "PRODUCTION",
      ...serviceOf,
      patchGroup: 1,
      address: target?.address ?? null,
      sshPort: target?.port ?? null,
      sshUser: target?.user ?? null,
    },
  });
  // The connection is the resource's, so a member with no address has none whichever host stands in.
  return testHosts.request(target ?? host.upgrades, {
    key: `${runId}:${resource.id}`,
    resourceId: resource.id,
    memberName: resource.name,
    address: resource.address,
    port: resource.sshPort,
    user: resource.sshUser,
    template: { id: `tpl-${prefix}`, name: "Ansible test" },
    deadline,
  });
}

async function execution(role: Role | "no address") {
  return db.execution.findUniqueOrThrow({ where: { key: key[role] } });
}

beforeAll(async () => {
  testHosts = await createTestHosts(ROLES.length, { versions: ["1.0", "1.1"] });
  ROLES.forEach((role, i) => (host[role] = testHosts.hosts[i]!));
  await testHosts.requireReboot(host.reboots);
  await testHosts.breakPackage(host.broken);
  await testHosts.makeUnreachable(host.unreachable);
  await testHosts.changeHostKey(host["new host key"]);

  config = {
    ...ansibleConfigFromEnv(parseEnv({})),
    keyFile: testHosts.keyFile,
    knownHostsFile: testHosts.knownHostsFile,
    connectTimeoutSeconds: 5,
    // The fake reboot takes about 3 s; ansible's checks back off up to 12 s between tries. Under the
    // hook's 150 s, so a reboot never seen fails with its message and the host's logs.
    rebootTimeoutSeconds: 90,
    healthCheck: 'test "$(cat "$DPKG_ROOT/usr/share/pp-demo/version")" = 1.1',
    // The test hosts' reboot: their sshd goes and comes back with a new pid, their "boot time".
    extraVars: { patchparty_reboot_command: testHosts.rebootCommand, patchparty_boot_time_command: 'cat "$PATCHPARTY_TEST_HOST/sshd.pid"' },
  };

  prefix = `ans${randomBytes(3).toString("hex")}`;
  const team = await db.team.create({ data: { slug: prefix, name: prefix } });
  serviceOf = { teamId: team.id, serviceId: (await db.service.create({ data: { name: `${prefix}-svc`, teamId: team.id } })).id };
  const now = new Date();
  const requests: UpgradeRequest[] = [];
  for (const role of [...ROLES, "no address"] as const) {
    const request = await member(`run-${prefix}`, role.replace(/ /g, "-"), role === "no address" ? null : host[role], new Date(now.getTime() + 5 * 60_000));
    key[role] = request.key;
    name[role] = request.memberName;
    requests.push({
      ...request,
      hooks: {
        pre: role === "pre-hook says no" ? 'echo "load balancer refused to drain $PATCHPARTY_MEMBER"; exit 3' : null,
        post: 'echo "post-hook: $PATCHPARTY_MEMBER $PATCHPARTY_OUTCOME"',
      },
    });
  }
  await db.$transaction((tx) => recordExecutions(tx, "ansible", requests, "QUEUED", now));

  tempBefore = new Set(ansibleTemp());
  const started = Date.now();
  const watch = watchRunDirs();
  // Should the playbook hang past the hook's time, say where the rebooting host stood.
  const hung = setTimeout(
    () => void testHosts.logs(host.reboots).then((logs) => process.stderr.write(`ansible-playbook still running after 120 s; the rebooting host:\n${logs}\n`)),
    120_000,
  );
  await runAnsibleExecutions(Object.values(key), config).finally(() => clearTimeout(hung));
  const runDirs = watch();
  seconds = (Date.now() - started) / 1000;
  tempAfter = ansibleTemp().filter((f) => !tempBefore.has(f));
  processesAfter = runDirs.length ? leftOver(runDirs) : [];
  sawRunDir = runDirs.length > 0;
}, 150_000);

afterAll(async () => {
  await testHosts?.destroy();
});

describe("the ansible executor", () => {
  it("moves the good hosts from 1.0 to 1.1 through the playbook and records what changed", async () => {
    for (const role of ["upgrades", "reboots", "upgrades too"] as const) {
      expect(await testHosts.installedVersion(host[role])).toBe("1.1");
      const row = await execution(role);
      expect(row, `${role}: ${row.message}\n${row.output?.slice(-1500)}\n${await testHosts.logs(host[role])}`).toMatchObject({
        state: "SUCCEEDED",
        executor: "ansible",
        reportedBy: "ansible",
        exitStatus: 0,
        healthCheck: "passed",
      });
      expect(row.packages).toEqual([{ name: "pp-demo", from: "1.0", to: "1.1" }]);
      expect(row.message).toBe(`Ansible: 1 package changed (pp-demo 1.0 → 1.1)${role === "reboots" ? "; rebooted" : ""}.`);
      expect(row.output).toMatch(/changed +Upgrade packages/);
      expect(row.output).toContain(`post-hook: ${name[role]} succeeded`);
      expect(row.startedAt).not.toBeNull();
      expect(row.finishedAt).not.toBeNull();
    }
    expect(seconds).toBeLessThan(90);
  });

  it("reboots only the host that asked for it", async () => {
    expect(await execution("reboots")).toMatchObject({ rebootRequired: true, rebooted: true });
    expect(await execution("upgrades")).toMatchObject({ rebootRequired: false, rebooted: false });
    const flag = await testHosts.run(host.reboots, 'test -e "$DPKG_ROOT/var/run/reboot-required"');
    expect(flag.code).toBe(1);
  });

  it("fails a host whose package breaks, with the task's name and message", async () => {
    const row = await execution("broken");
    expect(row.state).toBe("FAILED");
    expect(row.message).toMatch(/^Task "Upgrade packages" failed: .*(pp-demo|dpkg)/);
    expect(row.output).toContain("postinst failed on purpose");
    expect(row.output).toContain(`post-hook: ${name.broken} failed`);
  });

  it("fails an unreachable host and one whose host key changed, saying which", async () => {
    const unreachable = await execution("unreachable");
    expect(unreachable.state).toBe("FAILED");
    const at = (h: TestHost) => h.address.replace(/\./g, "\\.");
    expect(unreachable.message).toMatch(
      new RegExp(
        `^${name.unreachable} \\(${at(host.unreachable)}\\) is unreachable over SSH: connect to host ${at(host.unreachable)} port 22: (No route to host|Network is unreachable)`,
      ),
    );
    const changed = await execution("new host key");
    expect(changed.state).toBe("FAILED");
    // The ssh executor's words (lib/rollout/ssh.ts connectionProblem): both executors say it the same way.
    expect(changed.message).toMatch(
      new RegExp(
        `^The host key of ${name["new host key"]} \\(${at(host["new host key"])}\\) changed: it now presents the ED25519 key SHA256:\\S+, not the one in ${testHosts.knownHostsFile}`,
      ),
    );
  });

  it("skips a member whose pre-hook fails, and fails one it cannot reach without an address", async () => {
    const skipped = await execution("pre-hook says no");
    expect(skipped.state).toBe("SKIPPED");
    expect(skipped.message).toMatch(/^Pre-hook failed \(exit 3\): load balancer refused to drain/);
    expect(await testHosts.installedVersion(host["pre-hook says no"])).toBe("1.0");
    expect(await execution("no address")).toMatchObject({
      state: "FAILED",
      message: `${name["no address"]} has no address: set the resource's address so that Ansible can reach it.`,
    });
  });

  it("starts nobody twice when the job runs again, and leaves no temporary files or SSH connections", async () => {
    const before = await db.execution.findMany({ where: { key: { in: Object.values(key) } }, orderBy: { key: "asc" } });
    await runAnsibleExecutions(Object.values(key), config);
    const after = await db.execution.findMany({ where: { key: { in: Object.values(key) } }, orderBy: { key: "asc" } });
    expect(after).toEqual(before);
    expect(sawRunDir).toBe(true);
    expect(tempAfter).toEqual([]);
    expect(processesAfter).toEqual([]);
  });

  it("stops the playbook as the members' deadline nears and says where each host was", async () => {
    // 30 s before the deadline the playbook is stopped (lib/rollout/ansible.ts): here 25 s into the run,
    // time enough for its first task on a loaded machine (10 s was not, in a CI run beside other work).
    const request = await member(`late-${prefix}`, "late", host.upgrades, new Date(Date.now() + 55_000));
    await db.$transaction((tx) => recordExecutions(tx, "ansible", [request], "QUEUED", new Date()));
    const watch = watchRunDirs();
    const started = Date.now();
    // An upgrade that takes a minute, so the run is surely still going when the deadline nears.
    await runAnsibleExecutions([request.key], { ...config, extraVars: { ...config.extraVars, patchparty_upgrade_command: "sleep 60" } });
    // Stopped, not waited for: the upgrade alone takes a minute.
    expect(Date.now() - started).toBeLessThan(40_000);
    const runDirs = watch();
    const row = await db.execution.findUniqueOrThrow({ where: { key: request.key } });
    expect(row.state).toBe("FAILED");
    expect(row.message).toMatch(
      /^ansible-playbook was still running as the deadline \(.* UTC\) neared and was stopped; it stopped (during|after) task "[^"]+": check the host\.$/,
    );
    // ansible-playbook, its forks and their ssh went with it; its files too.
    expect(runDirs).toHaveLength(1);
    expect(leftOver(runDirs)).toEqual([]);
    expect(ansibleTemp().filter((f) => runDirs.includes(f))).toEqual([]);
  });
});
