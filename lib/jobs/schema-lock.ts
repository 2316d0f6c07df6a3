import "server-only";
import { runMigrations } from "graphile-worker";
import type pg from "pg";

/**
 * The advisory lock under which a worker installs graphile-worker's schema (exclusive) and the web
 * process adds a job (shared): adding a job while a migration alters the job tables deadlocked
 * the installing worker.
 */
export const SCHEMA_LOCK = "patchparty:graphile-worker-schema";

/**
 * graphile-worker installs its schema with CREATE … IF NOT EXISTS, which races when several
 * instances start at once on a fresh database ("duplicate key … pg_namespace_nspname_index"):
 * install it under an advisory lock, so the others wait and then find nothing to do. The web
 * process adds jobs under the same lock, shared (enqueue.ts). As the app's role, on a schema the
 * owner has installed (migrateDatabase), it only reads the schema's level.
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
