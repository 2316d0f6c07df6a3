// npm run db:up: runs the embedded PostgreSQL server (migrated) until Ctrl-C, and says how to
// connect to it, for tools that want a DATABASE_URL while developing. The passwords are not
// printed: the command reads them from the data folder (docs/decisions/016).
import path from "node:path";
import { APP_PASSWORD_FILE, OWNER_PASSWORD_FILE, SECRETS_DIR } from "../lib/database/embedded";
import { migrateDatabase } from "../lib/database/migrate";
import { log, withDatabase } from "./run";

/** `url` with its password replaced by a shell substitution that reads `file`. */
function withPasswordFrom(url: string, file: string) {
  const parsed = new URL(url);
  return `postgresql://${parsed.username}:$(cat ${file})@${parsed.host}${parsed.pathname}`;
}

await withDatabase(
  async (url, env, database) => {
    await migrateDatabase(database);
    if (database.embedded && !env.PATCHPARTY_EPHEMERAL_DB) {
      const secrets = path.join(path.resolve(env.PATCHPARTY_DATA_DIR), SECRETS_DIR);
      log(`PostgreSQL is up. As the app connects:\n  DATABASE_URL="${withPasswordFrom(url, path.join(secrets, APP_PASSWORD_FILE))}"`);
      log(`As the owner, for migrations:\n  DATABASE_MIGRATION_URL="${withPasswordFrom(database.migrationUrl, path.join(secrets, OWNER_PASSWORD_FILE))}"`);
    } else {
      log(`PostgreSQL is up${database.embedded ? " (throw-away)" : ""}.`);
    }
    log("Ctrl-C stops it.");
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
  },
  { handleSignals: false },
);
