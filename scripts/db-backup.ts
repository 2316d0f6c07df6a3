// npm run db:backup -- [file]: the whole database to one gzipped file (default: a dated file in .data/backups),
// 0600 in a folder of 0700 (lib/database/backup.ts).
import path from "node:path";
import { backupDatabase, backupFolder } from "../lib/database/backup";
import { log, withDatabase } from "./run";

const DEFAULT_FOLDER = path.join(".data", "backups");
const given = process.argv[2];
const file = path.resolve(given ?? path.join(DEFAULT_FOLDER, `patchparty-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl.gz`));
backupFolder(path.dirname(file), { always: given === undefined });
await withDatabase(async (_url, _env, database) => {
  const counts = await backupDatabase(database.migrationUrl, file);
  log(
    `Backed up ${Object.values(counts)
      .reduce((a, b) => a + b, 0)
      .toLocaleString("en")} rows of ${Object.keys(counts).length} tables to ${file}`,
  );
});
