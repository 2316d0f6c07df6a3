// The ssh executor's worker side (docs/decisions/014-real-execution.md): the `execute_ssh` job
// claims its member's execution and upgrades the host through the system's OpenSSH client. Host
// keys are checked against PATCHPARTY_SSH_KNOWN_HOSTS only; nothing is ever added to it.
//
// One connection checks the host answers (before any hook runs); one runs a POSIX sh script that
// detects the package manager, lists the packages, upgrades and asks whether a reboot is needed,
// telling us what happened through marker lines; then the reboot, a fresh connection for the
// health check, and the post-hook.
import "server-only";
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { beat, claimExecution, HEARTBEAT_SECONDS, reportExecution } from "../data/executions";
import { testedPackages } from "../data/tested-sets";
import { truncateOutput } from "../domain/redact";
import { env as currentEnv, type Env } from "../env";
import type { ExecutionReport, PackageChange, UpdateReport, UpgradeRequest } from "../domain";
import { parseAptSimulation, parseDnf, parseZypper } from "./scan-output";
import { lastLines, runHook, type HookPhase } from "./hooks";

export type SshConfig = {
  keyFile: string | null;
  knownHostsFile: string | null;
  /** For members whose resource names no user. */
  user: string;
  connectTimeoutSeconds: number;
  reboot: "auto" | "always" | "never";
  rebootCommand: string;
  /** How long a rebooting host may take to come back. */
  rebootTimeoutSeconds: number;
  /** Run on the host after the upgrade (and reboot); none: the host must answer a fresh connection. */
  healthCheck: string | null;
  /** `kind:<KIND>` or `tag:<tag>` → the command that upgrades such hosts instead of their package manager. */
  commands: Record<string, string>;
  hookTimeoutSeconds?: number;
};

export type SshUpgradeOptions = {
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
  /** Install only these versions (a production member: what QA tested); null: upgrade everything. */
  pins?: Pin[] | null;
};

export function sshConfigFromEnv(e: Env = currentEnv()): SshConfig {
  return {
    keyFile: e.PATCHPARTY_SSH_KEY_FILE ?? null,
    knownHostsFile: e.PATCHPARTY_SSH_KNOWN_HOSTS ?? null,
    user: e.PATCHPARTY_SSH_USER,
    connectTimeoutSeconds: e.PATCHPARTY_SSH_CONNECT_TIMEOUT,
    reboot: e.PATCHPARTY_SSH_REBOOT,
    rebootCommand: e.PATCHPARTY_SSH_REBOOT_COMMAND,
    rebootTimeoutSeconds: e.PATCHPARTY_SSH_REBOOT_TIMEOUT,
    healthCheck: e.PATCHPARTY_SSH_HEALTH_CHECK ?? null,
    // Validated as a JSON object of strings by lib/env.ts.
    commands: e.PATCHPARTY_SSH_COMMANDS ? (JSON.parse(e.PATCHPARTY_SSH_COMMANDS) as Record<string, string>) : {},
  };
}

/** The command configured for a member: its kind's first, else its first tag's. */
export function configuredCommand(
  request: Pick<UpgradeRequest, "kind" | "tags">,
  commands: Record<string, string>,
): { source: string; command: string } | null {
  const byKind = request.kind ? commands[`kind:${request.kind}`] : undefined;
  if (byKind) return { source: `kind:${request.kind}`, command: byKind };
  for (const tag of request.tags) {
    const byTag = commands[`tag:${tag}`];
    if (byTag) return { source: `tag:${tag}`, command: byTag };
  }
  return null;
}

// ---- OpenSSH ----

type Target = { address: string; port: number; user: string; label: string };
type Ssh = { keyFile: string; knownHostsFile: string; connectTimeoutSeconds: number };
type SshResult = { code: number | null; stdout: string; stderr: string; stopped: string | null };

/** A 255 from ssh is its own failure, not the remote command's. */
const SSH_ERROR = 255;
const REBOOT_COMMAND_SECONDS = 60;
const REBOOT_POLL_MS = 2_000;
const HEALTH_CHECK_SECONDS = 300;
/** How long one scan may take (refreshing the package lists included). */
const SCAN_SECONDS = 600;
const BOOT_ID = "cat /proc/sys/kernel/random/boot_id 2>/dev/null; true";

const quoteOption = (value: string) => `"${value.replace(/(["\\])/g, "\\$1")}"`;

function sshArgs(target: Target, ssh: Ssh): string[] {
  return [
    "-i",
    ssh.keyFile,
    "-o",
    "IdentitiesOnly=yes",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    // Only the configured file counts, and ssh never writes to it.
    "-o",
    `UserKnownHostsFile=${quoteOption(ssh.knownHostsFile)}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "UpdateHostKeys=no",
    "-o",
    `ConnectTimeout=${ssh.connectTimeoutSeconds}`,
    // A host that stops answering mid-upgrade is noticed in about a minute.
    "-o",
    "ServerAliveInterval=15",
    "-o",
    "ServerAliveCountMax=4",
    "-o",
    "LogLevel=ERROR",
    "-n",
    "-T",
    "-p",
    String(target.port),
    "-l",
    target.user,
    "--",
    target.address,
  ];
}

function reasonOf(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (typeof reason === "string") return reason;
  if (reason instanceof Error && reason.name !== "AbortError") return reason.message;
  return "stopped";
}

function runSsh(
  target: Target,
  ssh: Ssh,
  command: string,
  options: { signal?: AbortSignal; timeoutSeconds?: number; onStdout?: (text: string) => void } = {},
): Promise<SshResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let stopped: string | null = null;
    const child = spawn("ssh", [...sshArgs(target, ssh), command], { stdio: ["ignore", "pipe", "pipe"] });
    const stop = (why: string) => {
      if (stopped || child.exitCode !== null) return;
      stopped = why;
      child.kill("SIGTERM");
    };
    const timer = options.timeoutSeconds ? setTimeout(() => stop(`no answer within ${options.timeoutSeconds} s`), options.timeoutSeconds * 1000) : null;
    const onAbort = () => stop(reasonOf(options.signal));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
      options.onStdout?.(text);
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    let done = false;
    const finish = (code: number | null) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve({ code, stdout, stderr, stopped });
    };
    child.on("error", (error) => {
      stderr += `ssh could not start: ${error.message}\n`;
      finish(null);
    });
    child.on("close", (code) => finish(code));
  });
}

/** Why ssh could not run the command, in words an operator acts on. */
export function connectionProblem(stderr: string, target: Pick<Target, "address" | "port" | "user" | "label">, knownHostsFile: string): string {
  const text = stderr.replace(/\r/g, "");
  const last = (lastLines(text, 1) || "no message").replace(/^ssh: /, "").replace(/\.$/, "");
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for \S+ has changed/.test(text)) {
    const key = /The fingerprint for the (\S+) key sent by the remote host is\s+(\S+?)\.?\s*$/m.exec(text);
    const presented = key ? `it now presents the ${key[1]} key ${key[2]}` : "it presents a different key";
    return `The host key of ${target.label} changed: ${presented}, not the one in ${knownHostsFile}; if this is expected (the host was reinstalled), update the known hosts file.`;
  }
  if (/No \S+ host key is known for|Host key verification failed/.test(text)) {
    return `The host key of ${target.label} is not in the known hosts file (${knownHostsFile}): check its fingerprint and add it (ssh-keyscan -p ${target.port} ${target.address}).`;
  }
  if (/Permission denied/.test(text)) {
    return `${target.label} refused the SSH key for ${target.user} (${last}): authorize the public half of PATCHPARTY_SSH_KEY_FILE for ${target.user} on the host.`;
  }
  if (
    /Connection refused|No route to host|Network is unreachable|timed out|Could not resolve hostname|Name or service not known|Temporary failure in name resolution|Connection closed|Connection reset|kex_exchange_identification/i.test(
      text,
    )
  ) {
    return `${target.label} is unreachable over SSH: ${last}.`;
  }
  return `SSH to ${target.label} failed: ${last}.`;
}

// ---- On the host ----

/** A package at the version a production member installs (what QA tested). */
export type Pin = { name: string; version: string };
/** Package names and versions as the package managers write them: nothing a shell would read. */
const PIN = /^[A-Za-z0-9][A-Za-z0-9.+:~_-]*$/;

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
const MARK = "@@patchparty:";

/**
 * The upgrade, run by `sh` on the host. Marker lines (`@@patchparty:…@@`) tell the worker each
 * step, the package lists before and after, a failed step's exit status and whether a reboot is
 * needed; all other output is the upgrade's own. It always lists the packages after, failed or not.
 */
export function upgradeScript(custom: { source: string; command: string } | null, pins: Pin[] | null = null): string {
  return `
CUSTOM=${shellQuote(custom?.command ?? "")}
PINNED=${pins ? 1 : 0}
PINS=${shellQuote((pins ?? []).map((p) => `${p.name}=${p.version}`).join(" "))}
RPM_PINS=${shellQuote((pins ?? []).map((p) => `${p.name}-${p.version}`).join(" "))}
CUSTOM_LABEL=${shellQuote(custom ? `the command configured for ${custom.source}` : "")}
mark() { printf '%s%s@@\\n' '${MARK}' "$*"; }
has() { command -v "$1" >/dev/null 2>&1; }
exec 2>&1 </dev/null
mark start
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi
list() {
  if has dpkg-query; then
    mark "list $1 dpkg"; dpkg-query -W -f='\${db:Status-Status}\\t\${binary:Package}\\t\${Version}\\n'; mark end
  elif has rpm; then
    mark "list $1 rpm"; rpm -qa --qf '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n'; mark end
  fi
}
attempt() {
  name=$1; okc=$2; shift 2
  mark "step $name"
  "$@"; rc=$?
  for c in $okc; do if [ "$rc" = "$c" ]; then mark "status $rc"; return 0; fi; done
  mark "fail $rc"; list after; mark done; exit 0
}
if [ -n "$CUSTOM" ]; then PM=custom
elif has apt-get; then PM=apt
elif has dnf; then PM=dnf
elif has yum; then PM=yum
elif has zypper; then PM=zypper
else
  mark "step detect the package manager"
  echo "No package manager found: none of apt-get, dnf, yum or zypper is on the PATH ($PATH); configure a command for this kind or tag (PATCHPARTY_SSH_COMMANDS)."
  mark "fail 127"; mark done; exit 0
fi
mark "manager $PM"
list before
# Pinned (a production party installing what QA tested): only those versions, only where they are newer.
if [ "$PM" != custom ] && [ "$PINNED" = 1 ]; then
  case $PM in
    apt)
      attempt "apt-get update" 0 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -q update
      WANT=
      for p in $PINS; do
        cur=$(dpkg-query -W -f='\${Version}' "\${p%%=*}" 2>/dev/null) || continue
        if [ -n "$cur" ] && dpkg --compare-versions "$cur" lt "\${p#*=}"; then WANT="$WANT $p"; fi
      done
      if [ -n "$WANT" ]; then
        attempt "apt-get install of the versions QA tested" 0 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install --only-upgrade $WANT
      else mark "step nothing QA tested is newer here"; mark "status 0"
      fi ;;
    dnf|yum) if [ -n "$RPM_PINS" ]; then attempt "$PM upgrade of the versions QA tested" 0 $SUDO $PM -y upgrade $RPM_PINS; fi ;;
    zypper) if [ -n "$PINS" ]; then attempt "zypper install of the versions QA tested" "0 102 103" $SUDO zypper --non-interactive install $PINS; fi ;;
  esac
  list after
  mark "step reboot check"
  ${REBOOT_CHECK}
  mark done
  exit 0
fi
case $PM in
  custom) attempt "$CUSTOM_LABEL" 0 sh -c "$CUSTOM" ;;
  apt)
    attempt "apt-get update" 0 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -q update
    attempt "apt-get upgrade" 0 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold upgrade ;;
  dnf) attempt "dnf upgrade" 0 $SUDO dnf -y upgrade ;;
  yum) attempt "yum upgrade" 0 $SUDO yum -y upgrade ;;
  zypper) attempt "zypper update" "0 102 103" $SUDO zypper --non-interactive update ;;
esac
list after
mark "step reboot check"
${REBOOT_CHECK}
mark done
`;
}

/** Whether the host asks for a reboot, as its package manager tells (a `reboot yes|no|unknown` marker). */
const REBOOT_CHECK = `verdict() { case $1 in "$2") mark "reboot yes" ;; 0) mark "reboot no" ;; *) mark "reboot unknown" ;; esac; }
if has dpkg-query; then
  if [ -e "\${DPKG_ROOT:-}/var/run/reboot-required" ]; then mark "reboot yes"; else mark "reboot no"; fi
elif has needs-restarting; then $SUDO needs-restarting -r >/dev/null; verdict $? 1
elif has dnf; then $SUDO dnf -q needs-restarting -r >/dev/null; verdict $? 1
elif has zypper; then $SUDO zypper --non-interactive needs-rebooting >/dev/null; verdict $? 102
else mark "reboot unknown"
fi`;

/**
 * The update scan (issue 20), run by `sh` on the host: refreshes the package lists, then prints
 * the manager's own listing of what is pending between `section <name>` and `end` markers, the
 * release from /etc/os-release and whether a reboot is pending. Changes nothing else.
 */
export function scanScript(): string {
  return `
mark() { printf '%s%s@@\\n' '${MARK}' "$*"; }
has() { command -v "$1" >/dev/null 2>&1; }
exec 2>&1 </dev/null
export LC_ALL=C
mark start
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi
if [ -r /etc/os-release ]; then . /etc/os-release; mark "release \${ID:-unknown} \${VERSION_ID:-}"; fi
attempt() { name=$1; shift; mark "step $name"; "$@"; rc=$?; if [ "$rc" != 0 ]; then mark "fail $rc"; mark done; exit 0; fi; }
section() { name=$1; shift; mark "section $name"; "$@"; mark end; }
if has apt-get; then PM=apt
elif has dnf; then PM=dnf
elif has yum; then PM=yum
elif has zypper; then PM=zypper
else
  mark "step detect the package manager"
  echo "No package manager found: none of apt-get, dnf, yum or zypper is on the PATH ($PATH)."
  mark "fail 127"; mark done; exit 0
fi
mark "manager $PM"
case $PM in
  apt)
    attempt "apt-get update" $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -q update
    section pending apt-get -s -q -o Debug::NoLocking=1 dist-upgrade ;;
  dnf|yum)
    section installed rpm -qa --qf '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n'
    section pending $SUDO $PM -q list --upgrades
    section updateinfo $SUDO $PM -q updateinfo list --updates ;;
  zypper)
    attempt "zypper refresh" $SUDO zypper --non-interactive --quiet refresh
    section pending $SUDO zypper --non-interactive --quiet list-updates ;;
esac
${REBOOT_CHECK}
mark done
`;
}

type PackageList = Map<string, Set<string>>;

/** Names whose installed versions differ; a package installed or removed has null on the other side. */
export function packageChanges(before: PackageList, after: PackageList): PackageChange[] {
  const show = (versions: Set<string> | undefined) => (versions && versions.size ? [...versions].sort().join(", ") : null);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.flatMap((name) => {
    const from = show(before.get(name));
    const to = show(after.get(name));
    return from === to ? [] : [{ name, from, to }];
  });
}

type ScriptResult = {
  started: boolean;
  done: boolean;
  manager: string | null;
  step: string | null;
  failed: { step: string; status: number; output: string } | null;
  status: number | null;
  before: PackageList | null;
  after: PackageList | null;
  rebootRequired: boolean | null;
};

/** Reads the script's stdout as it streams: markers to the result, everything else to `log`. */
function scriptReader(log: (text: string) => void) {
  const result: ScriptResult = {
    started: false,
    done: false,
    manager: null,
    step: null,
    failed: null,
    status: null,
    before: null,
    after: null,
    rebootRequired: null,
  };
  let pending = "";
  let listing: { into: PackageList; format: "dpkg" | "rpm" } | null = null;
  let stepOutput = "";

  const marker = (body: string) => {
    const [word = "", ...rest] = body.split(" ");
    const arg = rest.join(" ");
    switch (word) {
      case "start":
        result.started = true;
        break;
      case "manager":
        result.manager = arg;
        log(`Package manager: ${arg}\n`);
        break;
      case "list": {
        const [phase, format] = rest;
        const into: PackageList = new Map();
        if (phase === "before") result.before = into;
        else result.after = into;
        listing = { into, format: format === "rpm" ? "rpm" : "dpkg" };
        break;
      }
      case "end":
        listing = null;
        break;
      case "step":
        result.step = arg;
        stepOutput = "";
        log(`\n==> ${arg}\n`);
        break;
      case "status":
        result.status = Number(arg);
        break;
      case "fail":
        result.failed = { step: result.step ?? "the upgrade", status: Number(arg), output: stepOutput };
        break;
      case "reboot":
        result.rebootRequired = arg === "yes" ? true : arg === "no" ? false : null;
        break;
      case "done":
        result.done = true;
        break;
    }
  };

  const line = (text: string) => {
    const at = text.indexOf(MARK);
    if (at >= 0 && text.trimEnd().endsWith("@@")) {
      if (at > 0) line(text.slice(0, at));
      marker(
        text
          .slice(at + MARK.length)
          .trimEnd()
          .slice(0, -2),
      );
      return;
    }
    if (listing) {
      const fields = text.split("\t");
      if (listing.format === "dpkg" && fields.length === 3) {
        const [status, name, version] = fields as [string, string, string];
        if (status !== "not-installed" && status !== "config-files" && version) {
          listing.into.set(name, (listing.into.get(name) ?? new Set()).add(version));
        }
        return;
      }
      if (listing.format === "rpm" && fields.length === 2) {
        const [name, version] = fields as [string, string];
        listing.into.set(name, (listing.into.get(name) ?? new Set()).add(version));
        return;
      }
    }
    stepOutput += `${text}\n`;
    log(`${text}\n`);
  };

  return {
    result,
    push(chunk: string) {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const l of lines) line(l.replace(/\r$/, ""));
    },
    end() {
      if (pending) line(pending);
      pending = "";
    },
  };
}

// ---- The upgrade ----

const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

async function unreadable(file: string): Promise<string | null> {
  try {
    await access(file, constants.R_OK);
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not readable by the worker";
  }
}

/** Host names, IPv4 and IPv6 addresses: nothing ssh could read as an option or a user. */
const ADDRESS = /^[A-Za-z0-9_.:%-]+$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

/** Where and how a member is reached over SSH, or why it cannot be (nothing is tried yet). */
async function reachable(
  member: Pick<UpgradeRequest, "memberName" | "address" | "port" | "user">,
  config: Pick<SshConfig, "user" | "keyFile" | "knownHostsFile" | "connectTimeoutSeconds">,
): Promise<{ ok: true; target: Target; ssh: Ssh } | { ok: false; message: string }> {
  const address = member.address?.trim();
  const no = (message: string) => ({ ok: false as const, message });
  if (!address)
    return no(
      `${member.memberName} has no address: set the resource's address (and its port and user, if not 22 and ${config.user}) to patch or scan it over SSH.`,
    );
  const user = member.user?.trim() || config.user;
  if (!ADDRESS.test(address) || address.startsWith("-")) return no(`${member.memberName}'s address "${address}" is not a host name or an IP address.`);
  if (!USER.test(user)) return no(`${member.memberName}'s SSH user "${user}" is not a user name.`);
  if (!config.keyFile) return no("The ssh executor is not set up: PATCHPARTY_SSH_KEY_FILE is not set.");
  if (!config.knownHostsFile) return no("The ssh executor is not set up: PATCHPARTY_SSH_KNOWN_HOSTS is not set (host keys are always checked).");
  for (const [variable, file] of [
    ["PATCHPARTY_SSH_KEY_FILE", config.keyFile],
    ["PATCHPARTY_SSH_KNOWN_HOSTS", config.knownHostsFile],
  ] as const) {
    const problem = await unreadable(file);
    if (problem) return no(`The ssh executor is not set up: ${variable}=${file}: ${problem}.`);
  }
  const port = member.port ?? 22;
  return {
    ok: true,
    target: { address, port, user, label: member.memberName === address ? address : `${member.memberName} (${address})` },
    ssh: { keyFile: config.keyFile, knownHostsFile: config.knownHostsFile, connectTimeoutSeconds: config.connectTimeoutSeconds },
  };
}

/**
 * Upgrades one member's host over SSH and says what happened. Never throws for the host's sake:
 * an unreachable host, a failed step or a failed health check is a failed report, a failed
 * pre-hook a skipped one.
 */
export async function runSshUpgrade(request: UpgradeRequest, config: SshConfig, options: SshUpgradeOptions = {}): Promise<ExecutionReport> {
  let output = "";
  const log = (text: string) => {
    output += text;
    options.onOutput?.(text);
  };
  const signal = options.signal;
  let packages: PackageChange[] = [];
  let rebootRequired: boolean | null = null;
  let rebooted: boolean | null = null;
  let healthCheck: "passed" | "failed" | null = null;
  const report = (state: ExecutionReport["state"], message: string, exitStatus: number | null = null): ExecutionReport => ({
    state,
    exitStatus,
    output,
    packages,
    rebootRequired,
    rebooted,
    healthCheck,
    message,
  });
  const failed = (message: string, exitStatus: number | null = null) => {
    log(`\n${message}\n`);
    return report("failed", message, exitStatus);
  };

  // What it needs, before touching anything.
  const reach = await reachable(request, config);
  if (!reach.ok) return failed(reach.message);
  const { target, ssh } = reach;
  const { address, port, user } = target;
  const stoppedDuring = (step: string) => failed(`Stopped during ${step}: ${reasonOf(signal)}.`);

  // 1. The host answers, with the key we know, before any hook acts on it.
  log(`==> Connecting to ${user}@${address}:${port}\n`);
  const probe = await runSsh(target, ssh, BOOT_ID, { signal, timeoutSeconds: config.connectTimeoutSeconds + 30 });
  if (probe.stopped && signal?.aborted) return stoppedDuring("the connection");
  if (probe.code !== 0) {
    log(probe.stderr);
    return failed(
      probe.stopped ? `${target.label} is unreachable over SSH: ${probe.stopped}.` : connectionProblem(probe.stderr, target, ssh.knownHostsFile),
      probe.code,
    );
  }
  const bootId = probe.stdout.trim() || null;

  // 2. The pre-hook may say no: the member is skipped, nothing else runs.
  const hook = async (phase: HookPhase, command: string, outcome?: "succeeded" | "failed") => {
    log(`\n==> ${phase === "pre" ? "Pre-hook" : "Post-hook"} (on the worker): ${command}\n`);
    return runHook(phase, command, request, { timeoutSeconds: config.hookTimeoutSeconds, signal, onOutput: log, outcome });
  };
  if (request.hooks.pre) {
    const pre = await hook("pre", request.hooks.pre);
    if (!pre.ok) {
      log(`\n${pre.message}\n`);
      return report("skipped", pre.message, pre.exitStatus);
    }
  }
  // From here the post-hook runs whatever happens, told the outcome (PATCHPARTY_OUTCOME).
  const finish = async (result: ExecutionReport): Promise<ExecutionReport> => {
    if (!request.hooks.post || signal?.aborted) return result;
    const post = await hook("post", request.hooks.post, result.state === "succeeded" ? "succeeded" : "failed");
    if (post.ok) return { ...result, output };
    // A failed post-hook fails the member (the server may still be out of its load balancer).
    return failed(`${result.message} ${post.message}`, result.state === "succeeded" ? post.exitStatus : (result.exitStatus ?? null));
  };

  // 3. The upgrade.
  const custom = configuredCommand(request, config.commands);
  const pins = options.pins ?? null;
  const badPin = pins?.find((p) => !PIN.test(p.name) || !PIN.test(p.version));
  if (badPin) return finish(failed(`The tested version "${badPin.name} ${badPin.version}" is not a package name and version: nothing was installed.`));
  log(
    `\n==> Upgrading ${target.label}${custom ? ` with the command configured for ${custom.source}` : pins && request.install ? ` to the versions QA tested in ${request.install.tag} (${pins.length} package${pins.length === 1 ? "" : "s"} for ${request.install.release || "its release"})` : ""}\n`,
  );
  const reader = scriptReader(log);
  const run = await runSsh(target, ssh, `sh -c ${shellQuote(upgradeScript(custom, pins))}`, { signal, onStdout: (text) => reader.push(text) });
  reader.end();
  const script = reader.result;
  if (script.before && script.after) packages = packageChanges(script.before, script.after);
  if (run.stderr.trim()) log(run.stderr);
  if (run.stopped) return finish(stoppedDuring(script.step ?? "the upgrade"));
  if (!script.started) {
    return finish(
      failed(
        run.code === SSH_ERROR
          ? connectionProblem(run.stderr, target, ssh.knownHostsFile)
          : `The upgrade did not start on ${target.label} (exit ${run.code}): ${lastLines(run.stderr || output)}`,
        run.code,
      ),
    );
  }
  if (script.failed) {
    const { step, status, output: stepOutput } = script.failed;
    return finish(failed(`${step} failed (exit ${status}) on ${target.label}: ${lastLines(stepOutput) || "no output"}`, status));
  }
  if (!script.done) {
    const why = run.code === SSH_ERROR ? lastLines(run.stderr, 1) || "the connection closed" : `exit ${run.code}`;
    return finish(
      failed(
        `The connection to ${target.label} was lost during ${script.step ?? "the upgrade"} (${why}); what the upgrade did is unknown: check the host.`,
        run.code,
      ),
    );
  }
  rebootRequired = script.rebootRequired;
  const upgradeStatus = script.status ?? 0;

  // 4. The reboot: when the host asks for one (auto), or as configured.
  const reboot = config.reboot === "always" || (config.reboot === "auto" && rebootRequired === true);
  rebooted = false;
  if (reboot) {
    log(`\n==> Rebooting (${config.reboot === "always" ? "PATCHPARTY_SSH_REBOOT=always" : "the host says a reboot is required"}): ${config.rebootCommand}\n`);
    const asked = await runSsh(target, ssh, config.rebootCommand, { signal, timeoutSeconds: REBOOT_COMMAND_SECONDS });
    log(asked.stdout + asked.stderr);
    if (signal?.aborted) return finish(stoppedDuring("the reboot"));
    // A reboot may cut its own connection (255) or leave it hanging (stopped): both are a reboot under way.
    if (asked.code !== 0 && asked.code !== SSH_ERROR && !asked.stopped) {
      return finish(
        failed(`The reboot command failed (exit ${asked.code}) on ${target.label}: ${lastLines(asked.stdout + asked.stderr) || "no output"}`, asked.code),
      );
    }
    log(`\n==> Waiting for ${target.label} to come back (up to ${config.rebootTimeoutSeconds} s)\n`);
    const until = Date.now() + config.rebootTimeoutSeconds * 1000;
    let wentDown = false;
    let back = false;
    let lastProblem = "";
    while (!back && Date.now() < until && !signal?.aborted) {
      await abortableSleep(REBOOT_POLL_MS, signal);
      if (signal?.aborted) break;
      const seen = await runSsh(target, ssh, BOOT_ID, { signal, timeoutSeconds: config.connectTimeoutSeconds + 10 });
      if (seen.code === 0) {
        const id = seen.stdout.trim() || null;
        // Back: it was seen down, or it booted again (a new boot id) between two looks.
        back = wentDown || (bootId !== null && id !== null && id !== bootId);
      } else {
        wentDown = true;
        lastProblem = seen.stopped ?? lastLines(seen.stderr, 1);
      }
    }
    if (signal?.aborted) return finish(stoppedDuring("the reboot"));
    rebooted = back || wentDown;
    if (!back) {
      return finish(
        failed(
          wentDown
            ? `${target.label} did not come back within ${config.rebootTimeoutSeconds} s after the reboot (last: ${lastProblem || "no answer"}).`
            : `${target.label} did not go down within ${config.rebootTimeoutSeconds} s after the reboot command (${config.rebootCommand}).`,
        ),
      );
    }
    log(`${target.label} is back.\n`);
  }

  // 5. The health check, on a fresh connection.
  const check = config.healthCheck ?? "true";
  log(`\n==> Health check${config.healthCheck ? `: ${config.healthCheck}` : ": the host answers a fresh SSH connection"}\n`);
  const health = await runSsh(target, ssh, check, { signal, timeoutSeconds: HEALTH_CHECK_SECONDS, onStdout: log });
  if (health.stderr.trim()) log(health.stderr);
  if (signal?.aborted) return finish(stoppedDuring("the health check"));
  healthCheck = health.code === 0 ? "passed" : "failed";
  if (health.code !== 0) {
    const message =
      health.code === SSH_ERROR || health.stopped
        ? `Health check failed: ${target.label} does not answer over SSH after the upgrade (${health.stopped ?? connectionProblem(health.stderr, target, ssh.knownHostsFile)})`
        : `Health check failed (exit ${health.code}) on ${target.label}: ${lastLines(health.stdout + health.stderr) || "no output"}`;
    return finish(failed(message, health.code));
  }

  const changed = packages.length === 0 ? "Nothing to upgrade" : `${packages.length} package${packages.length === 1 ? "" : "s"} upgraded`;
  const how = custom ? `the command configured for ${custom.source}` : (script.manager ?? "the package manager");
  const afterwards = rebooted ? "rebooted" : rebootRequired ? `a reboot is required (not done: PATCHPARTY_SSH_REBOOT=${config.reboot})` : "no reboot needed";
  const message = `${changed} with ${how}; ${afterwards}; health check passed.`;
  log(`\n${message}\n`);
  return finish(report("succeeded", message, upgradeStatus));
}

// ---- The update scan ----

export type ScanResult = { ok: true; report: UpdateReport; output: string } | { ok: false; error: string; output: string };

/** Reads the scan script's stdout: its markers, and each section's lines by name. */
function scanReader() {
  const sections = new Map<string, string>();
  const state = { started: false, done: false, release: null as string | null, manager: null as string | null, step: null as string | null };
  let failed: { step: string; status: number } | null = null;
  let reboot: boolean | null = null;
  let section: string | null = null;
  let output = "";
  return {
    line(text: string) {
      const at = text.indexOf(MARK);
      if (at >= 0 && text.trimEnd().endsWith("@@")) {
        const [word = "", ...rest] = text
          .slice(at + MARK.length)
          .trimEnd()
          .slice(0, -2)
          .split(" ");
        const arg = rest.join(" ").trim();
        if (word === "start") state.started = true;
        else if (word === "done") state.done = true;
        else if (word === "release") state.release = arg || null;
        else if (word === "manager") state.manager = arg;
        else if (word === "step") state.step = arg;
        else if (word === "fail") failed = { step: state.step ?? "the scan", status: Number(arg) };
        else if (word === "reboot") reboot = arg === "yes" ? true : arg === "no" ? false : null;
        else if (word === "section") section = arg;
        else if (word === "end") section = null;
        return;
      }
      if (section) sections.set(section, `${sections.get(section) ?? ""}${text}\n`);
      else output += `${text}\n`;
    },
    result: () => ({ ...state, failed: failed as { step: string; status: number } | null, reboot, sections, output }),
  };
}

/** The report a finished scan's sections make, by package manager. */
function scanReport(manager: string | null, sections: Map<string, string>, release: string | null, rebootRequired: boolean | null): UpdateReport {
  const text = (name: string) => sections.get(name) ?? "";
  let updates: UpdateReport["updates"] = [];
  if (manager === "apt") updates = parseAptSimulation(text("pending"));
  else if (manager === "dnf" || manager === "yum") {
    const installed = new Map<string, string>();
    for (const line of text("installed").split("\n")) {
      const [name, version] = line.split("\t");
      if (name && version) installed.set(name, version);
    }
    updates = parseDnf(text("pending"), text("updateinfo"), installed);
  } else if (manager === "zypper") updates = parseZypper(text("pending"));
  return { packageManager: manager, release, rebootRequired, updates };
}

/**
 * Asks one server over SSH which updates are pending and whether it waits for a reboot (the
 * package lists are refreshed; nothing is installed). Never throws for the host's sake.
 */
export async function runSshScan(
  member: Pick<UpgradeRequest, "memberName" | "address" | "port" | "user">,
  config: SshConfig,
  options: { signal?: AbortSignal; timeoutSeconds?: number } = {},
): Promise<ScanResult> {
  const reach = await reachable(member, config);
  if (!reach.ok) return { ok: false, error: reach.message, output: "" };
  const { target, ssh } = reach;
  const reader = scanReader();
  let pending = "";
  const run = await runSsh(target, ssh, `sh -c ${shellQuote(scanScript())}`, {
    signal: options.signal,
    timeoutSeconds: options.timeoutSeconds ?? SCAN_SECONDS,
    onStdout: (chunk) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const l of lines) reader.line(l.replace(/\r$/, ""));
    },
  });
  if (pending) reader.line(pending);
  const r = reader.result();
  const output = `${r.output}${run.stderr}`;
  if (run.stopped) return { ok: false, error: `The scan of ${target.label} was stopped: ${run.stopped}.`, output };
  if (!r.started) {
    return {
      ok: false,
      error:
        run.code === SSH_ERROR
          ? connectionProblem(run.stderr, target, ssh.knownHostsFile)
          : `The scan did not start on ${target.label} (exit ${run.code}): ${lastLines(output)}`,
      output,
    };
  }
  if (r.failed)
    return { ok: false, error: `${r.failed.step} failed (exit ${r.failed.status}) on ${target.label}: ${lastLines(r.output) || "no output"}`, output };
  if (!r.done) return { ok: false, error: `The connection to ${target.label} was lost during the scan (exit ${run.code}).`, output };
  return { ok: true, report: scanReport(r.manager, r.sections, r.release, r.reboot), output };
}

// ---- The job ----

/** The longest a timer can wait (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The `execute_ssh` job: claims the execution (someone else has it, or it finished: nothing to do),
 * beats while the upgrade runs, stops it at the member's deadline, and reports what happened.
 * Only an infrastructure error (the database) throws; the member's own failure is a report.
 */
export async function runSshExecution(key: string, options: { config?: SshConfig } = {}): Promise<void> {
  const request = await claimExecution(key, new Date());
  if (!request) return;
  const e = currentEnv();
  const config = options.config ?? sshConfigFromEnv(e);
  const secrets = [e.NEXTAUTH_SECRET, e.OIDC_CLIENT_SECRET, e.PATCHPARTY_WEBHOOK_SECRET].filter((s): s is string => Boolean(s));

  let output = "";
  const controller = new AbortController();
  const deadline = setTimeout(
    () => controller.abort(`the member's deadline (${request.deadline.toISOString()}) passed`),
    Math.min(MAX_TIMER_MS, Math.max(0, request.deadline.getTime() - Date.now())),
  );
  let beating: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(() => {
    beating = beat(key, new Date(), truncateOutput(output, secrets)).catch((error: unknown) =>
      console.warn(`SSH executor: the heartbeat of ${key} failed:`, error),
    );
  }, HEARTBEAT_SECONDS * 1000);

  let result: ExecutionReport;
  try {
    const pins = request.install ? await testedPackages(request.install.tag, request.install.release) : null;
    result = await runSshUpgrade(request, config, { signal: controller.signal, onOutput: (text) => (output += text), pins });
  } catch (error) {
    // A fault of ours, not the host's: say so on the row rather than leave it running.
    const reason = error instanceof Error ? error.message : String(error);
    result = { state: "failed", output, message: `The ssh executor stopped on an internal error (${reason}); what happened on the host is unknown: check it.` };
    console.warn(`SSH executor: ${key} failed internally:`, error);
  } finally {
    clearInterval(heartbeat);
    clearTimeout(deadline);
  }
  await beating;
  const written = await reportExecution(key, { ...result, output: truncateOutput(result.output ?? output, secrets) }, "ssh", new Date());
  if (!written.ok) console.warn(`SSH executor: the outcome of ${key} was not recorded: ${written.message}`);
}
