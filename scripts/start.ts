// `npm start`: the database (embedded unless DATABASE_URL is set), pending migrations, the demo
// data where PATCHPARTY_SEED allows it (prisma/seed.ts seedOnStart), upcoming parties, which
// executor runs upgrades, then the Next.js server and a job runner beside it. Ctrl-C stops
// everything.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { migrateDatabase } from "../lib/database/migrate";
import { startWorker } from "../lib/jobs/worker";
import { generateParties, PARTY_HORIZON_DAYS } from "../lib/data/parties";
import { disconnectDb } from "../lib/db";
import { devServerCommand, webServerCommand } from "../lib/web-server";
import { activeExecutor } from "../lib/rollout/executors";
import { holdsDemoData } from "../lib/data/installation";
import { executorSetup, executorStartupLines } from "../lib/rollout/setup";
import { DEMO_PASSWORD, DEMO_USERS, FIRST_ADMIN_HINT, seedOnStart } from "../prisma/seed";
import { log, withDatabase } from "./run";

const dev = process.argv.includes("--dev");
const nextBin = path.resolve("node_modules/next/dist/bin/next");
const DAY = 86_400_000;

function authSecret(dataDir: string, given: string | undefined) {
  if (given) return given;
  // A secret of this installation's own, kept beside its data, so sessions survive restarts.
  const file = path.resolve(dataDir, "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

async function waitUntilReady(url: string, child: { exitCode: number | null }) {
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

await withDatabase(
  async (url, env, database) => {
    const { embedded } = database;
    const applied = await migrateDatabase(database);
    if (applied.length) log(`Applied ${applied.length} migration(s).`);
    const now = new Date();
    const seeded = await seedOnStart(env.PATCHPARTY_SEED, embedded, now, log);
    await generateParties(now, new Date(now.getTime() + PARTY_HORIZON_DAYS * DAY), now, { id: null, label: "scheduler" });
    const [active, demoData] = await Promise.all([activeExecutor(), holdsDemoData()]);
    for (const line of executorStartupLines(active, demoData, await executorSetup(active.name))) log(line);
    await disconnectDb();

    if (!dev && !existsSync(".next/BUILD_ID")) {
      log("No production build yet: running `next build` first.");
      const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit" });
      if (build.status !== 0) throw new Error("next build failed");
    }

    const port = String(env.PORT);
    const baseUrl = env.NEXTAUTH_URL ?? `http://localhost:${port}`;
    const host = env.HOSTNAME ? ["-H", env.HOSTNAME] : [];
    const web = dev ? devServerCommand(["-p", port, ...host]) : webServerCommand(["start", "-p", port, ...host], { processes: env.PATCHPARTY_WEB_PROCESSES });
    const child = spawn(process.execPath, web.args, {
      stdio: "inherit",
      env: {
        ...process.env,
        ...web.env,
        // The app's role only: the owner's URL stays in this process (docs/decisions/016).
        DATABASE_URL: url,
        DATABASE_MIGRATION_URL: undefined,
        NEXTAUTH_URL: baseUrl,
        NEXTAUTH_SECRET: authSecret(env.PATCHPARTY_DATA_DIR, env.NEXTAUTH_SECRET),
        NEXT_TELEMETRY_DISABLED: "1",
      },
    });
    const stop = (signal: NodeJS.Signals) => {
      if (child.exitCode === null) child.kill(signal);
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));

    if (await waitUntilReady(`http://127.0.0.1:${port}/api/health`, child)) {
      log(`\nPatchParty is ready at ${baseUrl}`);
      if (demoData) {
        log(`Demo sign-ins (demo data only), password "${DEMO_PASSWORD}":`);
        for (const user of DEMO_USERS) log(`  ${user.email.padEnd(22)} ${user.role.toLowerCase()}`);
        if (env.PATCHPARTY_MFA !== "off")
          log(`Admins and approvers set up two-factor sign-in first (PATCHPARTY_MFA=${env.PATCHPARTY_MFA}); PATCHPARTY_MFA=off npm start for a demo without.`);
      } else if (seeded === "empty") {
        log(`No users yet. ${FIRST_ADMIN_HINT}`);
      }
    }
    // The job runner (exclusion expiry, party generation) beside the web server.
    const worker = env.PATCHPARTY_WORKER === "on" ? await startWorker(url) : null;
    const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 0)));
    await worker?.stop();
    process.exitCode = code;
  },
  { handleSignals: false },
);
