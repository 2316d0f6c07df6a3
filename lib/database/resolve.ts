// Where the database is: DATABASE_URL when set (and DATABASE_MIGRATION_URL for the owner's work,
// when the operator gives one), otherwise the embedded server in the data folder. Either way the
// app's role may use the app's tables before anything connects as it (docs/decisions/016).
import "server-only";
import path from "node:path";
import pg from "pg";
import type { Env } from "../env";
import { startEmbeddedPostgres, type EmbeddedServer } from "./embedded";
import { grantAppRights } from "./roles";

export type Database = EmbeddedServer & { embedded: boolean };

export async function resolveDatabase(env: Env, log: (line: string) => void): Promise<Database> {
  if (env.DATABASE_URL) {
    const database = { url: env.DATABASE_URL, migrationUrl: env.DATABASE_MIGRATION_URL ?? env.DATABASE_URL };
    await assertReachable(database.url);
    if (database.migrationUrl !== database.url) await assertReachable(database.migrationUrl, "DATABASE_MIGRATION_URL");
    await grantAppRights(database);
    return { ...database, embedded: false, stop: async () => {} };
  }
  const dir = env.PATCHPARTY_EPHEMERAL_DB ? undefined : path.resolve(env.PATCHPARTY_DATA_DIR);
  log(dir ? `Starting the embedded PostgreSQL server (data in ${dir}/pg).` : "Starting a throw-away embedded PostgreSQL server.");
  const server = await startEmbeddedPostgres({ dir, port: env.PATCHPARTY_DB_PORT, log });
  try {
    await grantAppRights(server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { ...server, embedded: true };
}

export class DatabaseUnreachableError extends Error {}

/** Connects once, turning driver errors into one line: which server, what failed. */
export async function assertReachable(url: string, name = "DATABASE_URL"): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new DatabaseUnreachableError(`Cannot reach PostgreSQL at ${describe(url, name)}: ${reason(error)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

function describe(url: string, name: string) {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"} (database "${parsed.pathname.slice(1) || "postgres"}", user "${decodeURIComponent(parsed.username)}")`;
  } catch {
    return `the configured ${name}`;
  }
}

function reason(error: unknown) {
  const e = error as { code?: string; message?: string };
  const known: Record<string, string> = {
    ECONNREFUSED: "connection refused (is the server running and listening on that port?)",
    ENOTFOUND: "host name not found",
    ETIMEDOUT: "connection timed out",
    "28P01": "password authentication failed",
    "3D000": "database does not exist",
  };
  return (e.code && known[e.code]) ?? e.message ?? String(error);
}
