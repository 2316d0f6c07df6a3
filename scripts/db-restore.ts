// npm run db:restore -- <file>: loads a backup into an empty database (all or nothing).
import { existsSync } from "node:fs";
import { RestoreError, restoreDatabase } from "../lib/database/backup";
import { grantAppRights } from "../lib/database/roles";
import { fail, log, withDatabase } from "./run";

const file = process.argv[2];
if (!file || !existsSync(file)) fail("Usage: npm run db:restore -- <backup file> (into an empty database: a new DATABASE_URL, or a new PATCHPARTY_DATA_DIR)");
// As the owner: it migrates the empty database and loads the rows; then the app's role may use them.
await withDatabase(async (_url, _env, database) => {
  try {
    const counts = await restoreDatabase(database.migrationUrl, file!);
    await grantAppRights(database);
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
