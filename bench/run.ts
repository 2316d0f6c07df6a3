// `npm run bench`: a fresh database with 100,000 resources and ten years of parties, the
// production server (`next build` output, `next start`), and load at 1 and 10 signed-in clients
// on the pages and API people use most. Each case's raw SQL is timed through `pg` beside it.
// Prints one table and writes bench/results.json. A benchmark, not a test: it prints figures.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import pg from "pg";
import { freePort, startEmbeddedPostgres } from "../lib/database/embedded";
import { migrate } from "../lib/database/migrate";
import { disconnectDb } from "../lib/db";
import { useDatabaseUrl } from "../lib/env";
import { webServerCommand } from "../lib/web-server";
import { CASES, ROUND_TRIP, type BenchContext } from "./cases";
import { loadGet, loadSteps, type LoadResult } from "./load";
import { BENCH_PASSWORD, BENCH_USERS, seedBench } from "./seed";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = [1, 10];
const nextBin = path.resolve("node_modules/next/dist/bin/next");
const log = (line: string) => process.stdout.write(`${line}\n`);

type CaseResult = { name: string; concurrency: number; p50Ms: number; p95Ms: number; p99Ms: number; rps: number; sqlMs: number; ratio: number; errors: number };

/**
 * Memory of a process and its children, in MB (Linux /proc): resident (RSS) and proportional
 * (PSS). With several web processes RSS counts the pages they share (the Node binary, its
 * libraries) once per process; PSS divides each shared page among the processes mapping it.
 */
function treeMemoryMb(pid: number): { rss: number; pss: number } {
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

async function waitFor(url: string, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
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
async function signIn(base: string, email: string): Promise<string> {
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

/** First-load JavaScript of a page: the scripts its HTML loads, gzipped, in kB. */
async function firstLoadJsKb(base: string, route: string, cookie: string): Promise<number> {
  const html = await (await fetch(`${base}${route}`, { headers: { Cookie: cookie } })).text();
  // What a modern browser loads: not the legacy polyfills marked noModule.
  const scripts = [
    ...new Set(
      [...html.matchAll(/<script([^>]*)>/g)]
        .filter((m) => !/nomodule/i.test(m[1]!))
        .map((m) => /src="([^"]+\.js)"/.exec(m[1]!)?.[1])
        .filter((s): s is string => Boolean(s)),
    ),
  ];
  let bytes = 0;
  for (const src of scripts) {
    const file = path.resolve(".next", decodeURIComponent(src.replace(/^\/_next\//, "")).split("?")[0]!);
    if (existsSync(file)) bytes += gzipSync(readFileSync(file)).length;
  }
  return Math.round(bytes / 102.4) / 10;
}

async function sqlMedianMs(client: pg.Client, run: (client: pg.Client) => Promise<unknown>, times = 15) {
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

function table(rows: CaseResult[]) {
  const head = ["case", "c", "p50 ms", "p95 ms", "p99 ms", "req/s", "SQL ms", "p50/SQL", "errors"];
  const body = rows.map((r) => [
    r.name,
    String(r.concurrency),
    r.p50Ms.toFixed(1),
    r.p95Ms.toFixed(1),
    r.p99Ms.toFixed(1),
    r.rps.toFixed(0),
    r.sqlMs.toFixed(2),
    r.ratio.toFixed(1),
    String(r.errors),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

const now = new Date();
const dbPort = await freePort();
log(`Starting a throw-away PostgreSQL server on port ${dbPort}.`);
const database = await startEmbeddedPostgres({ port: dbPort });
/** The server under load, once started: stopped at the end whatever happened. */
const web: { server?: ReturnType<typeof spawn> } = {};
try {
  useDatabaseUrl(database.url);
  const seedStarted = performance.now();
  await migrate(database.url);
  const phases = await seedBench(database.url, now);
  await disconnectDb();
  if (process.env.BENCH_HOLD) {
    log(`Holding the database for inspection (Ctrl-C stops it): ${database.url}`);
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  } else {
    await measure(phases, (performance.now() - seedStarted) / 1000);
  }
} catch (error) {
  process.exitCode = 1;
  log(`The benchmark failed: ${(error as Error).stack ?? error}`);
} finally {
  const server = web.server;
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  await database.stop();
}

/** Starts the production server on the built database, loads every case, writes the results. */
async function measure(phases: Record<string, number>, builtInSeconds: number) {
  const seedSeconds = Math.round(builtInSeconds * 10) / 10;
  log(
    `Built the database in ${seedSeconds} s: ${Object.entries(phases)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
      .join(", ")}.`,
  );

  if (!existsSync(".next/BUILD_ID") || process.argv.includes("--build")) {
    log("Building the production server (next build).");
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const command = webServerCommand(["start", "-p", String(port), "-H", "127.0.0.1"], {
    nodeArgs,
    processes: Number(process.env.PATCHPARTY_WEB_PROCESSES) || undefined,
  });
  const server = spawn(process.execPath, command.args, {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      ...command.env,
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      NEXTAUTH_URL: base,
      NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret-0",
      NEXT_TELEMETRY_DISABLED: "1",
      PATCHPARTY_SEED: "never",
    },
  });
  web.server = server;
  await waitFor(`${base}/api/health`, 60_000);
  const peak = { rss: 0, pss: 0 };
  const sampler = setInterval(() => {
    const m = treeMemoryMb(server.pid!);
    peak.rss = Math.max(peak.rss, m.rss);
    peak.pss = Math.max(peak.pss, m.pss);
  }, 100);

  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  sql.on("error", () => {}); // the server stopping at the end ends it; errors of queries reject them
  const context: BenchContext = {
    base,
    now,
    viewer: await signIn(base, BENCH_USERS.viewer),
    admin: await signIn(base, BENCH_USERS.admin),
    sql,
  };
  const results: CaseResult[] = [];
  const record = (name: string, concurrency: number, r: LoadResult, sqlMs: number, unit: string) => {
    results.push({ name, concurrency, ...r, sqlMs, ratio: Math.round((r.p50Ms / Math.max(sqlMs, 0.01)) * 10) / 10 });
    log(`${name} × ${concurrency}: p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, ${r.rps} ${unit}/s, SQL ${sqlMs} ms${r.errors ? `, ${r.errors} errors` : ""}`);
  };
  const only = process.env.BENCH_CASES?.split(",");
  for (const c of CASES.filter((c) => !only || only.some((o) => c.name.includes(o)))) {
    const url = await c.url(context);
    const headers = { Cookie: context.viewer };
    const sqlMs = await sqlMedianMs(sql, (client) => c.sql(client, context));
    const bytes = (await (await fetch(url, { headers })).arrayBuffer()).byteLength;
    log(`${c.name}: ${Math.round(bytes / 1024)} kB of HTML/JSON`);
    // Warm up at the higher concurrency, so that every server process has compiled this page's code
    // (one connection reaches only one process; the first case once took the others' JIT warm-up in
    // its tail).
    await loadGet(url, headers, Math.max(...CONCURRENCY), 2);
    for (const concurrency of CONCURRENCY) record(c.name, concurrency, await loadGet(url, headers, concurrency, SECONDS), sqlMs, "req");
  }
  if (!only || only.some((o) => ROUND_TRIP.name.includes(o))) {
    const sqlMs = await sqlMedianMs(sql, (client) => ROUND_TRIP.sql(client, context));
    await loadSteps((client) => ROUND_TRIP.step(context, client), Math.max(...CONCURRENCY), 2); // warm up
    for (const concurrency of CONCURRENCY)
      record(ROUND_TRIP.name, concurrency, await loadSteps((client) => ROUND_TRIP.step(context, client), concurrency, SECONDS), sqlMs, "round trips");
  }
  clearInterval(sampler);
  const firstLoadJs: Record<string, number> = {};
  for (const [route, example] of Object.entries(await routesForJs(context))) firstLoadJs[route] = await firstLoadJsKb(base, example, context.admin);
  await sql.end();

  log("");
  log(table(results));
  log("");
  log(
    `Database built in ${seedSeconds} s; server peak memory ${Math.round(peak.pss)} MB proportional (${Math.round(peak.rss)} MB resident, shared pages counted per process); first-load JS (gzip): ${Object.entries(
      firstLoadJs,
    )
      .map(([r, kb]) => `${r} ${kb} kB`)
      .join(", ")}`,
  );
  writeFileSync(
    "bench/results.json",
    `${JSON.stringify({ at: now.toISOString(), seconds: SECONDS, seedSeconds, seedPhasesMs: phases, webProcesses: Number(command.env.PATCHPARTY_WEB_PROCESSES), peakRssMb: Math.round(peak.rss), peakPssMb: Math.round(peak.pss), firstLoadJsKb: firstLoadJs, cases: results.map(({ errors: _e, ...r }) => r), errors: results.reduce((s, r) => s + r.errors, 0) }, null, 2)}\n`,
  );
  log("Wrote bench/results.json");
}

async function routesForJs(context: BenchContext): Promise<Record<string, string>> {
  const pages: Record<string, string> = {};
  for (const c of CASES) {
    if (!c.route) continue;
    const url = new URL(await c.url(context));
    pages[c.route] = url.pathname + url.search;
  }
  return pages;
}
