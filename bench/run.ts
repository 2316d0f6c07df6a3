// `npm run bench`: a fresh database with 100,000 resources and ten years of parties, the
// production server (`next build` output, `next start`), and load at 1 and 10 signed-in clients
// on the pages and API people use most. Each read case is loaded by every reader in turn, the
// viewer (every team's servers) and the owner of one team (its 333 only, issue 21), so that their
// figures come from the same server minutes apart. Each case's raw SQL (the viewer's) is timed
// through `pg` beside it. Prints one table, the readers side by side, and writes
// bench/results.json. `npm run bench:scoped` (`--scoped`): the read cases only, written to
// bench/scoped-results.json. A benchmark, not a test: it prints figures.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import pg from "pg";
import { freePort } from "../lib/database/embedded";
import { CASES, ROUND_TRIP, type BenchContext, type Reader } from "./cases";
import { loadGet, loadSteps, type LoadResult } from "./load";
import { BENCH_USERS } from "./seed";
import {
  CONCURRENCY,
  log,
  SECONDS,
  formatTable,
  memorySampler,
  selectedCases,
  signIn,
  sqlMedianMs,
  startWebServer,
  stopWebServer,
  withBenchDatabase,
  type BuiltDatabase,
  type WebServer,
} from "./server";

const nextBin = path.resolve("node_modules/next/dist/bin/next");

/** `who`: the reader (the admin for the round trip); `sqlMs` and `ratio` are the viewer's and the round trip's only. */
type CaseResult = {
  name: string;
  who: Reader | "admin";
  concurrency: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  rps: number;
  sqlMs: number | null;
  ratio: number | null;
  errors: number;
};

const scopedOnly = process.argv.includes("--scoped");
const resultsFile = scopedOnly ? "bench/scoped-results.json" : "bench/results.json";

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

function table(rows: CaseResult[]) {
  const head = ["case", "c", "who", "p50 ms", "p95 ms", "p99 ms", "req/s", "SQL ms", "p50/SQL", "errors"];
  const body = rows.map((r) => [
    r.name,
    String(r.concurrency),
    r.who,
    r.p50Ms.toFixed(1),
    r.p95Ms.toFixed(1),
    r.p99Ms.toFixed(1),
    r.rps.toFixed(0),
    r.sqlMs?.toFixed(2) ?? "–",
    r.ratio?.toFixed(1) ?? "–",
    String(r.errors),
  ]);
  return formatTable(head, body, [0, 2]);
}

/** The readers side by side, a row per case and concurrency: each one's p50, p95 and req/s, and the last's p50 against the first's. */
function readersTable(rows: CaseResult[], readers: Reader[]) {
  const [first, ...others] = readers as [Reader, ...Reader[]];
  const head = ["case", "c", ...readers.flatMap((w) => [`${w} p50`, `${w} p95`, `${w} req/s`]), ...others.map((w) => `${w}/${first} p50`)];
  const body = rows
    .filter((r) => r.who === first)
    .map((row) => {
      const of = (w: Reader) => rows.find((r) => r.name === row.name && r.concurrency === row.concurrency && r.who === w);
      return [
        row.name,
        String(row.concurrency),
        ...readers.flatMap((w) => {
          const r = of(w);
          return r ? [r.p50Ms.toFixed(1), r.p95Ms.toFixed(1), r.rps.toFixed(0)] : ["–", "–", "–"];
        }),
        ...others.map((w) => {
          const r = of(w);
          return r ? `${(r.p50Ms / Math.max(row.p50Ms, 0.1)).toFixed(2)}×` : "–";
        }),
      ];
    });
  return formatTable(head, body);
}

const now = new Date();
/** The server under load, once started: stopped at the end whatever happened. */
const web: { server?: WebServer } = {};
await withBenchDatabase(
  now,
  async (database) => {
    if (process.env.BENCH_HOLD) {
      log(`Holding the database for inspection (Ctrl-C stops it): ${database.url}`);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    } else {
      await measure(database);
    }
  },
  async () => {
    if (web.server) await stopWebServer(web.server);
  },
);

/** Starts the production server on the built database, loads every case, writes the results. */
async function measure(database: BuiltDatabase) {
  const { phases, seedSeconds } = database;

  if (!existsSync(".next/BUILD_ID") || process.argv.includes("--build")) {
    log("Building the production server (next build).");
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const server = await startWebServer({ dir: process.cwd(), port: await freePort(), databaseUrl: database.url });
  web.server = server;
  const { base } = server;
  const memory = memorySampler(server.server.pid!);
  const { peak } = memory;
  memory.start();

  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  sql.on("error", () => {}); // the server stopping at the end ends it; errors of queries reject them
  const context: BenchContext = {
    base,
    now,
    viewer: await signIn(base, BENCH_USERS.viewer),
    owner1: await signIn(base, BENCH_USERS.owner1),
    admin: await signIn(base, BENCH_USERS.admin),
    sql,
  };
  const results: CaseResult[] = [];
  const record = (name: string, who: CaseResult["who"], concurrency: number, r: LoadResult, sqlMs: number | null, unit: string) => {
    results.push({ name, who, concurrency, ...r, sqlMs, ratio: sqlMs === null ? null : Math.round((r.p50Ms / Math.max(sqlMs, 0.01)) * 10) / 10 });
    log(
      `${name} × ${concurrency} (${who}): p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, ${r.rps} ${unit}/s${sqlMs === null ? "" : `, SQL ${sqlMs} ms`}${r.errors ? `, ${r.errors} errors` : ""}`,
    );
  };
  const selected = selectedCases();
  const { readers } = selected;
  for (const [i, c] of selected.cases.entries()) {
    const sqlMs = await sqlMedianMs(sql, (client) => c.sql(client, context));
    const loads = new Map<Reader, { url: string; headers: Record<string, string> }>();
    for (const who of readers) {
      const load = { url: await c.url(context, who), headers: { Cookie: context[who] } };
      loads.set(who, load);
      const bytes = (await (await fetch(load.url, { headers: load.headers })).arrayBuffer()).byteLength;
      log(`${c.name} (${who}): ${Math.round(bytes / 1024)} kB of HTML/JSON`);
      // Warm up at the higher concurrency, so that every server process has compiled this page's code
      // (one connection reaches only one process; the first case once took the others' JIT warm-up in
      // its tail).
      await loadGet(load.url, load.headers, Math.max(...CONCURRENCY), 2);
    }
    // The readers in turn, in the other order every other time: the one measured first would
    // otherwise carry the machine's drift (bench/ab.ts).
    for (const [j, concurrency] of CONCURRENCY.entries()) {
      for (const who of (i + j) % 2 ? [...readers].reverse() : readers) {
        const { url, headers } = loads.get(who)!;
        record(c.name, who, concurrency, await loadGet(url, headers, concurrency, SECONDS), who === "viewer" ? sqlMs : null, "req");
      }
    }
  }
  if (selected.roundTrip && !scopedOnly) {
    const sqlMs = await sqlMedianMs(sql, (client) => ROUND_TRIP.sql(client, context));
    await loadSteps((client) => ROUND_TRIP.step(context, client), Math.max(...CONCURRENCY), 2); // warm up
    for (const concurrency of CONCURRENCY)
      record(ROUND_TRIP.name, "admin", concurrency, await loadSteps((client) => ROUND_TRIP.step(context, client), concurrency, SECONDS), sqlMs, "round trips");
  }
  memory.stop();
  const firstLoadJs: Record<string, number> = {};
  for (const [route, example] of Object.entries(await routesForJs(context))) firstLoadJs[route] = await firstLoadJsKb(base, example, context.admin);
  await sql.end();

  log("");
  log(table(results));
  log("");
  if (readers.length > 1) {
    log(readersTable(results, readers));
    log("");
  }
  log(
    `Database built in ${seedSeconds} s; server peak memory ${Math.round(peak.pss)} MB proportional (${Math.round(peak.rss)} MB resident, shared pages counted per process); first-load JS (gzip): ${Object.entries(
      firstLoadJs,
    )
      .map(([r, kb]) => `${r} ${kb} kB`)
      .join(", ")}`,
  );
  writeFileSync(
    resultsFile,
    `${JSON.stringify({ at: now.toISOString(), seconds: SECONDS, readers, seedSeconds, seedPhasesMs: phases, webProcesses: server.processes, peakRssMb: Math.round(peak.rss), peakPssMb: Math.round(peak.pss), firstLoadJsKb: firstLoadJs, cases: results.map(({ errors: _e, ...r }) => r), errors: results.reduce((s, r) => s + r.errors, 0) }, null, 2)}\n`,
  );
  log(`Wrote ${resultsFile}`);
}

async function routesForJs(context: BenchContext): Promise<Record<string, string>> {
  const pages: Record<string, string> = {};
  for (const c of CASES) {
    if (!c.route) continue;
    const url = new URL(await c.url(context, "viewer"));
    pages[c.route] = url.pathname + url.search;
  }
  return pages;
}
