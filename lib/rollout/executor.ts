// How the rollout engines hand a member to an executor (docs/decisions/014-real-execution.md).
//
// The engines never wait on an executor. In the tick's transaction they ask it to `start` a
// batch; the executor records one Execution row per request (lib/data/executions.ts) and, in the
// same transaction, queues whatever does the work: a job that runs SSH or Ansible, a webhook
// delivery, or nothing (a person records the outcome). If the tick rolls back, nothing was
// started; if it is retried with the same keys, rows that exist are left as they are, so a member
// is never started twice. Outcomes arrive later on the Execution row (from a job, the executions
// API, a person or the simulated clock) and the engines read them on their next tick.
import "server-only";
import type { Prisma } from "@prisma/client";
import type { ExecutorName, UpgradeRequest } from "../domain";

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
