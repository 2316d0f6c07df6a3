import { run, type Runner } from "graphile-worker";
import { crontab, taskList } from "./tasks";

/** Starts a worker on the database; stop it with `runner.stop()`. */
export function startWorker(connectionString: string, options: { concurrency?: number } = {}): Promise<Runner> {
  return run({
    connectionString,
    concurrency: options.concurrency ?? 2,
    taskList,
    crontab,
    noHandleSignals: true,
    pollInterval: 2_000,
  });
}
