import { migrate } from "../lib/database/migrate";
import { seedDemoData } from "../prisma/seed";
import { log, withDatabase } from "./run";

await withDatabase(async (url) => {
  await migrate(url);
  await seedDemoData(new Date(), log);
});
