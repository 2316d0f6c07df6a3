// `npm run bench:ab`: two or more builds compared on ONE database, minutes apart. It seeds the
// benchmark's database once (as `npm run bench` does, from this checkout's migrations and
// bench/seed.ts), starts every side's production server at once, each on its own port, and loads
// each case on the sides in turn: BENCH_AB_ROUNDS rounds at 1 client, then at 10 clients, every
// other round in reverse order (A, B, B, A, ...), the exclude + include round trip too. Host speed
// drifts by tens of percent over minutes on this machine (docs/benchmarks.md), so builds are only
// compared this way.
// Prints one table and writes bench/ab-results.json. A benchmark, not a test: it prints figures.
//
// BENCH_AB      the sides, comma-separated, each `label=directory`, optionally followed by
//               `;NAME=VALUE` settings for that side's server only:
//                 BENCH_AB=before=/work/ab-baseline,after=/work/main
//                 BENCH_AB='one=/work/main;PATCHPARTY_WEB_PROCESSES=1,two=/work/main;PATCHPARTY_WEB_PROCESSES=2'
//               A directory is a checkout of this repository with node_modules and a finished
//               `next build` (.next); the same directory may appear twice with other settings.
//               Its server is its own `next start` (cwd = the directory) launched by its own
//               lib/web-server.ts; a side's BENCH_NODE_ARGS (more Node flags, space-separated)
//               and PATCHPARTY_WEB_PROCESSES apply as in `npm run bench`; any other setting goes
//               into that server's environment. A side's setting replaces the same variable of
//               the outer environment (`;BENCH_NODE_ARGS=` empties it for that side only).
//               Values cannot hold `,` or `;`. The database is
//               this checkout's schema, so every side must work on it.
// BENCH_CASES   cases whose names contain one of these comma-separated parts (all without it).
// BENCH_SECONDS seconds per measurement (8).
// BENCH_AB_ROUNDS rounds at each concurrency (2).
// BENCH_AB_READER who loads the pages: viewer (every team's servers; the default) or owner1 (one team's).
//
// Memory is the peak proportional (PSS) and resident size of each side's process tree while
// that side is loaded. The sides' servers run the same Node binary, so its shared pages are
// divided among more processes than in `npm run bench`: a side's PSS reads a little lower here.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { freePort } from "../lib/database/embedded";
import { READERS, ROUND_TRIP, type BenchContext, type Reader } from "./cases";
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

const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 2);
const AB_READER = (process.env.BENCH_AB_READER ?? "viewer") as Reader;
if (!READERS.includes(AB_READER)) throw new Error(`BENCH_AB_READER: ${AB_READER} is none of ${READERS.join(", ")}`);
const [ONE, MANY] = [Math.min(...CONCURRENCY), Math.max(...CONCURRENCY)];
const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;

type Side = { label: string; dir: string; env: Record<string, string> };
type Run = LoadResult & { side: string; round: number };
type CaseRuns = { name: string; concurrency: number; sqlMs: number; runs: Run[] };

function parseSides(spec: string | undefined): Side[] {
  const usage = "BENCH_AB=label=directory[;NAME=VALUE...],label=directory[;NAME=VALUE...][,...] (see bench/ab.ts)";
  if (!spec) throw new Error(`Set ${usage}`);
  const sides = spec
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part): Side => {
      const [side, ...settings] = part.split(";");
      const [label, dir] = [side!.slice(0, side!.indexOf("=")).trim(), side!.slice(side!.indexOf("=") + 1).trim()];
      if (!label || !dir || !side!.includes("=")) throw new Error(`"${part}" is not label=directory: ${usage}`);
      const env: Record<string, string> = {};
      for (const setting of settings.map((s) => s.trim()).filter(Boolean)) {
        const eq = setting.indexOf("=");
        if (eq <= 0) throw new Error(`"${setting}" (side ${label}) is not NAME=VALUE`);
        env[setting.slice(0, eq).trim()] = setting.slice(eq + 1);
      }
      return { label, dir: path.resolve(dir), env };
    });
  if (sides.length < 2) throw new Error(`Two sides or more: ${usage}`);
  if (new Set(sides.map((s) => s.label)).size < sides.length) throw new Error("Each side needs a label of its own");
  for (const { label, dir } of sides) {
    if (!existsSync(path.join(dir, "node_modules/next/dist/bin/next"))) throw new Error(`${label}: ${dir} has no node_modules (npm ci there)`);
    if (!existsSync(path.join(dir, ".next/BUILD_ID"))) throw new Error(`${label}: ${dir} has no finished build (next build there)`);
  }
  return sides;
}

/** What a side runs: the checkout's commit, how many tracked files differ from it, its build. */
function describe(side: Side) {
  const git = (...args: string[]) => spawnSync("git", ["-C", side.dir, ...args], { encoding: "utf8" }).stdout?.trim() ?? "";
  const buildId = path.join(side.dir, ".next/BUILD_ID");
  return {
    label: side.label,
    dir: side.dir,
    env: side.env,
    commit: git("rev-parse", "--short", "HEAD") || null,
    changedFiles: git("status", "--porcelain", "--untracked-files=no").split("\n").filter(Boolean).length,
    buildId: readFileSync(buildId, "utf8").trim(),
    builtAt: statSync(buildId).mtime.toISOString(),
  };
}

const sides = parseSides(process.env.BENCH_AB);
const about = sides.map(describe);
for (const a of about) {
  const settings = Object.entries(a.env).map(([k, v]) => `${k}=${v}`);
  log(
    `${a.label}: ${a.dir} at ${a.commit ?? "?"}${a.changedFiles ? ` (${a.changedFiles} tracked file${a.changedFiles === 1 ? "" : "s"} changed)` : ""}, built ${a.builtAt}${settings.length ? `, ${settings.join(" ")}` : ""}`,
  );
}
const now = new Date();
/** The servers started: stopped at the end whatever happened. */
const servers: WebServer[] = [];
await withBenchDatabase(now, compare, async () => {
  for (const server of servers) await stopWebServer(server);
});

async function compare(database: BuiltDatabase) {
  const { phases, seedSeconds } = database;
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  sql.on("error", () => {}); // the servers stopping at the end end it; errors of queries reject them

  // The cases look their resources and parties up once (BenchContext.data): one lookup for all
  // sides, so that every side loads the same ones.
  const shared: Pick<BenchContext, "data"> = {};
  const started: { side: Side; web: WebServer; context: BenchContext; memory: ReturnType<typeof memorySampler> }[] = [];
  for (const side of sides) {
    const t = performance.now();
    const web = await startWebServer({ dir: side.dir, port: await freePort(), databaseUrl: database.url, env: side.env, stderrPrefix: `[${side.label}] ` });
    servers.push(web);
    const context: BenchContext = {
      base: web.base,
      now,
      viewer: await signIn(web.base, BENCH_USERS.viewer),
      owner1: await signIn(web.base, BENCH_USERS.owner1),
      admin: await signIn(web.base, BENCH_USERS.admin),
      sql,
    };
    Object.defineProperty(context, "data", { get: () => shared.data, set: (data: BenchContext["data"]) => (shared.data = data), enumerable: true });
    started.push({ side, web, context, memory: memorySampler(web.server.pid!) });
    log(`${side.label}: ${web.processes} web processes on ${web.base}, up and signed in in ${seconds(t)} s`);
  }

  const results: CaseRuns[] = [];
  /** One case: warm-up on every side, then the rounds at 1 client and at 10. */
  const compareCase = async (
    name: string,
    sqlMs: number,
    unit: string,
    load: (s: (typeof started)[number], clients: number, duration: number) => Promise<LoadResult>,
  ) => {
    const t = performance.now();
    const measured = async (s: (typeof started)[number], clients: number, duration: number) => {
      s.memory.start();
      try {
        return await load(s, clients, duration);
      } finally {
        s.memory.stop();
      }
    };
    // Warm-up at the higher concurrency, so that every server process has compiled this code.
    for (const s of started) await measured(s, MANY, 2);
    for (const concurrency of [ONE, MANY]) {
      const row: CaseRuns = { name, concurrency, sqlMs, runs: [] };
      for (let round = 1; round <= ROUNDS; round++) {
        // Every other round the other way round: a side measured first each time would carry the
        // drift of the machine over the minutes a case takes.
        for (const s of round % 2 ? started : [...started].reverse()) {
          const r = await measured(s, concurrency, SECONDS);
          row.runs.push({ side: s.side.label, round, ...r });
          log(
            `${name} × ${concurrency}, ${s.side.label}${ROUNDS > 1 ? ` round ${round}` : ""}: p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, ${r.rps} ${unit}/s${r.errors ? `, ${r.errors} errors` : ""}`,
          );
        }
      }
      results.push(row);
    }
    log(`${name}: ${seconds(t)} s`);
  };

  const selected = selectedCases();
  for (const c of selected.cases) {
    const urls = new Map<string, string>();
    const sizes: string[] = [];
    for (const s of started) {
      // As one reader (the viewer, or BENCH_AB_READER): sides are compared on the same reader (npm run bench compares the readers).
      const url = await c.url(s.context, AB_READER);
      urls.set(s.side.label, url);
      const bytes = (await (await fetch(url, { headers: { Cookie: s.context[AB_READER] } })).arrayBuffer()).byteLength;
      sizes.push(`${s.side.label} ${Math.round(bytes / 1024)} kB`);
    }
    const sqlMs = await sqlMedianMs(sql, (client) => c.sql(client, started[0]!.context));
    log(`${c.name}: SQL ${sqlMs} ms; HTML/JSON ${sizes.join(", ")}`);
    await compareCase(c.name, sqlMs, "req", (s, clients, duration) => loadGet(urls.get(s.side.label)!, { Cookie: s.context[AB_READER] }, clients, duration));
  }
  if (selected.roundTrip) {
    const sqlMs = await sqlMedianMs(sql, (client) => ROUND_TRIP.sql(client, started[0]!.context));
    log(`${ROUND_TRIP.name}: SQL ${sqlMs} ms`);
    await compareCase(ROUND_TRIP.name, sqlMs, "round trips", (s, clients, duration) =>
      loadSteps((client) => ROUND_TRIP.step(s.context, client), clients, duration),
    );
  }
  await sql.end();

  log("");
  log(table(results));
  log("");
  log(
    `Each cell: one figure per round, in order. req/s is round trips/s for ${ROUND_TRIP.name}; "vs ${sides[0]!.label}" compares the mean req/s. ${SECONDS} s per measurement; database built in ${seedSeconds} s.`,
  );
  log(
    `Server peak memory, proportional (resident): ${started.map((s) => `${s.side.label} ${Math.round(s.memory.peak.pss)} MB (${Math.round(s.memory.peak.rss)} MB)`).join(", ")}`,
  );
  writeFileSync(
    "bench/ab-results.json",
    `${JSON.stringify(
      {
        at: now.toISOString(),
        seconds: SECONDS,
        rounds: ROUNDS,
        seedSeconds,
        seedPhasesMs: phases,
        sides: started.map((s, i) => ({
          ...about[i],
          webProcesses: s.web.processes,
          peakPssMb: Math.round(s.memory.peak.pss),
          peakRssMb: Math.round(s.memory.peak.rss),
        })),
        cases: results,
      },
      null,
      2,
    )}\n`,
  );
  log("Wrote bench/ab-results.json");
}

/** A row per case, concurrency and side; a cell holds that side's figure of each round. */
function table(results: CaseRuns[]) {
  const head = ["case", "c", "side", "p50 ms", "p95 ms", "req/s", `vs ${sides[0]!.label}`, "errors"];
  const mean = (runs: Run[]) => runs.reduce((sum, r) => sum + r.rps, 0) / runs.length;
  const body = results.flatMap((row) => {
    const first = mean(row.runs.filter((r) => r.side === sides[0]!.label));
    return sides.map(({ label }, i) => {
      const runs = row.runs.filter((r) => r.side === label);
      const cell = (figure: (r: Run) => string) => runs.map(figure).join(" ");
      const change = i === 0 || !first ? "" : `${mean(runs) >= first ? "+" : ""}${Math.round((mean(runs) / first - 1) * 100)} %`;
      return [
        i === 0 ? row.name : "",
        i === 0 ? String(row.concurrency) : "",
        label,
        cell((r) => r.p50Ms.toFixed(1)),
        cell((r) => r.p95Ms.toFixed(1)),
        cell((r) => r.rps.toFixed(0)),
        change,
        String(runs.reduce((sum, r) => sum + r.errors, 0)),
      ];
    });
  });
  return formatTable(head, body, [0, 2]);
}
