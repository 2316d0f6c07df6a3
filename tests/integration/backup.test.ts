// npm run db:backup / db:restore round-trip a database: the copy is identical, table by table
// (issue 8, "Faults"). A restore refuses a database with data and a damaged file, changing nothing.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { databaseFingerprint, RestoreError, restoreDatabase } from "@/lib/database/backup";
import { applyImport, checkImport } from "@/lib/data/resource-csv";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), "patchparty-backup-"));
const sourceUrl = () => process.env.DATABASE_URL!;

/** A new, empty database on the same server, made by its owner; its URL (the owner's). */
async function emptyDatabase() {
  const name = `restore_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: inject("databaseMigrationUrl") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(inject("databaseMigrationUrl"));
  url.pathname = `/${name}`;
  return url.toString();
}

/** The rows of each table whose fingerprints differ, present on one side only: what a failure shows. */
async function rowDiff(sourceUrlValue: string, targetUrl: string, a: Record<string, string>, b: Record<string, string>) {
  const tables = Object.keys(a).filter((t) => a[t] !== b[t]);
  const rowsOf = async (url: string, table: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return new Set((await client.query<{ row: string }>(`SELECT t::text AS row FROM "${table}" t`)).rows.map((r) => r.row));
    } catch {
      return new Set<string>(); // a derived table: its fingerprint line says enough
    } finally {
      await client.end();
    }
  };
  const out: Record<string, { onlyInSource: string[]; onlyInRestored: string[] }> = {};
  for (const table of tables) {
    const [source, restored] = [await rowsOf(sourceUrlValue, table), await rowsOf(targetUrl, table)];
    out[table] = {
      onlyInSource: [...source].filter((r) => !restored.has(r)).slice(0, 5),
      onlyInRestored: [...restored].filter((r) => !source.has(r)).slice(0, 5),
    };
  }
  return out;
}

const script = (name: string, args: string[], url: string) =>
  run(path.resolve("node_modules/.bin/tsx"), [`scripts/${name}.ts`, ...args], { env: { ...process.env, DATABASE_URL: url }, timeout: 120_000 });

/** The script run with umask 000: what it writes must not depend on the umask. */
const scriptWithOpenUmask = (name: string, args: string[], url: string) =>
  run("sh", ["-c", 'umask 000 && exec "$@"', "sh", path.resolve("node_modules/.bin/tsx"), `scripts/${name}.ts`, ...args], {
    env: { ...process.env, DATABASE_URL: url },
    timeout: 120_000,
  });

const mode = (file: string) => statSync(file).mode & 0o777;

beforeAll(async () => {
  // Something of every kind this file can see: a fleet of its own on top of what other tests left.
  const f = await makeFleet();
  await db.auditEvent.create({
    data: {
      actorLabel: "backup test",
      action: "resource.exclude",
      entityType: "resource",
      entityId: f.web.id,
      entityLabel: f.web.name,
      after: { nested: { list: [1, "two", null] } },
    },
  });
  // A resource created by a CSV import: its audit row has nothing before (it had been JSON null,
  // which a backup cannot tell from SQL NULL, so the restored copy differed).
  const plan = await checkImport(`name,kind,environment,team,service,cluster,group,tags\n${f.prefix}-csv,vm,production,${f.teamA.slug},,,1,\n`);
  expect(plan.errors).toEqual([]);
  await applyImport(f.admin, plan.rows, () => {});
});

describe("backup and restore", () => {
  it("the CLI round-trips the database into an empty one, identical table by table, and ids continue after the restored ones", async () => {
    const file = path.join(dir, "round-trip.jsonl.gz");
    const before = await databaseFingerprint(sourceUrl());
    const backup = await script("db-backup", [file], sourceUrl());
    expect(backup.stdout).toMatch(/Backed up [\d,]+ rows of \d+ tables/);
    expect(await databaseFingerprint(sourceUrl())).toEqual(before); // a backup changes nothing

    const target = await emptyDatabase();
    const restored = await script("db-restore", [file], target);
    expect(restored.stdout).toMatch(/Restored [\d,]+ rows/);
    const after = await databaseFingerprint(target);
    if (JSON.stringify(after) !== JSON.stringify(before))
      expect({ fingerprints: after, rows: await rowDiff(sourceUrl(), target, before, after) }).toEqual({ fingerprints: before, rows: {} });
    expect(Number(before.Resource!.split(":")[0])).toBeGreaterThan(0);

    // The restored database works: a new audit row gets an id after the restored ones.
    const max = (await db.$queryRaw<{ max: bigint }[]>`SELECT max(id) AS max FROM "AuditEvent"`)[0]!.max;
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "AuditEvent" ("actorLabel", action, "entityType", "entityId", "entityLabel") VALUES ('t', 'x', 'y', 'z', 'w') RETURNING id`,
    );
    await client.end();
    expect(BigInt(rows[0]!.id)).toBe(max + 1n);
  });

  it("writes the backup readable by its owner only (0600) into folders only the owner may open (0700), whatever the umask", async () => {
    const folder = path.join(dir, "modes", "nested");
    const file = path.join(folder, "backup.jsonl.gz");
    await scriptWithOpenUmask("db-backup", [file], sourceUrl());
    expect(mode(file)).toBe(0o600);
    expect(mode(folder)).toBe(0o700);
    expect(mode(path.dirname(folder))).toBe(0o700);
    // Over an older backup that anyone could read: the new one is 0600 all the same.
    chmodSync(file, 0o644);
    await scriptWithOpenUmask("db-backup", [file], sourceUrl());
    expect(mode(file)).toBe(0o600);
    expect(readFileSync(file).length).toBeGreaterThan(0);
  });

  it("a nullable JSON column refuses a JSON null, which a backup could not tell from SQL NULL", async () => {
    const insert = db.$executeRaw`INSERT INTO "AuditEvent" ("actorLabel", action, "entityType", "entityId", "entityLabel", before) VALUES ('t', 'x', 'y', 'z', 'w', 'null'::jsonb)`;
    await expect(insert).rejects.toThrow(/AuditEvent_before_not_json_null/);
  });

  it("refuses a database that holds data, and a damaged or cut-off file, changing nothing", async () => {
    const file = path.join(dir, "refusals.jsonl.gz");
    await script("db-backup", [file], sourceUrl());
    const before = await databaseFingerprint(sourceUrl());
    await expect(restoreDatabase(sourceUrl(), file)).rejects.toThrow(/already holds data/);
    expect(await databaseFingerprint(sourceUrl())).toEqual(before);

    const cut = path.join(dir, "cut.jsonl.gz");
    const bytes = readFileSync(file);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const target = await emptyDatabase();
    await expect(restoreDatabase(target, cut)).rejects.toBeInstanceOf(RestoreError);
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`);
    await client.end();
    expect(Number(rows[0]!.n)).toBe(0); // not even migrated

    const cli = await script("db-restore", [cut], target).catch((error: { code: number; stderr: string }) => error);
    expect(cli).toMatchObject({ code: 1, stderr: expect.stringContaining("Nothing was restored") });
  });
});
