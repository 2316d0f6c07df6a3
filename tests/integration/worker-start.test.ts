// Several app instances starting at once on a fresh database: graphile-worker installs its schema
// with CREATE … IF NOT EXISTS, which races between sessions; none of the workers may fail.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { expect, inject, it } from "vitest";
import { startWorker } from "@/lib/jobs/worker";

it("four workers started at once on a fresh database all come up", async () => {
  const base = inject("databaseMigrationUrl"); // the owner's: it makes a database
  const name = `race_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  try {
    for (let round = 0; round < 3; round++) {
      const fresh = new pg.Client({ connectionString: url.toString() });
      await fresh.connect();
      await fresh.query("DROP SCHEMA IF EXISTS graphile_worker CASCADE");
      await fresh.end();
      const results = await Promise.allSettled([1, 2, 3, 4].map(() => startWorker(url.toString(), { crontab: "" })));
      const failed = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason));
      await Promise.all(results.flatMap((r) => (r.status === "fulfilled" ? [r.value.stop()] : [])));
      expect(failed, `round ${round}`).toEqual([]);
    }
  } finally {
    // The workers' pools close their last connections a moment after stop(): wait for them.
    for (let i = 0; i < 50; i++) {
      const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
      if (rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
});
