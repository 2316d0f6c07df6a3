import "server-only";
import { run } from "graphile-worker";
import pg from "pg";
import { env } from "../env";
import { installSchemaOnce } from "./schema-lock";
import { crontab, taskList } from "./tasks";

export type Worker = { stop: () => Promise<void> };

/**
 * Starts a worker on the database. The pool is ours so that a connection the server drops (a
 * restart, Ctrl-C reaching PostgreSQL first) is logged rather than crashing the process.
 */
export async function startWorker(connectionString: string, options: { concurrency?: number; crontab?: string } = {}): Promise<Worker> {
  // Executions (ssh, ansible, webhook deliveries) run as jobs for minutes: room for them and for the ticks beside them.
  const concurrency = options.concurrency ?? env().PATCHPARTY_EXECUTION_CONCURRENCY + 2;
  const pgPool = new pg.Pool({ connectionString, max: concurrency + 2 });
  pgPool.on("error", (error) => console.warn(`Job runner: a database connection was lost (${error.message}); it reconnects by itself.`));
  await installSchemaOnce(pgPool);
  const runner = await run({ pgPool, concurrency, taskList, crontab: options.crontab ?? crontab, noHandleSignals: true, pollInterval: 2_000 });
  return {
    async stop() {
      await runner.stop();
      await pgPool.end();
    },
  };
}
