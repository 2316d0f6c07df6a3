// What `npm run bench` (run.ts) and `npm run bench:ab` (ab.ts) share: the production server started
// on the benchmark's database, signing in, its memory, the raw SQL's timing, the case filter and
// the table.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type pg from "pg";
import { freePort, startEmbeddedPostgres } from "../lib/database/embedded";
import { migrateDatabase } from "../lib/database/migrate";
import { grantAppRights } from "../lib/database/roles";
import { disconnectDb } from "../lib/db";
import { useDatabaseUrl } from "../lib/env";
import { webServerCommand } from "../lib/web-server";
import { CASES, READERS, ROUND_TRIP, type Reader } from "./cases";
import { BENCH_PASSWORD, seedBench } from "./seed";

/** Seconds per measurement (BENCH_SECONDS, 8). */
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

export const log = (line: string) => process.stdout.write(`${line}\n`);

/** The clients a case is loaded with: one, then ten. */
export const CONCURRENCY = [1, 10];

/**
 * The cases BENCH_CASES picks (a comma-separated list of parts of their names; all without it),
 * and the readers BENCH_READERS names (comma-separated, of READERS; all without it).
 */
export function selectedCases() {
  const only = process.env.BENCH_CASES?.split(",");
  const wanted = (name: string) => !only || only.some((o) => name.includes(o));
  const readers = process.env.BENCH_READERS?.split(",").map((r) => r.trim()) ?? READERS;
  const unknown = readers.filter((r) => !READERS.includes(r as Reader));
  if (unknown.length) throw new Error(`BENCH_READERS: ${unknown.join(", ")} is none of ${READERS.join(", ")}`);
  return { cases: CASES.filter((c) => wanted(c.name)), roundTrip: wanted(ROUND_TRIP.name), readers: readers as Reader[] };
}

/**
 * Memory of a process and its children, in MB (Linux /proc): resident (RSS) and proportional
 * (PSS). With several web processes RSS counts the pages they share (the Node binary, its
 * libraries) once per process; PSS divides each shared page among the processes mapping it.
 */
export function treeMemoryMb(pid: number): { rss: number; pss: number } {
  const children = (() => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  })();
  const own = { rss: 0, pss: 0 };
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    own.rss = Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024;
    own.pss = Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) / 1024;
  } catch {
    // gone
  }
  return children.map(treeMemoryMb).reduce((sum, m) => ({ rss: sum.rss + m.rss, pss: sum.pss + m.pss }), own);
}

/** The peak of treeMemoryMb(pid), sampled every 100 ms while started. */
export function memorySampler(pid: number) {
  const peak = { rss: 0, pss: 0 };
  let timer: NodeJS.Timeout | undefined;
  return {
    peak,
    start() {
      timer ??= setInterval(() => {
        const m = treeMemoryMb(pid);
        peak.rss = Math.max(peak.rss, m.rss);
        peak.pss = Math.max(peak.pss, m.pss);
      }, 100);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

export async function waitFor(url: string, ms: number, gone: () => boolean = () => false) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (gone()) throw new Error(`The server for ${url} ended before answering`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

/** Signs in through next-auth's credentials flow and returns the session cookie. */
export async function signIn(base: string, email: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]!);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookies.join("; ") },
    body: new URLSearchParams({ email, password: BENCH_PASSWORD, csrfToken, json: "true" }),
  });
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`Signing in ${email} failed (${response.status})`);
  return session;
}

export async function sqlMedianMs(client: pg.Client, run: (client: pg.Client) => Promise<unknown>, times = 15) {
  for (let i = 0; i < 3; i++) await run(client);
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await run(client);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return Math.round(samples[Math.floor(samples.length / 2)]! * 100) / 100;
}

export type WebServer = { server: ChildProcess; base: string; processes: number };

/**
 * Starts the production server of the checkout in `dir` (its `next build` output, its
 * node_modules, its own lib/web-server.ts where it has one) on the benchmark's database, and waits
 * until it answers. `env` is added to this process's environment first, so its
 * BENCH_NODE_ARGS (more Node flags, space-separated) and PATCHPARTY_WEB_PROCESSES count; the
 * database, NextAuth and production settings below it are the benchmark's. `stderrPrefix`
 * marks the server's error output (it is passed through as it is without one).
 */
export async function startWebServer(options: { dir: string; port: number; databaseUrl: string; env?: Record<string, string>; stderrPrefix?: string }) {
  const { dir, port, databaseUrl } = options;
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, ...options.env };
  const commandOf = await webServerCommandOf(dir);
  // Its paths (the cluster script, the next binary) are resolved from the working folder.
  const cwd = process.cwd();
  process.chdir(dir);
  const command = (() => {
    try {
      return commandOf(["start", "-p", String(port), "-H", "127.0.0.1"], {
        nodeArgs: env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [],
        processes: Number(env.PATCHPARTY_WEB_PROCESSES) || undefined,
      });
    } finally {
      process.chdir(cwd);
    }
  })();
  const server = spawn(process.execPath, command.args, {
    cwd: dir,
    stdio: ["ignore", "ignore", options.stderrPrefix === undefined ? "inherit" : "pipe"],
    env: {
      ...env,
      ...command.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      NEXTAUTH_URL: base,
      NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret-0",
      NEXT_TELEMETRY_DISABLED: "1",
      PATCHPARTY_SEED: "never",
      // The bench signs its admin in with a password only; with two-factor sign-in required every
      // admin page would answer a redirect to the account page instead of itself (decision 017).
      PATCHPARTY_MFA: "off",
    },
  });
  if (server.stderr) {
    let rest = "";
    server.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const line of lines) process.stderr.write(`${options.stderrPrefix}${line}\n`);
    });
  }
  const web: WebServer = { server, base, processes: Number(command.env.PATCHPARTY_WEB_PROCESSES) };
  try {
    await waitFor(`${base}/api/health`, 60_000, () => server.exitCode !== null || server.signalCode !== null);
  } catch (error) {
    await stopWebServer(web);
    throw error;
  }
  return web;
}

/** The checkout's own webServerCommand (this one's for a checkout without lib/web-server.ts). */
async function webServerCommandOf(dir: string): Promise<typeof webServerCommand> {
  const own = path.join(dir, "lib/web-server.ts");
  if (path.resolve(dir) === process.cwd() || !existsSync(own)) return webServerCommand;
  return ((await import(pathToFileURL(own).href)) as { webServerCommand: typeof webServerCommand }).webServerCommand;
}

export async function stopWebServer({ server }: WebServer) {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  await exited;
}

/** A plain-text table: the columns in `left` aligned left, the others right. */
export function formatTable(head: string[], body: string[][], left: number[] = [0]) {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/**
 * A throw-away benchmark database: started, migrated and seeded as of `now` (its build time
 * printed), handed to `use`, and stopped afterwards whatever happened (`stop` runs first: the
 * servers on it). A failure is printed and makes the exit code 1.
 */
export type BuiltDatabase = { url: string; phases: Record<string, number>; seedSeconds: number };

export async function withBenchDatabase(now: Date, use: (database: BuiltDatabase) => Promise<void>, stop: () => Promise<void>) {
  const dbPort = await freePort();
  log(`Starting a throw-away PostgreSQL server on port ${dbPort}.`);
  const database = await startEmbeddedPostgres({ port: dbPort });
  try {
    // Built as the owner (the seed drops and remakes indexes); the servers connect as the app's role, as npm start's do.
    useDatabaseUrl(database.url);
    const seedStarted = performance.now();
    await migrateDatabase(database);
    const phases = await seedBench(database.migrationUrl, now);
    await grantAppRights(database);
    await disconnectDb();
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
    log(
      `Built the database in ${seedSeconds} s: ${Object.entries(phases)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
        .join(", ")}.`,
    );
    await use({ url: database.url, phases, seedSeconds });
  } catch (error) {
    process.exitCode = 1;
    log(`The benchmark failed: ${(error as Error).stack ?? error}`);
  } finally {
    await stop();
    await database.stop();
  }
}
