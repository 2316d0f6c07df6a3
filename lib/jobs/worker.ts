import "server-only";
import { run, runMigrations } from "graphile-worker";
import pg from "pg";
import { env } from "../env";
import { SCHEMA_LOCK } from "./schema-lock";
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

/**
 * graphile-worker installs its schema with CREATE … IF NOT EXISTS, which races when several
 * instances start at once on a fresh database ("duplicate key … pg_namespace_nspname_index"):
 * install it under an advisory lock, so the others wait and then find nothing to do. The web
 * process adds jobs under the same lock, shared (enqueue.ts).
 */
export async function installSchemaOnce(pgPool: pg.Pool) {
  const client = await pgPool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [SCHEMA_LOCK]);
    try {
      await runMigrations({ pgPool });
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1))", [SCHEMA_LOCK]);
    }
  } finally {
    client.release();
  }
}
