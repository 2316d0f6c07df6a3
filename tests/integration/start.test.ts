import { execFile, spawnSync } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { FIRST_ADMIN_HINT } from "@/prisma/seed";

function start(env: Record<string, string>) {
  return spawnSync("node_modules/.bin/tsx", ["scripts/start.ts"], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
}

const run = promisify(execFile);
const tsx = path.resolve("node_modules/.bin/tsx");
const created: string[] = [];

/** A new, empty database on the test server (made by its owner), as a real installation's DATABASE_URL would be. */
async function emptyDatabase() {
  const name = `start_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: inject("databaseMigrationUrl") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  created.push(name);
  const url = new URL(inject("databaseMigrationUrl"));
  url.pathname = `/${name}`;
  return url.toString();
}

async function counts(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ users: number; resources: number; outcomes: number; demo: boolean | null }>(
      `SELECT (SELECT count(*)::int FROM "User") AS users, (SELECT count(*)::int FROM "Resource") AS resources,
              (SELECT count(*)::int FROM "PatchOutcome") AS outcomes, (SELECT "demoData" FROM "Installation" WHERE id = 'default') AS demo`,
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}

/** The environment of a child process on `url`: no executor or seed mode but the ones given. */
function childEnv(url: string, given: Record<string, string> = {}) {
  const { PATCHPARTY_EXECUTOR: _executor, PATCHPARTY_SEED: _seed, ...rest } = process.env;
  return { ...rest, ...given, DATABASE_URL: url };
}

/** What `npm start` does to the database before the web server starts (tests/integration/fixtures/start-database.ts). */
const startDatabase = (url: string, env: Record<string, string> = {}) =>
  run(tsx, ["tests/integration/fixtures/start-database.ts"], { env: childEnv(url, env), timeout: 120_000 });

afterAll(async () => {
  const admin = new pg.Client({ connectionString: inject("databaseMigrationUrl") });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

describe("npm start", () => {
  it("says in one line which database it cannot reach and why, without a stack trace", () => {
    const result = start({ DATABASE_URL: "postgresql://someone:secret@127.0.0.1:9/fleet" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Cannot reach PostgreSQL at 127.0.0.1:9 (database "fleet", user "someone"): connection refused (is the server running and listening on that port?)',
    );
    expect(result.stderr + result.stdout).not.toContain("secret");
  });

  it("names a bad environment variable", () => {
    const result = start({ PORT: "eighty" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("PORT: ");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("the demo data at start-up", () => {
  it("leaves an empty DATABASE_URL database empty (PATCHPARTY_SEED=auto), says how to make the first admin, and runs nothing by default", async () => {
    const url = await emptyDatabase();
    const { stdout } = await startDatabase(url, { PATCHPARTY_SEED: "auto" });
    expect(stdout).toContain(FIRST_ADMIN_HINT);
    expect(stdout).toContain("npm run user:add -- <email> --role admin");
    expect(stdout).toContain("Executor: manual (the default: nothing runs until an executor is configured).");
    expect(stdout).not.toMatch(/demo data:|simulated/i);
    expect(await counts(url)).toEqual({ users: 0, resources: 0, outcomes: 0, demo: null });

    // The first admin, then the demo data asked for by name: refused, the database now has a real user.
    const added = await run(tsx, ["scripts/user-add.ts", "first@start.test", "--role", "admin"], { env: childEnv(url) });
    expect(added.stdout).toContain("Created first@start.test (admin).");
    const seed = await run(tsx, ["scripts/seed.ts"], { env: childEnv(url) }).catch((error: { code: number; stderr: string }) => error);
    expect(seed).toMatchObject({ code: 1 });
    expect((seed as { stderr: string }).stderr).toContain("The database has users and no demo data");
    expect(await counts(url)).toEqual({ users: 1, resources: 0, outcomes: 0, demo: null });
    // A later start does not seed it either, and no longer offers to make the first admin.
    expect((await startDatabase(url, { PATCHPARTY_SEED: "demo" })).stdout).not.toContain(FIRST_ADMIN_HINT);
    expect((await counts(url)).resources).toBe(0);
  });

  it("never loads it with PATCHPARTY_SEED=never", async () => {
    const url = await emptyDatabase();
    const { stdout } = await startDatabase(url, { PATCHPARTY_SEED: "never" });
    expect(stdout).toContain("PATCHPARTY_SEED=never");
    expect(stdout).toContain(FIRST_ADMIN_HINT);
    expect(await counts(url)).toEqual({ users: 0, resources: 0, outcomes: 0, demo: null });
  });

  it("loads it into an empty DATABASE_URL database when asked (PATCHPARTY_SEED=demo), marks the database, and the simulated executor becomes the default", async () => {
    const url = await emptyDatabase();
    const { stdout } = await startDatabase(url, { PATCHPARTY_SEED: "demo" });
    expect(stdout).toContain("The database is empty: loading the demo data.");
    expect(stdout).toContain("Executor: simulated (the database holds the demo data).");
    expect(stdout).toContain("outcomes are simulated, no server is patched");
    expect(stdout).not.toContain(FIRST_ADMIN_HINT);
    const after = await counts(url);
    expect(after.demo).toBe(true);
    expect(after.users).toBeGreaterThan(4);
    expect(after.resources).toBeGreaterThan(1_700);
    // Asked for by name, an executor wins over the demo data's default.
    expect((await startDatabase(url, { PATCHPARTY_EXECUTOR: "manual" })).stdout).toContain("Executor: manual (set by PATCHPARTY_EXECUTOR).");
  }, 180_000);
});
