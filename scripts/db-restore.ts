// npm run db:restore -- <file>: loads a backup into an empty database (all or nothing).
import { existsSync } from "node:fs";
import { RestoreError, restoreDatabase } from "../lib/database/backup";
import { fail, log, withDatabase } from "./run";

const file = process.argv[2];
if (!file || !existsSync(file)) fail("Usage: npm run db:restore -- <backup file> (into an empty database: a new DATABASE_URL, or a new PATCHPARTY_DATA_DIR)");
await withDatabase(async (url) => {
  try {
    const counts = await restoreDatabase(url, file!);
    log(
      `Restored ${Object.values(counts)
        .reduce((a, b) => a + b, 0)
        .toLocaleString("en")} rows of ${Object.keys(counts).length} tables from ${file}`,
    );
  } catch (error) {
    if (error instanceof RestoreError) fail(`Nothing was restored: ${error.message}`);
    throw error;
  }
});
