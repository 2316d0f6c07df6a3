// The database of the fault test, as a process of its own so the test can stop and start it:
//   tsx tests/e2e/scripts/fault-db.ts <dir> <port> [--seed]
// starts PostgreSQL on the data folder (kept between runs), with --seed migrates it and adds an
// admin with an API token and 8 resources; prints {"url", "token"?, "resources"?} and runs until SIGTERM.
import { startEmbeddedPostgres } from "../../../lib/database/embedded";
import { migrateDatabase } from "../../../lib/database/migrate";
import { useDatabaseUrl } from "../../../lib/env";
import { createApiToken } from "../../../lib/data/api-tokens";
import { db, disconnectDb } from "../../../lib/db";

const [dir, port, seed] = process.argv.slice(2);
const server = await startEmbeddedPostgres({ dir: dir!, port: Number(port) });
let out: Record<string, unknown> = { url: server.url };
if (seed === "--seed") {
  await migrateDatabase(server);
  useDatabaseUrl(server.url);
  const team = await db.team.create({ data: { slug: "fault", name: "Fault" } });
  const service = await db.service.create({ data: { name: "fault-svc", teamId: team.id } });
  const admin = await db.user.create({ data: { email: "admin@fault.test", name: "Fault Admin", role: "ADMIN" } });
  const resources = Array.from({ length: 8 }, (_, i) => `fault-vm-${i}`);
  await db.resource.createMany({
    data: resources.map((name) => ({ name, kind: "VM" as const, environment: "PRODUCTION" as const, teamId: team.id, serviceId: service.id, patchGroup: 1 })),
  });
  out = { ...out, token: (await createApiToken(admin.id, { name: "fault", scope: "write", days: 90 }, { id: null, label: "test" })).secret, resources };
  await disconnectDb();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));
