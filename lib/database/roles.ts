// Who connects to the database as what (docs/decisions/016-database-roles.md): migrations run as
// the database's owner; the portal's processes connect as a role that may read and write the
// app's rows and nothing else: no superuser, no DDL, no roles, no server files or programs.
import "server-only";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import pg from "pg";
import { MIGRATION_LOCK } from "./locks";

/** The role the embedded server's app connects as; with DATABASE_URL, that URL's user. */
export const APP_ROLE = "patchparty_app";

/** The schemas the app uses: its own tables, and graphile-worker's. */
const SCHEMAS = ["public", "graphile_worker"];
/** The migrators' bookkeeping: the app reads it (graphile-worker checks its level at start), never writes it. */
const MIGRATION_TABLES = ['public."_prisma_migrations"', "graphile_worker.migrations"];

export type DatabaseUrls = {
  /** The app's role: web processes, the worker, the scripts' reads and writes. */
  url: string;
  /** The owner's: migrations, grants, backups and restores. The same as `url` when one role does both. */
  migrationUrl: string;
};

/** The user a connection URL names ("" when it names none). */
export function roleOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username);
  } catch {
    return "";
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A SCRAM-SHA-256 verifier of `password` (RFC 5803, as PostgreSQL stores it): `ALTER ROLE …
 * PASSWORD` is sent this, never the password, so no server log or statement view ever holds it.
 * The passwords made here are ASCII, which SASLprep leaves as they are.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** Sets `role`'s password (as a verifier) through a connection that may (a superuser, or the role itself). */
export async function setPassword(client: pg.Client, role: string, password: string) {
  await client.query(`ALTER ROLE ${client.escapeIdentifier(role)} PASSWORD ${client.escapeLiteral(scramVerifier(password))}`);
}

/**
 * Makes the app's role on the embedded server, or puts it back as it must be: it may sign in
 * with `password`, and is no superuser, makes no databases or roles, and is a member of no role
 * (so not of pg_read_server_files, pg_write_server_files or pg_execute_server_program).
 * `superuserUrl` connects as the server's superuser.
 */
export async function ensureAppRole(superuserUrl: string, password: string) {
  await withClient(superuserUrl, async (client) => {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      const role = client.escapeIdentifier(APP_ROLE);
      const { rowCount } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [APP_ROLE]);
      if (!rowCount) await client.query(`CREATE ROLE ${role}`);
      await client.query(`ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`);
      await setPassword(client, APP_ROLE, password);
      const { rows } = await client.query<{ name: string }>(
        `SELECT r.rolname AS name FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1`,
        [APP_ROLE],
      );
      for (const { name } of rows) await client.query(`REVOKE ${client.escapeIdentifier(name)} FROM ${role}`);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
  });
}

/**
 * The app's role (the user of `url`) may read and write the rows of the app's tables and
 * graphile-worker's (whose row-level security it passes by a policy), use their sequences and
 * functions, and the same on the tables the owner makes later (default privileges): nothing more. Run by the owner (`migrationUrl`) after
 * migrating and at every start; a no-op when both URLs name one role.
 */
export async function grantAppRights(database: DatabaseUrls): Promise<void> {
  const app = roleOf(database.url);
  if (!app || app === roleOf(database.migrationUrl)) return;
  await withClient(database.migrationUrl, async (client) => {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    try {
      const role = client.escapeIdentifier(app);
      const { rows } = await client.query<{ name: string }>("SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1::text[]) ORDER BY 1", [SCHEMAS]);
      for (const { name } of rows) {
        const schema = client.escapeIdentifier(name);
        await client.query(
          [
            `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
            `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
            `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`,
            `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${role}`,
            `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
            `ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT USAGE, SELECT ON SEQUENCES TO ${role}`,
          ].join(";\n"),
        );
      }
      // graphile-worker turns row-level security on for its tables with no policy, so that only
      // their owner sees rows: the app's role gets every row of those, by a policy of its own.
      const policy = `${app} rows`;
      const { rows: secured } = await client.query<{ schema: string; table: string }>(
        `SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND c.relrowsecurity
           AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = $2)`,
        [SCHEMAS, policy],
      );
      for (const { schema, table } of secured) {
        const name = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
        await client.query(`CREATE POLICY ${client.escapeIdentifier(policy)} ON ${name} FOR ALL TO ${role} USING (true) WITH CHECK (true)`);
      }
      for (const table of MIGRATION_TABLES) {
        const { rows: found } = await client.query<{ exists: boolean }>("SELECT to_regclass($1) IS NOT NULL AS exists", [table]);
        if (found[0]?.exists) await client.query(`REVOKE INSERT, UPDATE, DELETE ON ${table} FROM ${role}`);
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    }
  });
}
