// npm run worker: the job runner alone (npm start runs one beside the web server already).
import { migrateDatabase } from "../lib/database/migrate";
import { startWorker } from "../lib/jobs/worker";
import { activeExecutor } from "../lib/rollout/executors";
import { holdsDemoData } from "../lib/data/installation";
import { executorSetup, executorStartupLines } from "../lib/rollout/setup";
import { log, withDatabase } from "./run";

await withDatabase(
  async (url, _env, database) => {
    await migrateDatabase(database);
    const [active, demoData] = await Promise.all([activeExecutor(), holdsDemoData()]);
    for (const line of executorStartupLines(active, demoData, await executorSetup(active.name))) log(line);
    const runner = await startWorker(url);
    log("The PatchParty worker is running. Ctrl-C stops it.");
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await runner.stop();
  },
  { handleSignals: false },
);
