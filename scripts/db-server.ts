// npm run db:up: runs the embedded PostgreSQL server (migrated) until Ctrl-C, and prints its URL,
// for tools that want a DATABASE_URL while developing.
import { migrate } from "../lib/database/migrate";
import { log, withDatabase } from "./run";

await withDatabase(
  async (url) => {
    await migrate(url);
    log(`PostgreSQL is up: DATABASE_URL=${url}\nCtrl-C stops it.`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
  },
  { handleSignals: false },
);
