// Reads what ansible-playbook did to each host from the ansible.posix.jsonl callback: one JSON
// event per line, written as it happens. Line by line rather than the json callback's one document
// at the end, so a run stopped at its deadline still tells which hosts finished and where the
// others were, and a running execution shows its output so far. Pure: lib/rollout/ansible.ts
// feeds it and turns its answers into execution reports.
import "server-only";
import type { ExecutionReport, PackageChange } from "../domain";

type TaskResult = Record<string, unknown>;

export type AnsibleStats = { ok: number; changed: number; failures: number; unreachable: number; skipped: number; rescued: number; ignored: number };

type HostLog = {
  /** The task lines shown as the member's output: time, status, task, and what the task said. */
  lines: string[];
  facts: Record<string, unknown>;
  /** The last task that finished on the host (skipped ones too). */
  lastTask: string | null;
  /** The latest failure: ignored and rescued ones come before the one that stops the host. */
  failed: { task: string; result: TaskResult } | null;
  unreachable: { task: string; result: TaskResult } | null;
  /** What ssh said when asked again, where Ansible's message lost it. */
  sshSaid: string | null;
  healthCheck: "passed" | "failed" | null;
  rebooted: boolean | null;
};

export type AnsibleLog = {
  hosts: Map<string, HostLog>;
  stats: Record<string, AnsibleStats> | null;
  /** The task started last: a host that has not finished it is in it. */
  currentTask: string | null;
  unreadable: number;
};

export function createAnsibleLog(): AnsibleLog {
  return { hosts: new Map(), stats: null, currentTask: null, unreadable: 0 };
}

/** The task named so in a playbook is the health check (ansible/patch.yml's contract). */
export const HEALTH_CHECK_TASK = "Health check";
const MESSAGE_LIMIT = 500;

function hostLog(log: AnsibleLog, host: string): HostLog {
  let entry = log.hosts.get(host);
  if (!entry) {
    entry = { lines: [], facts: {}, failed: null, unreachable: null, sshSaid: null, lastTask: null, healthCheck: null, rebooted: null };
    log.hosts.set(host, entry);
  }
  return entry;
}

function text(value: unknown): string {
  if (value == null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** What a task result says, for people: its message, then stdout and stderr when they add to it. */
function resultText(result: TaskResult): string {
  const parts: string[] = [];
  for (const field of ["msg", "stdout", "stderr", "module_stdout", "module_stderr"]) {
    const value = text(result[field]).replace(/\r/g, "").trim();
    if (value && !parts.includes(value)) parts.push(value);
  }
  return parts.join("\n");
}

/** Adds one line of the callback's output. Lines that are not its events (a stray print) are counted and left out. */
export function readEvent(log: AnsibleLog, line: string): void {
  const trimmed = line.trim();
  if (!trimmed) return;
  let event: { _event?: string; _timestamp?: string; task?: { name?: string }; hosts?: Record<string, TaskResult>; stats?: Record<string, AnsibleStats> };
  try {
    event = JSON.parse(trimmed);
  } catch {
    log.unreadable += 1;
    return;
  }
  if (event._event === "v2_playbook_on_stats") {
    log.stats = event.stats ?? {};
    return;
  }
  const status = { v2_runner_on_ok: "ok", v2_runner_on_failed: "failed", v2_runner_on_unreachable: "unreachable", v2_runner_on_skipped: "skipped" }[
    event._event ?? ""
  ];
  if (event._event === "v2_playbook_on_task_start" || event._event === "v2_runner_on_start") {
    log.currentTask = event.task?.name || null;
    return;
  }
  if (!status || !event.hosts) return;
  const task = event.task?.name || "(unnamed task)";
  const time = event._timestamp?.slice(11, 19) ?? "";
  for (const [host, result] of Object.entries(event.hosts)) {
    const entry = hostLog(log, host);
    entry.lastTask = task;
    if (status === "skipped") continue;
    const shown = status === "ok" && result.changed ? "changed" : status;
    const said = resultText(result);
    entry.lines.push(`${time} ${shown.padEnd(11)} ${task}`, ...(said ? said.split("\n").map((l) => `    ${l}`) : []));
    if (status === "ok" && result.ansible_facts && typeof result.ansible_facts === "object") Object.assign(entry.facts, result.ansible_facts);
    if (status === "failed") entry.failed = { task, result };
    if (status === "unreachable") entry.unreachable = { task, result };
    if (task === HEALTH_CHECK_TASK) entry.healthCheck = status === "ok" ? "passed" : status === "failed" ? "failed" : entry.healthCheck;
    if (typeof result.rebooted === "boolean" && status !== "failed") entry.rebooted = result.rebooted;
  }
}

/**
 * Hosts that Ansible found unreachable without saying why: with pipelining, a connection that
 * fails at once can lose ssh's own message to a race inside Ansible ("[Errno 32] Broken pipe").
 */
export function unexplainedUnreachable(log: AnsibleLog): string[] {
  return [...log.hosts].filter(([, entry]) => entry.unreachable && /Broken pipe\W*$/i.test(resultText(entry.unreachable.result))).map(([host]) => host);
}

/** What ssh itself said when asked again, in place of Ansible's empty reason. */
export function explainUnreachable(log: AnsibleLog, host: string, sshSaid: string): void {
  const entry = log.hosts.get(host);
  if (!entry?.unreachable) return;
  entry.sshSaid = sshSaid;
  entry.lines.push("    ssh, asked again:", ...sshSaid.split("\n").map((l) => `      ${l}`));
}

export function hostOutput(log: AnsibleLog, host: string): string {
  return log.hosts.get(host)?.lines.join("\n") ?? "";
}

/** What the host's facts say changed (ansible/patch.yml's patchparty_packages), checked field by field. */
function packagesFrom(value: unknown): PackageChange[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const version = (v: unknown) => (v == null || v === "" ? null : String(v));
  return value
    .filter((p): p is Record<string, unknown> => !!p && typeof p === "object" && typeof (p as Record<string, unknown>).name === "string")
    .map((p) => ({ name: p.name as string, from: version(p.from), to: version(p.to) }));
}

function flag(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "True") return true;
  if (value === "false" || value === "False") return false;
  return null;
}

function oneLine(value: string, limit = MESSAGE_LIMIT): string {
  const flat = value.replace(/\s+/g, " ").trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}

/** The message of a failed task: its own, or for a command that exited non-zero what it printed last. */
function failureMessage(result: TaskResult): string {
  const msg = text(result.msg).trim();
  const rc = typeof result.rc === "number" ? ` (exit ${result.rc})` : "";
  const tail = (value: unknown) => text(value).replace(/\r/g, "").trim().split("\n").slice(-3).join(" ");
  if (result.censored) return text(result.censored);
  if (!msg || msg === "non-zero return code" || msg.startsWith("MODULE FAILURE")) {
    const said = tail(result.stderr) || tail(result.module_stderr) || tail(result.stdout) || tail(result.module_stdout);
    return `${msg || "failed"}${rc}${said ? `: ${said}` : ""}`;
  }
  // apt says "E: Sub-process /usr/bin/dpkg returned an error code (1)"; dpkg said why in stdout.
  const lines = `${text(result.stdout)}\n${text(result.stderr)}`.replace(/\r/g, "").split("\n");
  const at = lines.findIndex((l) => /^(dpkg: error|dpkg: dependency problems|Error:|error:)/.test(l) && !msg.includes(l.trim()));
  if (at < 0) return msg.trim();
  const next = lines[at + 1];
  return `${msg.trim()} (${lines[at]!.trim()}${next && /^\s/.test(next) ? ` ${next.trim()}` : ""})`;
}

/**
 * What ssh itself said, from Ansible's message for an unreachable host ("… Make sure this host can
 * be reached over ssh: <ssh's words>", or "Failed to connect to the host via ssh: <…>").
 */
export function sshWords(ansibleSaid: string): string {
  return (ansibleSaid.match(/(?:over|via) ssh: ([\s\S]*)$/i)?.[1] ?? ansibleSaid).replace(/\r/g, "").trim();
}

/** Words for an unreachable host, from what ssh said (lib/rollout/ssh.ts's, so both executors say the same). */
export type DescribeUnreachable = (sshSaid: string) => string;

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function changedSummary(packages: PackageChange[]): string {
  if (packages.length === 0) return "no package changed";
  const shown = packages.slice(0, 3).map((p) => `${p.name} ${p.from ?? "(new)"} → ${p.to ?? "(removed)"}`);
  return `${plural(packages.length, "package")} changed (${shown.join(", ")}${packages.length > 3 ? ", …" : ""})`;
}

/**
 * The outcome for one host, from the run's stats (ok/changed → succeeded, failures/unreachable →
 * failed) and its events; `stopped` says why the run ended without stats, if it did.
 */
export function hostReport(log: AnsibleLog, host: string, describeUnreachable: DescribeUnreachable, stopped: string | null): Omit<ExecutionReport, "output"> {
  const entry = log.hosts.get(host);
  const stats = log.stats?.[host];
  const packages = packagesFrom(entry?.facts.patchparty_packages);
  const rebootRequired = flag(entry?.facts.patchparty_reboot_required);
  const rebooted = flag(entry?.facts.patchparty_rebooted) ?? entry?.rebooted ?? null;
  const factCheck = entry?.facts.patchparty_health_check_result;
  const healthCheck = factCheck === "passed" || factCheck === "failed" ? factCheck : (entry?.healthCheck ?? null);
  const details = { packages, rebootRequired, rebooted, healthCheck };

  if (entry?.unreachable && (!stats || stats.unreachable > 0)) {
    return { state: "failed", exitStatus: null, ...details, message: describeUnreachable(entry.sshSaid ?? sshWords(text(entry.unreachable.result.msg))) };
  }
  if (entry?.failed && (!stats || stats.failures > 0)) {
    const { task, result } = entry.failed;
    return {
      state: "failed",
      exitStatus: typeof result.rc === "number" ? result.rc : null,
      ...details,
      message: oneLine(`Task "${task}" failed: ${failureMessage(result)}`),
    };
  }
  if (stats && stats.failures === 0 && stats.unreachable === 0) {
    const reboot = rebooted ? "; rebooted" : rebootRequired ? "; a reboot is required and was not done" : "";
    return { state: "succeeded", exitStatus: 0, ...details, message: `Ansible: ${packages ? changedSummary(packages) : "playbook finished"}${reboot}.` };
  }
  if (stopped) {
    const where =
      entry?.lastTask && entry.lastTask === log.currentTask
        ? ` after task "${entry.lastTask}"`
        : log.currentTask
          ? ` during task "${log.currentTask}"`
          : " before any task ran on it";
    return { state: "failed", exitStatus: null, ...details, message: `${stopped}; it stopped${where}: check the host.` };
  }
  if (!entry && !stats)
    return { state: "failed", exitStatus: null, message: "The playbook ran no task on this host (does its play target all hosts of the inventory?)." };
  return { state: "failed", exitStatus: null, ...details, message: "Ansible reported this host failed without naming a task." };
}
