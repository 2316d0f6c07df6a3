import { run } from "graphile-worker";
import pg from "pg";
import { crontab, taskList } from "./tasks";

export type Worker = { stop: () => Promise<void> };

/**
 * Starts a worker on the database. The pool is ours so that a connection the server drops (a
 * restart, Ctrl-C reaching PostgreSQL first) is logged rather than crashing the process.
 */
export async function startWorker(connectionString: string, options: { concurrency?: number } = {}): Promise<Worker> {
  const concurrency = options.concurrency ?? 2;
  const pgPool = new pg.Pool({ connectionString, max: concurrency + 2 });
  pgPool.on("error", (error) => console.warn(`Job runner: a database connection was lost (${error.message}); it reconnects by itself.`));
  const runner = await run({ pgPool, concurrency, taskList, crontab, noHandleSignals: true, pollInterval: 2_000 });
  return {
    async stop() {
      await runner.stop();
      await pgPool.end();
    },
  };
}
