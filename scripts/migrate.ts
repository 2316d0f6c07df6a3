import { migrateDatabase } from "../lib/database/migrate";
import { log, withDatabase } from "./run";

await withDatabase(async (_url, _env, database) => {
  const applied = await migrateDatabase(database);
  log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "The database is up to date.");
});
