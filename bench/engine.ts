// `npm run bench:engine` (and the end of `npm run bench`): the rollout engine at scale.
// 1. A party slot of 30,000 members with the simulated executor, ticked every 5 s of simulated
//    time (PATCHPARTY_ROLLOUT_TICK_SECONDS's default), at the default concurrency and unlimited:
//    each tick's bookkeeping (wall clock), and the simulated time until every member has started.
// 2. The ssh executor's cost per host: 20 test hosts (network namespaces with their own sshd and
//    package state, as root), upgraded 1.0 -> 1.1 at concurrency 10 through the job's own code.
// Prints figures and writes bench/engine-results.json. A benchmark, not a test.
// BENCH_ENGINE_MEMBERS (30000), BENCH_ENGINE_LEVELS=unlimited (that level alone),
// BENCH_ENGINE_SSH=0 (no hosts), BENCH_ENGINE_TICKS=1 (print every tick).
import { writeFileSync } from "node:fs";
import { cpuUsage } from "node:process";
import { freePort, startEmbeddedPostgres } from "../lib/database/embedded";
import { migrateDatabase } from "../lib/database/migrate";
import { db, disconnectDb } from "../lib/db";
import { useDatabaseUrl } from "../lib/env";
import { ruleToRow } from "../lib/data/party-rule";
import { DEFAULT_SLOT_ROLLOUT } from "../lib/data/slot-rollout";
import { DEFAULT_PARTY_RULE } from "../lib/domain";
import { tickParties } from "../lib/rollout/party-engine";
import { simulatedExecutor } from "../lib/rollout/simulated";

const MEMBERS = Number(process.env.BENCH_ENGINE_MEMBERS ?? 30_000);
const TICK_SECONDS = 5;
const SIM_SECONDS = 20;
const log = (line: string) => process.stdout.write(`${line}\n`);

type SlotFigures = {
  concurrency: number | "unlimited";
  ticks: number;
  tickMs: { p50: number; p95: number; max: number };
  simulatedMinutesUntilAllStarted: number;
  simulatedMinutesUntilAllFinished: number;
  wallSeconds: number;
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function fleet(prefix: string) {
  const team = await db.team.create({ data: { slug: `${prefix}-team`, name: `${prefix} team` } });
  const service = await db.service.create({ data: { name: `${prefix}-svc`, teamId: team.id } });
  await db.$executeRaw`
    INSERT INTO "Resource" (id, name, kind, environment, "teamId", "serviceId", "patchGroup", "updatedAt")
    SELECT ${prefix} || '-' || i, ${prefix} || '-srv-' || lpad(i::text, 6, '0'), 'VM', 'NON_PRODUCTION', ${team.id}, ${service.id}, 1, now()
    FROM generate_series(1, ${MEMBERS}) AS i`;
  return team.id;
}

async function slot(year: number) {
  const startsAt = new Date(Date.UTC(year, 2, 7, 0));
  const endsAt = new Date(startsAt.getTime() + 24 * 3_600_000);
  return db.party.create({
    data: { tag: `${year}-Q1`, kind: "QA", localDate: `${year}-03-07`, timeZone: "UTC", startsAt, endsAt, slots: { create: [{ group: 1, startsAt, endsAt }] } },
  });
}

async function runSlot(concurrency: number | "unlimited", year: number, teamId: string): Promise<SlotFigures> {
  await db.partyRule.update({
    where: { id: "default" },
    data: { slotConcurrency: concurrency === "unlimited" ? MEMBERS : concurrency, slotConcurrencyPercent: null, slotCutoffMinutes: 0 },
  });
  const party = await slot(year);
  const executor = simulatedExecutor({ durationSeconds: SIM_SECONDS, failureRate: 0.01 });
  const durations: number[] = [];
  const started = Date.now();
  let allStartedAt: number | null = null;
  let t = party.startsAt.getTime();
  for (;;) {
    const before = performance.now();
    const [report] = await tickParties(new Date(t), executor, { partyIds: [party.id], teamIds: [teamId] });
    durations.push(performance.now() - before);
    if (process.env.BENCH_ENGINE_TICKS) log(`${Math.round(durations.at(-1)!)} ms ${JSON.stringify(report)}`);
    if (allStartedAt === null && (await db.patchAttempt.count({ where: { run: { partyId: party.id } } })) >= MEMBERS) allStartedAt = t;
    if (!report || report.state === "COMPLETED" || report.state === "PARTIAL" || report.state === "HALTED") break;
    t += TICK_SECONDS * 1000;
  }
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    concurrency,
    ticks: durations.length,
    tickMs: { p50: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)), max: Math.round(sorted.at(-1) ?? 0) },
    simulatedMinutesUntilAllStarted: allStartedAt === null ? -1 : Math.round((allStartedAt - party.startsAt.getTime()) / 60_000),
    simulatedMinutesUntilAllFinished: Math.round((t - party.startsAt.getTime()) / 60_000),
    wallSeconds: Math.round((Date.now() - started) / 1000),
  };
}

async function benchSsh(): Promise<Record<string, number> | { skipped: string }> {
  if (process.getuid?.() !== 0) return { skipped: "needs root for network namespaces" };
  const { createTestHosts } = await import("../tests/integration/fixtures/test-hosts");
  const { runSshUpgrade } = await import("../lib/rollout/ssh");
  const HOSTS = 20;
  const CONCURRENCY = 10;
  const setupStarted = Date.now();
  const hosts = await createTestHosts(HOSTS);
  try {
    const setupSeconds = (Date.now() - setupStarted) / 1000;
    await hosts.publish("1.1");
    const config = { ...hosts.sshConfig(), healthCheck: "true" };
    const perHost: number[] = [];
    const cpuBefore = cpuUsage();
    const started = Date.now();
    const queue = [...hosts.hosts];
    let failed = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let host = queue.shift(); host; host = queue.shift()) {
          const t0 = Date.now();
          const report = await runSshUpgrade(hosts.request(host), config, {});
          if (report.state !== "succeeded") failed++;
          perHost.push(Date.now() - t0);
        }
      }),
    );
    const wall = (Date.now() - started) / 1000;
    const cpu = cpuUsage(cpuBefore);
    const sorted = perHost.sort((a, b) => a - b);
    return {
      hosts: HOSTS,
      concurrency: CONCURRENCY,
      failed,
      setupSeconds: Math.round(setupSeconds * 10) / 10,
      wallSeconds: Math.round(wall * 10) / 10,
      perHostP50Ms: percentile(sorted, 50),
      perHostMaxMs: sorted.at(-1) ?? 0,
      workerCpuMsPerHost: Math.round((cpu.user + cpu.system) / 1000 / HOSTS),
    };
  } finally {
    await hosts.destroy();
  }
}

const server = await startEmbeddedPostgres({ port: await freePort() });
try {
  await migrateDatabase(server);
  useDatabaseUrl(server.url);
  await db.partyRule.upsert({
    where: { id: "default" },
    create: { id: "default", ...ruleToRow(DEFAULT_PARTY_RULE), slotCanaryPercent: 0 },
    update: { slotCanaryPercent: 0 },
  });
  const seedStarted = Date.now();
  const teamId = await fleet("bench");
  log(
    `Engine: ${MEMBERS.toLocaleString("en")} members in one party slot (built in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s); simulated upgrades of ~${SIM_SECONDS} s, a tick every ${TICK_SECONDS} s of simulated time`,
  );
  const slots: SlotFigures[] = [];
  const levels = process.env.BENCH_ENGINE_LEVELS === "unlimited" ? (["unlimited"] as const) : ([DEFAULT_SLOT_ROLLOUT.concurrency, "unlimited"] as const);
  for (const [i, concurrency] of levels.entries()) {
    const figures = await runSlot(concurrency, 9000 + i, teamId);
    slots.push(figures);
    log(
      `  concurrency ${String(concurrency).padEnd(9)} ${figures.ticks} ticks; bookkeeping per tick p50 ${figures.tickMs.p50} ms, p95 ${figures.tickMs.p95} ms, max ${figures.tickMs.max} ms; every member started after ${figures.simulatedMinutesUntilAllStarted} simulated min, all finished after ${figures.simulatedMinutesUntilAllFinished}; ${figures.wallSeconds} s of wall clock`,
    );
  }
  const ssh = process.env.BENCH_ENGINE_SSH === "0" ? { skipped: "BENCH_ENGINE_SSH=0" } : await benchSsh();
  log(`SSH executor: ${JSON.stringify(ssh)}`);
  writeFileSync(
    "bench/engine-results.json",
    `${JSON.stringify({ at: new Date().toISOString(), members: MEMBERS, tickSeconds: TICK_SECONDS, simSeconds: SIM_SECONDS, slots, ssh }, null, 2)}\n`,
  );
  log("Wrote bench/engine-results.json");
} finally {
  await disconnectDb();
  await server.stop();
}
