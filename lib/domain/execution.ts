// Real execution's vocabulary and timing rules (docs/decisions/014-real-execution.md), pure:
// the executors, what the engines hand them, what they report.

export const EXECUTOR_NAMES = ["manual", "ssh", "ansible", "webhook", "simulated"] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

export const EXECUTOR_LABELS: Record<ExecutorName, string> = {
  manual: "Manual (operators record outcomes)",
  ssh: "SSH (the host's package manager)",
  ansible: "Ansible playbook",
  webhook: "Webhook (your automation reports back)",
  simulated: "Simulated (demo and tests only)",
};

export type PackageChange = { name: string; from: string | null; to: string | null };

export type UpgradeRequest = {
  /** Stable for one member in one run: `${runId}:${memberId}` (party slots: `${runId}:${resourceId}`). */
  key: string;
  resourceId: string | null;
  memberName: string;
  /** How to reach it (resources only): address, port (null = 22), user (null = PATCHPARTY_SSH_USER). */
  address: string | null;
  port: number | null;
  user: string | null;
  kind: string | null;
  tags: string[];
  cluster: string | null;
  fromVersion: string;
  toVersion: string;
  party: { id: string; tag: string; kind: "qa" | "production"; group: number } | null;
  template: { id: string; name: string } | null;
  /** No final outcome by then: the member fails with "no report". */
  deadline: Date;
  /** Not begun by then (the window's cutoff): it is not begun at all. */
  startBy?: Date | null;
  /** Shell commands run before and after the member on the worker (ssh and ansible executors). */
  hooks: { pre: string | null; post: string | null };
  /**
   * A production party's member installs the versions its quarter's QA party tested for its
   * release (lib/data/tested-sets.ts), read when it runs; absent or null: it upgrades everything.
   */
  install?: { tag: string; release: string } | null;
};

/** A final outcome, as an executor, an automation or a person reports it. */
export type ExecutionReport = {
  state: "succeeded" | "failed" | "skipped";
  exitStatus?: number | null;
  output?: string | null;
  packages?: PackageChange[];
  rebootRequired?: boolean | null;
  rebooted?: boolean | null;
  healthCheck?: "passed" | "failed" | null;
  message?: string | null;
};

/** The installation's default executor, and why it is that one (start-up and the admin pages say it). */
export type DefaultExecutor = { name: ExecutorName; why: string };

export function defaultExecutor(configured: ExecutorName | undefined, demoData: boolean): DefaultExecutor {
  if (configured) return { name: configured, why: "PATCHPARTY_EXECUTOR" };
  if (demoData) return { name: "simulated", why: "the database holds the demo data" };
  return { name: "manual", why: "the default: nothing runs until an executor is configured" };
}

const MINUTE = 60_000;

/** No member starts after this: `cutoffMinutes` before the window's end. */
export function startCutoff(windowEnd: Date, cutoffMinutes: number): Date {
  return new Date(windowEnd.getTime() - cutoffMinutes * MINUTE);
}

/**
 * When a member without a final outcome fails as "no report". Executors that run by themselves
 * get `timeoutMinutes` from their start; a manual one waits for people until the window's end
 * and `timeoutMinutes` after it.
 */
export function executionDeadline(executor: string, now: Date, windowEnd: Date, timeoutMinutes: number): Date {
  const base = executor === "manual" ? Math.max(now.getTime(), windowEnd.getTime()) : now.getTime();
  return new Date(base + timeoutMinutes * MINUTE);
}
