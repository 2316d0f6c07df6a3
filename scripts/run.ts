// Shared by the command-line scripts: parse env, find or start the database, run, clean up.
import { disconnectDb } from "../lib/db";
import { resolveDatabase } from "../lib/database/resolve";
import { env, EnvError, useDatabaseUrl, type Env } from "../lib/env";

export const log = (line: string) => process.stdout.write(`${line}\n`);

export async function withDatabase<T>(work: (url: string, env: Env) => Promise<T>): Promise<T> {
  let current: Env;
  try {
    current = env();
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }
  const database = await resolveDatabase(current, log).catch((error: Error) => fail(error.message));
  useDatabaseUrl(database.url);
  try {
    return await work(database.url, current);
  } finally {
    await disconnectDb();
    await database.stop();
  }
}

export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
