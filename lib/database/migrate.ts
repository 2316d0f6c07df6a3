// Applies prisma/migrations/*/migration.sql in order, recording each in Prisma's own
// _prisma_migrations table exactly as `prisma migrate deploy` does, so either tool can take over
// (docs/decisions/002). Offline here the Prisma CLI cannot apply migrations itself.
import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { installSchemaOnce } from "../jobs/schema-lock";
import { MIGRATION_LOCK } from "./locks";
import { grantAppRights, type DatabaseUrls } from "./roles";

const MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export type Migration = { name: string; sql: string; checksum: string };

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

type Row = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null };

/** Returns the names of the migrations it applied (none when the database is up to date). */
export async function migrate(connectionString: string, migrations: Migration[] = readMigrations()): Promise<string[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // Several instances may start at once: one applies, the others wait and then find nothing to do.
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    // Only when missing: CREATE … IF NOT EXISTS needs the right to create, which the app's role
    // lacks, and a database that is up to date asks nothing of the role that checks it.
    const { rows: table } = await client.query<{ exists: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
    if (!table[0]?.exists) await client.query(MIGRATIONS_TABLE);
    const { rows } = await client.query<Row>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`);
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new Error(`Migration ${failed.migration_name} failed earlier; resolve it before migrating again.`);
    }
    const done = new Map(rows.filter((row) => row.rolled_back_at === null).map((row) => [row.migration_name, row.checksum]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const checksum = done.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(`Migration ${migration.name} was changed after it was applied.`);
        }
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}

/**
 * Everything a start migrates, as the owner (`migrationUrl`, docs/decisions/016): PatchParty's
 * migrations, then graphile-worker's schema (so a web-only instance can queue jobs, and the
 * workers, connected as the app's role, find it made), then the app's role granted what both made.
 */
export async function migrateDatabase(database: DatabaseUrls): Promise<string[]> {
  const applied = await migrate(database.migrationUrl);
  // Two connections: one holds the install lock while graphile-worker migrates on the other.
  const pgPool = new pg.Pool({ connectionString: database.migrationUrl, max: 2 });
  try {
    await installSchemaOnce(pgPool);
  } finally {
    await pgPool.end();
  }
  await grantAppRights(database);
  return applied;
}
