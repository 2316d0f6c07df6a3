// The database roles (docs/decisions/016, issue 17): the portal connects as a role that may read and
// write the app's rows and nothing else; the embedded server's passwords are its installation's
// own, kept 0600 in a 0700 folder, and an installation with the old built-in password gets one.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { quickAddJob, runOnce } from "graphile-worker";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { APP_PASSWORD_FILE, freePort, LEGACY_PASSWORD, OWNER_PASSWORD_FILE, SECRETS_DIR, startEmbeddedPostgres, USER } from "@/lib/database/embedded";
import { APP_ROLE, roleOf } from "@/lib/database/roles";
import { db } from "@/lib/db";

const mode = (file: string) => statSync(file).mode & 0o777;
const folders: string[] = [];

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function connect(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The SQLSTATE a statement fails with (or "ok"). */
async function outcome(client: pg.Client, statement: string) {
  try {
    await client.query(statement);
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** Whether `password` signs in as `user` on the server of `url`. */
async function signsIn(url: string, user: string, password: string) {
  const other = new URL(url);
  other.username = user;
  other.password = password;
  const client = new pg.Client({ connectionString: other.toString() });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs `work` with the process's umask set to `mask` (the files must not depend on it). */
async function withUmask<T>(mask: number, work: () => Promise<T>): Promise<T> {
  const before = process.umask(mask);
  try {
    return await work();
  } finally {
    process.umask(before);
  }
}

describe("the app's role", () => {
  it("is no superuser, makes no roles or databases, and may not read server files or run programs", async () => {
    const client = await connect(inject("databaseUrl"));
    try {
      const { rows } = await client.query(
        `SELECT current_user AS name, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls,
                pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS reads_files,
                pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') AS writes_files,
                pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS runs_programs
         FROM pg_roles WHERE rolname = current_user`,
      );
      expect(rows[0]).toEqual({
        name: roleOf(inject("databaseUrl")),
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolbypassrls: false,
        reads_files: false,
        writes_files: false,
        runs_programs: false,
      });
      expect(rows[0].name).not.toBe(roleOf(inject("databaseMigrationUrl")));
      // 42501: insufficient privilege.
      expect(await outcome(client, `COPY (SELECT 1) TO PROGRAM 'id'`)).toBe("42501");
      expect(await outcome(client, `SELECT pg_read_file('/etc/passwd')`)).toBe("42501");
      expect(await outcome(client, `SELECT pg_ls_dir('.')`)).toBe("42501");
      expect(await outcome(client, `CREATE ROLE intruder LOGIN SUPERUSER`)).toBe("42501");
      expect(await outcome(client, `CREATE DATABASE intruder`)).toBe("42501");
      expect(await outcome(client, `CREATE TABLE intruder (id int)`)).toBe("42501");
      expect(await outcome(client, `ALTER TABLE "User" ADD COLUMN intruder int`)).toBe("42501");
      expect(await outcome(client, `DROP TABLE "AuditEvent"`)).toBe("42501");
      expect(await outcome(client, `TRUNCATE "AuditEvent"`)).toBe("42501");
      expect(await outcome(client, `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'x', 'x')`)).toBe("42501");
    } finally {
      await client.end();
    }
  });

  it("reads and writes the app's tables, the sign-in limits' table, graphile-worker's jobs and advisory locks", async () => {
    const team = await db.team.create({ data: { slug: `roles-${Date.now().toString(36)}`, name: `Roles ${Date.now()}` } });
    await db.team.update({ where: { id: team.id }, data: { name: `${team.name} renamed` } });
    expect((await db.team.findUniqueOrThrow({ where: { id: team.id } })).name).toBe(`${team.name} renamed`);
    await db.team.delete({ where: { id: team.id } });

    const connectionString = inject("databaseUrl");
    const client = await connect(connectionString);
    try {
      const key = `roles-test:${Date.now()}`;
      await client.query(`INSERT INTO rate_limits (key, points, expire) VALUES ($1, 1, NULL)`, [key]);
      await client.query(`UPDATE rate_limits SET points = points + 1 WHERE key = $1`, [key]);
      expect((await client.query(`DELETE FROM rate_limits WHERE key = $1 RETURNING points`, [key])).rows).toEqual([{ points: 2 }]);

      expect((await client.query(`SELECT pg_try_advisory_lock(424242) AS locked`)).rows[0].locked).toBe(true);
      expect((await client.query(`SELECT pg_advisory_unlock(424242) AS unlocked`)).rows[0].unlocked).toBe(true);
    } finally {
      await client.end();
    }

    let ran = 0;
    await quickAddJob({ connectionString }, "roles_probe", { n: 1 });
    await runOnce({ connectionString, taskList: { roles_probe: async () => void ran++ }, logger: undefined });
    expect(ran).toBe(1);
  });

  it("gets the rights on a table the owner makes later (default privileges)", async () => {
    const owner = await connect(inject("databaseMigrationUrl"));
    const app = await connect(inject("databaseUrl"));
    try {
      await owner.query(`CREATE TABLE "RolesProbe" (id serial PRIMARY KEY, name text NOT NULL)`);
      await app.query(`INSERT INTO "RolesProbe" (name) VALUES ('one')`);
      expect((await app.query(`SELECT id, name FROM "RolesProbe"`)).rows).toEqual([{ id: 1, name: "one" }]);
    } finally {
      await owner.query(`DROP TABLE IF EXISTS "RolesProbe"`);
      await Promise.all([owner.end(), app.end()]);
    }
  });
});

describe("the embedded server's passwords", () => {
  it("are the installation's own, made with its data folder and kept 0600 in a 0700 folder whatever the umask, and never logged", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "patchparty-roles-"));
    folders.push(dir);
    const lines: string[] = [];
    const server = await withUmask(0o000, async () => startEmbeddedPostgres({ dir, port: await freePort(), log: (line) => lines.push(line) }));
    try {
      const secrets = path.join(dir, SECRETS_DIR);
      const [owner, app] = [OWNER_PASSWORD_FILE, APP_PASSWORD_FILE].map((name) => path.join(secrets, name));
      expect(mode(secrets)).toBe(0o700);
      expect(mode(owner!)).toBe(0o600);
      expect(mode(app!)).toBe(0o600);
      const ownerPassword = readFileSync(owner!, "utf8").trim();
      const appPassword = readFileSync(app!, "utf8").trim();
      expect(ownerPassword.length).toBeGreaterThanOrEqual(32);
      expect(appPassword.length).toBeGreaterThanOrEqual(32);
      expect(ownerPassword).not.toBe(appPassword);

      expect(new URL(server.migrationUrl)).toMatchObject({ username: USER, password: ownerPassword });
      expect(new URL(server.url)).toMatchObject({ username: APP_ROLE, password: appPassword });
      expect(await signsIn(server.url, USER, LEGACY_PASSWORD)).toBe(false);
      expect(await signsIn(server.url, USER, ownerPassword)).toBe(true);
      expect(await signsIn(server.url, APP_ROLE, appPassword)).toBe(true);
      expect(lines.join("\n")).not.toContain(ownerPassword);
      expect(lines.join("\n")).not.toContain(appPassword);
    } finally {
      await server.stop();
    }
  });

  it("replaces the old built-in password of an existing installation on its next start, and keeps the new one after", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "patchparty-roles-"));
    folders.push(dir);
    const port = await freePort();
    // A data folder as PatchParty made it before: the superuser's password "patchparty", no app role, no secrets folder.
    const first = await startEmbeddedPostgres({ dir, port });
    const owner = await connect(first.migrationUrl);
    await owner.query(`ALTER ROLE ${USER} PASSWORD '${LEGACY_PASSWORD}'`);
    await owner.query(`DROP ROLE ${APP_ROLE}`);
    await owner.end();
    await first.stop();
    rmSync(path.join(dir, SECRETS_DIR), { recursive: true });

    const lines: string[] = [];
    const upgraded = await startEmbeddedPostgres({ dir, port, log: (line) => lines.push(line) });
    let password: string;
    try {
      const file = path.join(dir, SECRETS_DIR, OWNER_PASSWORD_FILE);
      expect(mode(file)).toBe(0o600);
      password = readFileSync(file, "utf8").trim();
      expect(password).not.toBe(LEGACY_PASSWORD);
      expect(await signsIn(upgraded.url, USER, LEGACY_PASSWORD)).toBe(false);
      expect(await signsIn(upgraded.url, USER, password)).toBe(true);
      expect(lines.join("\n")).toContain("the old built-in one");
      expect(lines.join("\n")).not.toContain(password);
      const app = await connect(upgraded.url);
      expect((await app.query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)).rows).toEqual([{ rolsuper: false }]);
      await app.end();
    } finally {
      await upgraded.stop();
    }

    const again = await startEmbeddedPostgres({ dir, port });
    try {
      expect(new URL(again.migrationUrl).password).toBe(password);
      expect(await signsIn(again.url, USER, password)).toBe(true);
    } finally {
      await again.stop();
    }
  });
});

describe("an external PostgreSQL with DATABASE_MIGRATION_URL beside DATABASE_URL", () => {
  it("migrates as an owner that is no superuser, and DATABASE_URL's role may use the tables and graphile-worker's, not change them", async () => {
    const suffix = randomBytes(4).toString("hex");
    const [name, owner, role, password] = [`external_${suffix}`, `external_owner_${suffix}`, `external_app_${suffix}`, randomBytes(18).toString("base64url")];
    // As the README tells an operator to make them.
    const admin = await connect(inject("databaseMigrationUrl"));
    await admin.query(`CREATE ROLE ${owner} LOGIN PASSWORD '${password}'`);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await admin.query(`CREATE DATABASE ${name} OWNER ${owner}`);
    const ownerUrl = new URL(inject("databaseMigrationUrl"));
    ownerUrl.pathname = `/${name}`;
    ownerUrl.username = owner;
    ownerUrl.password = password;
    const appUrl = new URL(ownerUrl);
    appUrl.username = role;
    try {
      // What npm start does to the database before the web server starts.
      const { PATCHPARTY_EXECUTOR: _executor, PATCHPARTY_SEED: _seed, ...rest } = process.env;
      await promisify(execFile)(path.resolve("node_modules/.bin/tsx"), ["tests/integration/fixtures/start-database.ts"], {
        env: { ...rest, DATABASE_URL: appUrl.toString(), DATABASE_MIGRATION_URL: ownerUrl.toString(), PATCHPARTY_SEED: "never" },
        timeout: 120_000,
      });
      const app = await connect(appUrl.toString());
      try {
        const { rows } = await app.query(`SELECT tableowner FROM pg_tables WHERE tablename = 'Team'`);
        expect(rows).toEqual([{ tableowner: owner }]);
        await app.query(`INSERT INTO "Team" (id, slug, name) VALUES ('t1', 'external', 'External')`);
        expect((await app.query(`DELETE FROM "Team" WHERE id = 't1' RETURNING slug`)).rows).toEqual([{ slug: "external" }]);
        expect(await outcome(app, `CREATE TABLE intruder (id int)`)).toBe("42501");
        expect(await outcome(app, `ALTER TABLE "User" ADD COLUMN intruder int`)).toBe("42501");
      } finally {
        await app.end();
      }
      let ran = 0;
      await quickAddJob({ connectionString: appUrl.toString() }, "roles_probe", {});
      await runOnce({ connectionString: appUrl.toString(), taskList: { roles_probe: async () => void ran++ }, logger: undefined });
      expect(ran).toBe(1);
    } finally {
      // The job runner's pool closes its last connections a moment after it returns: wait for them.
      for (let i = 0; i < 50; i++) {
        const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.query(`DROP ROLE IF EXISTS ${owner}`);
      await admin.end();
    }
  }, 180_000);
});
