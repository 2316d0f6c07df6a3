import { migrate } from "../lib/database/migrate";
import { log, withDatabase } from "./run";

await withDatabase(async (url) => {
  const applied = await migrate(url);
  log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "The database is up to date.");
});
