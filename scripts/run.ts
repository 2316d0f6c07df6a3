// Shared by the command-line scripts: parse env, find or start the database, run, clean up.
import { disconnectDb } from "../lib/db";
import { resolveDatabase, type Database } from "../lib/database/resolve";
import { env, EnvError, useDatabaseUrl, type Env } from "../lib/env";

export const log = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Runs `work` with a database: `url` is the app's role's (the process's DATABASE_URL, so lib/db
 * connects as it); `database.migrationUrl` the owner's, for migrations, backups and restores. Unless
 * the caller handles signals itself (`handleSignals: false`), Ctrl-C stops the embedded server
 * before the process exits.
 */
export async function withDatabase<T>(
  work: (url: string, env: Env, database: Omit<Database, "stop">) => Promise<T>,
  options: { handleSignals?: boolean } = {},
): Promise<T> {
  let current: Env;
  try {
    current = env();
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }
  const database = await resolveDatabase(current, log).catch((error: Error) => fail(error.message));
  useDatabaseUrl(database.url);
  if (options.handleSignals !== false) {
    const stop = (code: number) => () => void database.stop().finally(() => process.exit(code));
    process.once("SIGINT", stop(130));
    process.once("SIGTERM", stop(143));
  }
  try {
    return await work(database.url, current, { url: database.url, migrationUrl: database.migrationUrl, embedded: database.embedded });
  } finally {
    await disconnectDb();
    await database.stop();
  }
}

/** Prints `message` to stderr and exits: 1 by default, 2 for a refused request (bad input, a conflict). */
export function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
