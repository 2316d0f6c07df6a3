import { describe, expect, it } from "vitest";
import { createAnsibleLog, explainUnreachable, hostOutput, hostReport, readEvent, unexplainedUnreachable } from "@/lib/rollout/ansible-output";

// Events as the ansible.posix.jsonl callback writes them (shapes taken from real runs of ansible/patch.yml).
function line(event: string, task: string, host: string, result: Record<string, unknown>) {
  return JSON.stringify({
    _event: event,
    _timestamp: "2026-12-03T12:56:55.947470Z",
    task: { name: task, id: "x", path: "patch.yml:1", duration: {} },
    hosts: { [host]: result },
  });
}
const stats = (per: Record<string, Partial<Record<"ok" | "changed" | "failures" | "unreachable" | "rescued" | "ignored", number>>>) =>
  JSON.stringify({
    _event: "v2_playbook_on_stats",
    stats: Object.fromEntries(
      Object.entries(per).map(([h, s]) => [h, { ok: 0, changed: 0, failures: 0, unreachable: 0, skipped: 0, rescued: 0, ignored: 0, ...s }]),
    ),
  });
/** Stands in for lib/rollout/ssh.ts's connectionProblem: shows what ssh said, as it received it. */
const sshSaid = (said: string) => `ssh said: ${said}`;

describe("reading ansible-playbook's JSON lines", () => {
  it("reports a host that upgraded with the packages, reboot and health check its facts say", () => {
    const log = createAnsibleLog();
    for (const l of [
      line("v2_runner_on_ok", "Gathering Facts", "web-1", { changed: false, ansible_facts: { ansible_distribution: "Debian" } }),
      line("v2_runner_on_skipped", "Upgrade packages", "web-1", { skipped: true, changed: false }),
      line("v2_runner_on_ok", "Upgrade packages", "web-1", {
        changed: true,
        msg: "Reading package lists...\nUnpacking ppdemo (1.1) over (1.0) ...",
        stdout: "Reading package lists...\nUnpacking ppdemo (1.1) over (1.0) ...",
      }),
      line("v2_runner_on_ok", "Record the packages that changed", "web-1", {
        ansible_facts: {
          patchparty_packages: [
            { name: "ppdemo", from: "1.0", to: "1.1" },
            { name: "newdep", from: null, to: "2" },
          ],
        },
      }),
      line("v2_runner_on_ok", "Record whether a reboot is required", "web-1", { ansible_facts: { patchparty_reboot_required: true } }),
      line("v2_runner_on_ok", "Reboot", "web-1", { changed: true, rebooted: true, elapsed: 3 }),
      line("v2_runner_on_ok", "Record the reboot", "web-1", { ansible_facts: { patchparty_rebooted: true } }),
      line("v2_runner_on_ok", "Health check", "web-1", { changed: false, rc: 0, stdout: "" }),
      "not JSON: a stray print",
      stats({ "web-1": { ok: 9, changed: 2 } }),
    ])
      readEvent(log, l);
    expect(hostReport(log, "web-1", sshSaid, null)).toEqual({
      state: "succeeded",
      exitStatus: 0,
      packages: [
        { name: "ppdemo", from: "1.0", to: "1.1" },
        { name: "newdep", from: null, to: "2" },
      ],
      rebootRequired: true,
      rebooted: true,
      healthCheck: "passed",
      message: "Ansible: 2 packages changed (ppdemo 1.0 → 1.1, newdep (new) → 2); rebooted.",
    });
    const output = hostOutput(log, "web-1");
    expect(output).toContain("12:56:55 changed     Upgrade packages\n    Reading package lists...\n    Unpacking ppdemo (1.1) over (1.0) ...");
    // The apt module's msg and stdout say the same: shown once. Skipped tasks are left out.
    expect(output.match(/Unpacking/g)).toHaveLength(1);
    expect(output).not.toContain("skipped");
    expect(log.unreadable).toBe(1);
  });

  it("fails a host with the failed task's name and message, dpkg's reason added to apt's", () => {
    const log = createAnsibleLog();
    readEvent(
      log,
      line("v2_runner_on_failed", "Upgrade packages", "db-1", {
        failed: true,
        rc: 100,
        msg: "'/usr/bin/apt-get upgrade --with-new-pkgs ' failed: E: Sub-process /usr/bin/dpkg returned an error code (1)\n",
        stdout:
          "Preparing to unpack .../ppdemo_1.2_all.deb ...\ndpkg: error processing archive /repo/ppdemo_1.2_all.deb (--unpack):\n new ppdemo package pre-installation script subprocess returned error exit status 1\nErrors were encountered while processing:\n",
      }),
    );
    readEvent(log, line("v2_runner_on_ok", "Record the packages that changed", "db-1", { ansible_facts: { patchparty_packages: [] } }));
    readEvent(log, stats({ "db-1": { ok: 5, failures: 1 } }));
    expect(hostReport(log, "db-1", sshSaid, null)).toMatchObject({
      state: "failed",
      exitStatus: 100,
      packages: [],
      message:
        "Task \"Upgrade packages\" failed: '/usr/bin/apt-get upgrade --with-new-pkgs ' failed: E: Sub-process /usr/bin/dpkg returned an error code (1) (dpkg: error processing archive /repo/ppdemo_1.2_all.deb (--unpack): new ppdemo package pre-installation script subprocess returned error exit status 1)",
    });
  });

  it("names what a command printed when its only message is a non-zero return code, and a failed health check as such", () => {
    const log = createAnsibleLog();
    readEvent(
      log,
      line("v2_runner_on_failed", "Health check", "app-1", {
        failed: true,
        rc: 7,
        msg: "non-zero return code",
        stdout: "",
        stderr: "curl: (7) Failed to connect to localhost port 80",
      }),
    );
    readEvent(log, stats({ "app-1": { ok: 12, failures: 1 } }));
    expect(hostReport(log, "app-1", sshSaid, null)).toMatchObject({
      state: "failed",
      exitStatus: 7,
      healthCheck: "failed",
      message: 'Task "Health check" failed: non-zero return code (exit 7): curl: (7) Failed to connect to localhost port 80',
    });
  });

  it("counts an ignored or rescued failure for nothing: the stats decide", () => {
    const log = createAnsibleLog();
    readEvent(log, line("v2_runner_on_failed", "Optional cleanup", "web-2", { failed: true, msg: "no such file" }));
    readEvent(log, stats({ "web-2": { ok: 8, ignored: 1 } }));
    expect(hostReport(log, "web-2", sshSaid, null)).toMatchObject({ state: "succeeded", message: "Ansible: playbook finished." });
  });

  it("fails an unreachable host with what ssh said, whichever way Ansible worded it", () => {
    const log = createAnsibleLog();
    readEvent(
      log,
      line("v2_runner_on_unreachable", "Gathering Facts", "web-3", {
        unreachable: true,
        changed: false,
        msg: 'Data could not be sent to remote host "10.0.0.3". Make sure this host can be reached over ssh: ssh: connect to host 10.0.0.3 port 2222: Connection refused\r\n',
      }),
    );
    readEvent(
      log,
      line("v2_runner_on_unreachable", "Gathering Facts", "web-4", {
        unreachable: true,
        msg: 'Data could not be sent to remote host "10.0.0.4". Make sure this host can be reached over ssh: @@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\nHost key verification failed.\r\n',
      }),
    );
    readEvent(
      log,
      line("v2_runner_on_unreachable", "Gathering Facts", "web-6", {
        unreachable: true,
        msg: "Failed to connect to the host via ssh: ssh: connect to host 10.0.0.6 port 22: No route to host",
      }),
    );
    readEvent(log, stats({ "web-3": { unreachable: 1 }, "web-4": { unreachable: 1 }, "web-6": { unreachable: 1 } }));
    expect(hostReport(log, "web-3", sshSaid, null)).toEqual({
      state: "failed",
      exitStatus: null,
      packages: undefined,
      rebootRequired: null,
      rebooted: null,
      healthCheck: null,
      message: "ssh said: ssh: connect to host 10.0.0.3 port 2222: Connection refused",
    });
    expect(hostReport(log, "web-4", sshSaid, null).message).toBe(
      "ssh said: @@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.",
    );
    expect(hostReport(log, "web-6", sshSaid, null).message).toBe("ssh said: ssh: connect to host 10.0.0.6 port 22: No route to host");
  });

  it("takes ssh's own words for an unreachable host when Ansible lost them to a broken pipe", () => {
    const log = createAnsibleLog();
    readEvent(
      log,
      line("v2_runner_on_unreachable", "Gathering Facts", "web-5", {
        unreachable: true,
        msg: 'Data could not be sent to remote host "10.0.0.5". Make sure this host can be reached over ssh: [Errno 32] Broken pipe',
      }),
    );
    readEvent(
      log,
      line("v2_runner_on_unreachable", "Gathering Facts", "web-6", {
        unreachable: true,
        msg: "Failed to connect to the host via ssh: ssh: connect to host 10.0.0.6 port 22: No route to host",
      }),
    );
    readEvent(log, stats({ "web-5": { unreachable: 1 }, "web-6": { unreachable: 1 } }));
    expect(unexplainedUnreachable(log)).toEqual(["web-5"]);
    explainUnreachable(log, "web-5", "ssh: connect to host 10.0.0.5 port 22: Network is unreachable");
    expect(hostReport(log, "web-5", sshSaid, null).message).toBe("ssh said: ssh: connect to host 10.0.0.5 port 22: Network is unreachable");
    expect(hostOutput(log, "web-5")).toContain("    ssh, asked again:\n      ssh: connect to host 10.0.0.5 port 22: Network is unreachable");
  });

  it("fails the hosts of a run stopped before its end with where each one was, finished ones by their results", () => {
    const log = createAnsibleLog();
    const taskStart = (name: string) => JSON.stringify({ _event: "v2_playbook_on_task_start", task: { name }, hosts: {} });
    const stopped = "ansible-playbook did not finish by the deadline (2026-12-03 13:00 UTC) and was stopped";
    expect(hostReport(log, "gone-1", sshSaid, stopped).message).toBe(`${stopped}; it stopped before any task ran on it: check the host.`);
    readEvent(log, taskStart("Gathering Facts"));
    readEvent(log, line("v2_runner_on_ok", "Gathering Facts", "slow-1", { changed: false }));
    readEvent(log, line("v2_runner_on_ok", "Gathering Facts", "bad-1", { changed: false }));
    readEvent(log, taskStart("Upgrade packages"));
    readEvent(log, line("v2_runner_on_failed", "Upgrade packages", "bad-1", { failed: true, msg: "boom" }));
    readEvent(log, line("v2_runner_on_ok", "Upgrade packages", "done-1", { changed: true }));
    expect(hostReport(log, "slow-1", sshSaid, stopped).message).toBe(`${stopped}; it stopped during task "Upgrade packages": check the host.`);
    expect(hostReport(log, "done-1", sshSaid, stopped).message).toBe(`${stopped}; it stopped after task "Upgrade packages": check the host.`);
    expect(hostReport(log, "bad-1", sshSaid, stopped).message).toBe('Task "Upgrade packages" failed: boom');
    expect(hostReport(createAnsibleLog(), "x", sshSaid, null).message).toMatch(/^The playbook ran no task on this host/);
  });
});
