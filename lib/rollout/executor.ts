// How the rollout engines hand a member to an executor (docs/decisions/014-real-execution.md).
//
// The engines never wait on an executor. In the tick's transaction they ask it to `start` a
// batch; the executor records one Execution row per request (lib/data/executions.ts) and, in the
// same transaction, queues whatever does the work: a job that runs SSH or Ansible, a webhook
// delivery, or nothing (a person records the outcome). If the tick rolls back, nothing was
// started; if it is retried with the same keys, rows that exist are left as they are, so a member
// is never started twice. Outcomes arrive later on the Execution row (from a job, the executions
// API, a person or the simulated clock) and the engines read them on their next tick.
import type { Prisma } from "@prisma/client";

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

export type Tx = Prisma.TransactionClient;

export interface Executor {
  readonly name: ExecutorName;
  /** Records and hands over the upgrades in the caller's transaction; keys already recorded are left alone. */
  start(tx: Tx, requests: UpgradeRequest[], now: Date): Promise<void>;
}

/** Which executor runs a template's or the party slots' members: its own choice, or the installation's. */
export type Executors = { defaultName: ExecutorName; get(name: ExecutorName): Executor };

/** Tests and tools that run everything through one executor. */
export function onlyExecutor(executor: Executor): Executors {
  return { defaultName: executor.name, get: () => executor };
}
