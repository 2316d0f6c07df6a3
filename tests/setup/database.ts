// Vitest global setup: a throw-away PostgreSQL server for the integration tests, migrated,
// removed afterwards. The tests connect as the app's role (databaseUrl), as the portal does; what
// only the owner may do (make a database, change the schema) uses databaseMigrationUrl
// (docs/decisions/016). TEST_DATABASE_URL (and TEST_DATABASE_MIGRATION_URL, the owner's) point the
// tests at an existing empty database instead.
import type { TestProject } from "vitest/node";
import { freePort, startEmbeddedPostgres } from "../../lib/database/embedded";
import { migrateDatabase } from "../../lib/database/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseMigrationUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  const server = external
    ? { url: external, migrationUrl: process.env.TEST_DATABASE_MIGRATION_URL ?? external, stop: async () => {} }
    : await startEmbeddedPostgres({ port: await freePort() });
  await migrateDatabase(server);
  project.provide("databaseUrl", server.url);
  project.provide("databaseMigrationUrl", server.migrationUrl);
  return () => server.stop();
}
