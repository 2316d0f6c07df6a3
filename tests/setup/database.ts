// Vitest global setup: a throw-away PostgreSQL server for the integration tests, migrated,
// removed afterwards. TEST_DATABASE_URL points the tests at an existing empty database instead.
import type { TestProject } from "vitest/node";
import { freePort, startEmbeddedPostgres } from "../../lib/database/embedded";
import { migrate } from "../../lib/database/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  const server = external ? { url: external, stop: async () => {} } : await startEmbeddedPostgres({ port: await freePort() });
  await migrate(server.url);
  project.provide("databaseUrl", server.url);
  return () => server.stop();
}
