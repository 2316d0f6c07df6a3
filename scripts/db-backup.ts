// npm run db:backup -- [file]: the whole database to one gzipped file (default: a dated file in .data/backups).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { backupDatabase } from "../lib/database/backup";
import { log, withDatabase } from "./run";

const file = path.resolve(process.argv[2] ?? path.join(".data", "backups", `patchparty-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl.gz`));
mkdirSync(path.dirname(file), { recursive: true });
await withDatabase(async (_url, _env, database) => {
  const counts = await backupDatabase(database.migrationUrl, file);
  log(
    `Backed up ${Object.values(counts)
      .reduce((a, b) => a + b, 0)
      .toLocaleString("en")} rows of ${Object.keys(counts).length} tables to ${file}`,
  );
});
