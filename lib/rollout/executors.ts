// Which executor runs what (docs/decisions/014-real-execution.md). PATCHPARTY_EXECUTOR names the
// installation's default; unset, it is `simulated` only when the database holds the demo data and
// `manual` otherwise, so a real installation never shows a made-up outcome. Templates and the
// party slots may name their own.
import "server-only";
import { env, type Env } from "../env";
import { recordExecutions, queueJob } from "../data/executions";
import type { Executor, Executors } from "./executor";
import { simulatedExecutor } from "./simulated";
import { defaultExecutor, type DefaultExecutor, type ExecutorName } from "../domain";
import { holdsDemoData } from "../data/installation";

/** Jobs that run executions (lib/jobs/tasks.ts); never retried by the job runner: an upgrade is not repeated behind anyone's back. */
export const EXECUTION_TASKS = { ssh: "execute_ssh", ansible: "execute_ansible", webhook: "deliver_webhook" } as const;
/** How often a webhook delivery is tried (graphile-worker backs off exponentially between tries). */
export const WEBHOOK_ATTEMPTS = 10;

export const manualExecutor: Executor = {
  name: "manual",
  async start(tx, requests, now) {
    await recordExecutions(tx, "manual", requests, "QUEUED", now);
  },
};

/** One job per member (ssh) or per batch (ansible), queued in the tick's transaction. */
const sshExecutor: Executor = {
  name: "ssh",
  async start(tx, requests, now) {
    for (const key of await recordExecutions(tx, "ssh", requests, "QUEUED", now)) {
      await queueJob(tx, EXECUTION_TASKS.ssh, { key }, { jobKey: `exec:${key}`, maxAttempts: 1 });
    }
  },
};

const ansibleExecutor: Executor = {
  name: "ansible",
  async start(tx, requests, now) {
    const keys = await recordExecutions(tx, "ansible", requests, "QUEUED", now);
    if (keys.length) await queueJob(tx, EXECUTION_TASKS.ansible, { keys }, { jobKey: `exec:${keys[0]}`, maxAttempts: 1 });
  },
};

const webhookExecutor: Executor = {
  name: "webhook",
  async start(tx, requests, now) {
    for (const key of await recordExecutions(tx, "webhook", requests, "QUEUED", now)) {
      await queueJob(tx, EXECUTION_TASKS.webhook, { key }, { jobKey: `exec:${key}`, maxAttempts: WEBHOOK_ATTEMPTS });
    }
  },
};

export function executorByName(name: ExecutorName, e: Env = env()): Executor {
  switch (name) {
    case "manual":
      return manualExecutor;
    case "ssh":
      return sshExecutor;
    case "ansible":
      return ansibleExecutor;
    case "webhook":
      return webhookExecutor;
    case "simulated":
      return simulatedExecutor({ durationSeconds: e.PATCHPARTY_SIM_SECONDS, failureRate: e.PATCHPARTY_SIM_FAILURE_RATE });
  }
}

export async function activeExecutor(): Promise<DefaultExecutor> {
  return defaultExecutor(env().PATCHPARTY_EXECUTOR, await holdsDemoData());
}

/** The executors of this process: a template's or the party rule's choice, else the default. */
export async function executorsFromEnv(): Promise<Executors> {
  const { name } = await activeExecutor();
  return { defaultName: name, get: (chosen) => executorByName(chosen) };
}
