// npm run db:new-migration -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql
// with what schema.prisma changed since the last migration, then copies schema.prisma to
// schema.snapshot.prisma (the schema the committed migrations produce). Runs offline: Prisma's
// JavaScript schema engine diffs the two schema files; it cannot read a live schema through the
// pg adapter here ("Column type 'name' could not be deserialized"), so the snapshot stands in
// for the database (docs/decisions/002).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, startEmbeddedPostgres } from "../lib/database/embedded";
import { MIGRATIONS_DIR } from "../lib/database/migrate";
import { fail, log } from "./run";

export const SNAPSHOT = "prisma/schema.snapshot.prisma";
export const SNAPSHOT_HEADER = "// Written by `npm run db:new-migration`: the schema the committed migrations produce. Do not edit.\n";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]{1,60}$/.test(name)) fail("Usage: npm run db:new-migration -- <name in snake_case>");

const server = await startEmbeddedPostgres({ port: await freePort() });
try {
  const diff = spawnSync(
    process.execPath,
    ["scripts/prisma.mjs", "migrate", "diff", "--from-schema-datamodel", SNAPSHOT, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    { encoding: "utf8", env: { ...process.env, DATABASE_URL: server.migrationUrl } },
  );
  if (diff.status !== 0) fail(`prisma migrate diff failed:\n${diff.stderr}`);
  const sql = diff.stdout.trim();
  if (!sql || sql === "-- This is an empty migration.") {
    log("schema.prisma matches the migrations: nothing to write.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), `${sql}\n`);
    log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
  }
  writeFileSync(SNAPSHOT, SNAPSHOT_HEADER + readFileSync("prisma/schema.prisma", "utf8"));
} finally {
  await server.stop();
}
