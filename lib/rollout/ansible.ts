// The `ansible` executor's job (execute_ansible, one per batch; decision 014): claims the batch's
// executions, runs the pre-hooks, runs ansible-playbook once for the members left with an
// inventory and extra variables written for them, reads each host's outcome from the
// ansible.posix.jsonl callback (lib/rollout/ansible-output.ts), runs the post-hooks and reports
// every member. The playbook's contract is written at the top of ansible/patch.yml.
import "server-only";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { beat, claimExecution, HEARTBEAT_SECONDS, reportExecution } from "../data/executions";
import { testedPackages } from "../data/tested-sets";
import { lastBytes } from "../domain/redact";
import { env, type Env } from "../env";
import { createAnsibleLog, explainUnreachable, hostOutput, hostReport, readEvent, unexplainedUnreachable, type AnsibleLog } from "./ansible-output";
import type { ExecutionReport, UpgradeRequest } from "../domain";
import { HOOK_TIMEOUT_SECONDS, runHook, WITHHELD } from "./hooks";
import { connectionProblem, sshConfigFromEnv, type SshConfig } from "./ssh";

/**
 * The playbook PatchParty ships, from the folder the portal and its workers run in (the
 * repository's). Not from this module's own path: in the web server's bundle that is unknown.
 */
export const DEFAULT_PLAYBOOK = "ansible/patch.yml";

/** The playbook the ansible executor runs: PATCHPARTY_ANSIBLE_PLAYBOOK, or the shipped one. */
export const playbookPath = (e: Env) => path.resolve(/* turbopackIgnore: true */ process.cwd(), e.PATCHPARTY_ANSIBLE_PLAYBOOK ?? DEFAULT_PLAYBOOK);
const EXECUTOR = "ansible";
/** After SIGTERM at the deadline, how long ansible-playbook has to stop before SIGKILL. */
const KILL_GRACE_MS = 10_000;
/**
 * The playbook is stopped this long before the members' deadline, so that this job's report
 * (where each host was) lands before the engine fails them as "no report".
 */
const REPORT_MARGIN_MS = 30_000;
/** Hosts Ansible works on at once: the whole batch (its size is the rollout's concurrency), up to this. */
const MAX_FORKS = 50;
const STDERR_LIMIT = 16 * 1024;

/** The SSH settings it shares with the ssh executor, and its own. */
export type AnsibleConfig = Pick<
  SshConfig,
  "keyFile" | "knownHostsFile" | "user" | "connectTimeoutSeconds" | "reboot" | "rebootTimeoutSeconds" | "healthCheck"
> & {
  playbook: string;
  /** More extra variables for every run (the tests' harmless reboot command, for one). */
  extraVars: Record<string, unknown>;
  /** ansible-playbook, found on the worker's PATH. */
  command: string;
};

/** The executor's settings: the playbook, and the SSH settings it shares with the ssh executor. */
export function ansibleConfigFromEnv(e: Env = env()): AnsibleConfig {
  const { keyFile, knownHostsFile, user, connectTimeoutSeconds, reboot, rebootTimeoutSeconds, healthCheck } = sshConfigFromEnv(e);
  const playbook = playbookPath(e);
  return {
    playbook,
    keyFile,
    knownHostsFile,
    user,
    connectTimeoutSeconds,
    reboot,
    rebootTimeoutSeconds,
    healthCheck,
    extraVars: {},
    command: "ansible-playbook",
  };
}

type Member = { request: UpgradeRequest; host: string; address: string };
/** What each production member installs (what QA tested), by `${tag}\n${release}`. */
type Pins = Map<string, { name: string; version: string }[]>;
const pinKey = (install: { tag: string; release: string }) => `${install.tag}\n${install.release}`;

const SAFE_HOST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Inventory names: the member's name when Ansible reads it as it is (no ranges, no ports), else a stand-in. */
function inventoryNames(requests: { request: UpgradeRequest; address: string }[]): Member[] {
  const used = new Set<string>();
  return requests.map(({ request, address }, i) => {
    let host = SAFE_HOST.test(request.memberName) ? request.memberName : `member-${i + 1}`;
    while (used.has(host)) host = `${host}-${i + 1}`;
    used.add(host);
    return { request, host, address };
  });
}

function inventoryFor(members: Member[], config: AnsibleConfig, pins: Pins = new Map()) {
  // As the ssh executor connects: host keys checked, and never written to the known hosts.
  const common = ["-o StrictHostKeyChecking=yes", "-o UpdateHostKeys=no", "-o BatchMode=yes", `-o ConnectTimeout=${config.connectTimeoutSeconds}`];
  if (config.keyFile) common.push("-o IdentitiesOnly=yes");
  if (config.knownHostsFile) common.push(`-o UserKnownHostsFile=${quote(config.knownHostsFile)}`, "-o GlobalKnownHostsFile=/dev/null");
  return {
    all: {
      // Group variables: a team's group_vars beside its playbook may override them.
      vars: {
        ansible_ssh_common_args: common.join(" "),
        ...(config.keyFile ? { ansible_ssh_private_key_file: config.keyFile } : {}),
        ansible_timeout: config.connectTimeoutSeconds,
        // One SSH round trip per task instead of four (with become, sudo must not insist on a tty).
        ansible_pipelining: true,
        ansible_python_interpreter: "auto_silent",
      },
      hosts: Object.fromEntries(
        members.map(({ request, host, address }) => [
          host,
          {
            ansible_host: address,
            ansible_port: request.port ?? 22,
            ansible_user: request.user ?? config.user,
            patchparty_key: request.key,
            // A production member installs only these versions (the playbook's contract, ansible/patch.yml).
            ...(request.install ? { patchparty_install: pins.get(pinKey(request.install)) ?? [] } : {}),
            patchparty_kind: request.kind,
            patchparty_tags: request.tags,
            patchparty_from_version: request.fromVersion,
            patchparty_to_version: request.toVersion,
          },
        ]),
      ),
    },
  };
}

function extraVarsFor(members: Member[], config: AnsibleConfig): Record<string, unknown> {
  const first = members[0]!.request;
  return {
    ...(first.party ? { patchparty_party_tag: first.party.tag, patchparty_party_kind: first.party.kind, patchparty_party_group: first.party.group } : {}),
    ...(first.template ? { patchparty_template: { id: first.template.id, name: first.template.name }, patchparty_target_version: first.toVersion } : {}),
    patchparty_members: members.map(({ request, host, address }) => ({
      name: host,
      member: request.memberName,
      key: request.key,
      address,
      kind: request.kind,
      tags: request.tags,
      from_version: request.fromVersion,
      to_version: request.toVersion,
    })),
    patchparty_reboot: config.reboot,
    patchparty_reboot_timeout: config.rebootTimeoutSeconds,
    ...(config.healthCheck ? { patchparty_health_check: config.healthCheck } : {}),
    ...config.extraVars,
  };
}

/** One argument in ssh's own option syntax (ansible splits ansible_ssh_common_args with shlex). */
function quote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

type PlaybookRun = { exitCode: number | null; signal: string | null; stderr: string; timedOut: boolean; spawnError: string | null };

/** Runs ansible-playbook, feeding each stdout line to `log`; stopped (TERM, then KILL) at `deadline`. */
async function runPlaybook(config: AnsibleConfig, dir: string, log: AnsibleLog, forks: number, deadline: Date): Promise<PlaybookRun> {
  const args = ["-i", path.join(dir, "inventory.yml"), "-e", `@${path.join(dir, "vars.json")}`, "--forks", String(forks), config.playbook];
  const settings = {
    ANSIBLE_STDOUT_CALLBACK: "ansible.posix.jsonl",
    ANSIBLE_HOST_KEY_CHECKING: "True",
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_FORCE_COLOR: "0",
    ANSIBLE_RETRY_FILES_ENABLED: "0",
    // SSH master connections of this run only: none opened before a host key changed is reused.
    ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(dir, "cp"),
  };
  // `env` passes the worker's environment on (PATH, HOME, a team's ANSIBLE_* settings) without
  // the portal's own secrets, which a playbook has no use for, plus the settings above.
  const envArgs = [...WITHHELD.flatMap((name) => ["-u", name]), ...Object.entries(settings).map(([name, value]) => `${name}=${value}`)];
  // A process group of its own: at the deadline, ansible-playbook's forks and ssh stop with it.
  const child = spawn("env", [...envArgs, config.command, ...args], { cwd: path.dirname(config.playbook), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr = lastBytes(stderr + chunk, STDERR_LIMIT);
  });
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  lines.on("line", (line) => readEvent(log, line));

  let timedOut = false;
  const kill = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  let killer: NodeJS.Timeout | undefined;
  const timer = setTimeout(
    () => {
      timedOut = true;
      kill("SIGTERM");
      killer = setTimeout(() => kill("SIGKILL"), KILL_GRACE_MS);
    },
    Math.max(0, deadline.getTime() - Date.now()),
  );

  const result = await new Promise<PlaybookRun>((resolve) => {
    child.on("error", (error) => resolve({ exitCode: null, signal: null, stderr, timedOut, spawnError: error.message }));
    child.on("close", (exitCode, signal) => resolve({ exitCode, signal, stderr, timedOut, spawnError: null }));
  });
  clearTimeout(timer);
  clearTimeout(killer);
  return { ...result, stderr };
}

/** SSH master connections of the run, closed now rather than after their idle time. */
async function closeMasters(dir: string) {
  const cp = path.join(dir, "cp");
  const sockets = await readdir(cp).catch(() => [] as string[]);
  await Promise.all(
    sockets.map(
      (name) =>
        new Promise<void>((resolve) => {
          const ssh = spawn("ssh", ["-o", `ControlPath=${path.join(cp, name)}`, "-O", "exit", "patchparty-ansible"], { stdio: "ignore" });
          ssh.on("error", () => resolve());
          ssh.on("close", () => resolve());
        }),
    ),
  );
}

function sshTarget(request: UpgradeRequest, address: string, config: AnsibleConfig) {
  return {
    address,
    port: request.port ?? 22,
    user: request.user ?? config.user,
    label: request.memberName === address ? address : `${request.memberName} (${address})`,
  };
}

/** Connects once as Ansible did and answers what ssh says: the reason Ansible lost (see unexplainedUnreachable). */
function askSsh(member: Member, config: AnsibleConfig): Promise<string> {
  const args = [
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "UpdateHostKeys=no",
    "-o",
    `ConnectTimeout=${config.connectTimeoutSeconds}`,
    "-p",
    String(member.request.port ?? 22),
    "-l",
    member.request.user ?? config.user,
  ];
  if (config.keyFile) args.push("-i", config.keyFile, "-o", "IdentitiesOnly=yes");
  if (config.knownHostsFile) args.push("-o", `UserKnownHostsFile=${config.knownHostsFile}`, "-o", "GlobalKnownHostsFile=/dev/null");
  return new Promise((resolve) => {
    const ssh = spawn("ssh", [...args, "-n", "-T", "--", member.address, "true"], { stdio: ["ignore", "ignore", "pipe"] });
    let said = "";
    ssh.stderr.setEncoding("utf8").on("data", (chunk: string) => (said += chunk));
    const timer = setTimeout(() => ssh.kill("SIGKILL"), (config.connectTimeoutSeconds + 5) * 1000);
    ssh.on("error", (error) => resolve(`ssh could not be started: ${error.message}`));
    ssh.on("close", (code) => {
      clearTimeout(timer);
      resolve(
        code === 0
          ? "the connection failed during the run without a reason; a second one just now worked"
          : said.replace(/\r/g, "").trim() || `ssh exited with status ${code}`,
      );
    });
  });
}

/** Why the playbook's run ended without its final stats, in a sentence; null when it finished. */
function stoppedReason(run: PlaybookRun, deadline: Date, log: AnsibleLog, config: AnsibleConfig): string | null {
  if (run.spawnError) return `ansible-playbook could not be started (${run.spawnError}); is Debian's ansible-core installed?`;
  if (run.timedOut)
    return `ansible-playbook was still running as the deadline (${deadline.toISOString().slice(0, 16).replace("T", " ")} UTC) neared and was stopped`;
  if (log.stats) return null;
  const said = run.stderr.trim().split("\n").slice(-4).join(" ").replace(/\s+/g, " ");
  const how = run.signal ? `was killed (${run.signal})` : `exited with status ${run.exitCode}`;
  const hint =
    run.exitCode === 127
      ? ` (is Debian's ansible-core installed? "${config.command}" was not found)`
      : /Invalid callback for stdout|ansible\.posix/i.test(said)
        ? " (the ansible.posix collection is missing: install Debian's `ansible` package)"
        : "";
  return `ansible-playbook ${how} before it finished${hint}${said ? `: ${said.slice(0, 400)}` : ""}`;
}

function memberOutput(log: AnsibleLog, host: string, stderr: string) {
  const tasks = hostOutput(log, host);
  return stderr.trim() ? `${tasks}\n--- ansible-playbook stderr ---\n${stderr.trim()}` : tasks;
}

/** A hook gets its usual time, but not past the member's deadline. */
function hookTimeout(deadline: Date): number {
  return Math.max(1, Math.min(HOOK_TIMEOUT_SECONDS, Math.floor((deadline.getTime() - Date.now()) / 1000)));
}

async function report(key: string, outcome: ExecutionReport) {
  await reportExecution(key, outcome, EXECUTOR, new Date());
}

/**
 * The execute_ansible job: upgrades a batch of members with one ansible-playbook run and reports
 * each. Keys already claimed (a job run twice) are left to whoever claimed them.
 */
export async function runAnsibleExecutions(keys: string[], config: AnsibleConfig = ansibleConfigFromEnv()): Promise<void> {
  const claimed: UpgradeRequest[] = [];
  for (const key of keys) {
    const request = await claimExecution(key, new Date());
    if (request) claimed.push(request);
  }
  if (claimed.length === 0) return;

  const pending = new Set(claimed.map((r) => r.key));
  const log = createAnsibleLog();
  let hostOf = new Map<string, string>();
  const heartbeat = setInterval(() => {
    const now = new Date();
    for (const key of pending) {
      const host = hostOf.get(key);
      beat(key, now, host ? hostOutput(log, host) : undefined).catch((error: unknown) => console.warn(`Ansible executor: heartbeat of ${key} failed:`, error));
    }
  }, HEARTBEAT_SECONDS * 1000);
  const finish = async (key: string, outcome: ExecutionReport) => {
    await report(key, outcome);
    pending.delete(key);
  };

  let dir: string | null = null;
  try {
    // Members the playbook cannot reach, and those whose pre-hook says no, do not go in.
    const checked = await Promise.all(
      claimed.map(async (request) => {
        if (!request.address) {
          await finish(request.key, {
            state: "failed",
            message: `${request.memberName} has no address: set the resource's address so that Ansible can reach it.`,
          });
          return null;
        }
        if (request.hooks.pre) {
          const hook = await runHook("pre", request.hooks.pre, request, { timeoutSeconds: hookTimeout(request.deadline) });
          if (!hook.ok) {
            await finish(request.key, { state: "skipped", message: hook.message, output: hook.output });
            return null;
          }
        }
        return { request, address: request.address };
      }),
    );
    const ready = checked.filter((member) => member !== null);
    if (ready.length === 0) return;

    const members = inventoryNames(ready);
    hostOf = new Map(members.map((m) => [m.request.key, m.host]));
    dir = await mkdtemp(path.join(tmpdir(), "patchparty-ansible-"));
    const pins: Pins = new Map();
    for (const { request } of members)
      if (request.install && !pins.has(pinKey(request.install)))
        pins.set(pinKey(request.install), await testedPackages(request.install.tag, request.install.release));
    await writeFile(path.join(dir, "inventory.yml"), JSON.stringify(inventoryFor(members, config, pins), null, 2));
    await writeFile(path.join(dir, "vars.json"), JSON.stringify(extraVarsFor(members, config), null, 2));

    const deadline = new Date(Math.min(...members.map((m) => m.request.deadline.getTime())));
    const run = await runPlaybook(config, dir, log, Math.min(members.length, MAX_FORKS), new Date(deadline.getTime() - REPORT_MARGIN_MS));
    const stopped = stoppedReason(run, deadline, log, config);
    const ranNothing = log.hosts.size === 0 && !log.stats;
    const unexplained = new Set(unexplainedUnreachable(log));
    await Promise.all(members.filter((m) => unexplained.has(m.host)).map(async (m) => explainUnreachable(log, m.host, await askSsh(m, config))));

    await Promise.all(
      members.map(async ({ request, host, address }) => {
        const outcome: ExecutionReport =
          ranNothing && stopped
            ? { state: "failed", message: run.timedOut ? `${stopped} before any task ran on the hosts.` : stopped }
            : hostReport(
                log,
                host,
                (said) => connectionProblem(said, sshTarget(request, address, config), config.knownHostsFile ?? "~/.ssh/known_hosts"),
                stopped,
              );
        let output = memberOutput(log, host, run.stderr);
        if (request.hooks.post) {
          const hook = await runHook("post", request.hooks.post, request, {
            timeoutSeconds: hookTimeout(request.deadline),
            outcome: outcome.state === "succeeded" ? "succeeded" : "failed",
          });
          output += `\n--- post-hook ---\n${hook.output}`;
          if (!hook.ok && outcome.state === "succeeded") {
            outcome.state = "failed";
            outcome.message = `${outcome.message} ${hook.message}`;
          }
        }
        await finish(request.key, { ...outcome, output });
      }),
    );
  } catch (error) {
    // Whatever broke, no claimed member is left running with nobody to report it.
    console.warn("Ansible executor: the batch failed:", error);
    const reason = error instanceof Error ? error.message : String(error);
    for (const key of [...pending]) {
      await finish(key, { state: "failed", message: `The ansible executor failed before reporting this member: ${reason}` }).catch((cause: unknown) =>
        // The row keeps RUNNING; it fails as "worker stopped" once its heartbeat is stale.
        console.warn(`Ansible executor: reporting ${key} failed too:`, cause),
      );
    }
  } finally {
    clearInterval(heartbeat);
    if (dir) {
      await closeMasters(dir);
      await rm(dir, { recursive: true, force: true });
    }
  }
}
