// npm run db:seed: the demo data, asked for by name, into an empty database or one that holds it
// already (running it twice changes nothing). Never into a database with real users, and not at
// all with PATCHPARTY_SEED=never.
import { migrateDatabase } from "../lib/database/migrate";
import { holdsDemoData } from "../lib/data/installation";
import { isEmpty, seedDemoData } from "../prisma/seed";
import { fail, log, withDatabase } from "./run";

const refused = await withDatabase(async (_url, env, database) => {
  if (env.PATCHPARTY_SEED === "never") return "PATCHPARTY_SEED=never: no demo data is loaded into this installation.";
  await migrateDatabase(database);
  if (!(await isEmpty()) && !(await holdsDemoData()))
    return "The database has users and no demo data: the demo data (and its users, with a published password) is not loaded into it.";
  await seedDemoData(new Date(), log);
  return null;
});
if (refused) fail(refused);
