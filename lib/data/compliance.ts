// The compliance dashboard's figures: how much of the fleet the latest quarter patched, by team
// and environment, and what needs following up. A few aggregate queries, whatever the fleet size.
import "server-only";
import { expressionBuilder, sql, type Expression } from "kysely";
import { db, execute, qb, unnest } from "../db";
import type { DB } from "../database/generated/kysely";
import { writeCsv } from "./csv";
import { longExclusions } from "./exclusion-report";
import {
  complianceTrend as trendOf,
  trendInstants,
  trendQuarters,
  type ComplianceTrend,
  type DeadlineCounts,
  type TrendCounts,
} from "../domain/compliance-trend";
import { daysOverdue } from "../domain/deadlines";
import { getDeadlines, type Deadlines } from "./deadlines";
import type { Severity } from "../domain/updates";

export type TeamShare = ComplianceFigures["shares"][number];

const eb = expressionBuilder<DB>();
/**
 * "Of these teams, or of all when null", as one condition whatever `teamIds` is: one statement
 * text (and one prepared statement) for both.
 */
const ofTeams = (teamId: Expression<string>, teamIds: string[] | null) => {
  const ids = eb.cast<string[] | null>(eb.val(teamIds), sql`text[]`);
  return eb.or([eb(ids, "is", null), eb(teamId, "=", eb.fn.any(eb.cast<string[]>(eb.val(teamIds), sql`text[]`)))]);
};

/** Per environment, the newest party of its kind that is over: "the latest quarter" of each. */
export async function latestParties(now: Date) {
  const latest = (kind: "PRODUCTION" | "QA") =>
    db.party.findFirst({ where: { kind, endsAt: { lte: now }, status: { not: "CANCELLED" } }, orderBy: { endsAt: "desc" }, select: { id: true, tag: true } });
  const [production, qa] = await Promise.all([latest("PRODUCTION"), latest("QA")]);
  return { production, qa };
}

export async function complianceFigures(now: Date, options: { teamIds?: string[] } = {}) {
  const teamIds = options.teamIds ?? null;
  const latest = await latestParties(now);
  const prodParty = latest.production?.id ?? null;
  const qaParty = latest.qa?.id ?? null;
  const [shares, never, failed, long] = await Promise.all([
    execute(
      qb
        .selectFrom("Resource as r")
        .innerJoin("Team as t", "t.id", "r.teamId")
        .leftJoin("PatchOutcome as o", (join) =>
          join
            .onRef("o.resourceId", "=", "r.id")
            .on("o.status", "=", "PATCHED")
            .on((eb) =>
              eb(
                "o.partyId",
                "=",
                eb
                  .case()
                  .when("r.environment", "=", "PRODUCTION")
                  .then(eb.cast<string | null>(eb.val(prodParty), "text"))
                  .else(eb.cast<string | null>(eb.val(qaParty), "text"))
                  .end(),
              ),
            ),
        )
        .select((eb) => [
          "t.id as teamId",
          "t.name as team",
          "r.environment",
          eb.cast<number>(eb.fn.countAll(), "integer").as("resources"),
          eb.cast<number>(eb.fn.count("o.id"), "integer").as("patched"),
        ])
        .where((eb) => ofTeams(eb.ref("r.teamId"), teamIds))
        .groupBy(["t.id", "t.name", "r.environment"])
        .orderBy("t.name")
        .orderBy("r.environment", "desc"),
    ),
    execute(
      qb
        .selectFrom("Resource as r")
        .innerJoin("Team as t", "t.id", "r.teamId")
        .select(["r.name", "t.name as team", "r.environment", "r.excluded"])
        .where("r.lastPatchedAt", "is", null)
        .where((eb) => ofTeams(eb.ref("r.teamId"), teamIds))
        .orderBy("r.name")
        .limit(1000),
    ),
    execute(
      qb
        .selectFrom("Resource as r")
        .innerJoin("Team as t", "t.id", "r.teamId")
        .innerJoinLateral(
          (eb) =>
            eb.selectFrom("PatchOutcome").select(["message", "finishedAt"]).whereRef("resourceId", "=", "r.id").orderBy("finishedAt", "desc").limit(1).as("o"),
          (join) => join.onTrue(),
        )
        .select(["r.name", "t.name as team", "r.environment", "r.lastPatchTag", "o.message", "o.finishedAt"])
        .where("r.lastOutcome", "=", "FAILED")
        .where((eb) => ofTeams(eb.ref("r.teamId"), teamIds))
        .orderBy("o.finishedAt", "desc")
        .orderBy("r.name")
        .limit(1000),
    ),
    longExclusions(now, { teamIds: options.teamIds }),
  ]);
  const totals = { resources: 0, patched: 0 };
  for (const s of shares) {
    totals.resources += s.resources;
    totals.patched += s.patched;
  }
  return {
    quarters: { production: latest.production?.tag ?? null, nonProduction: latest.qa?.tag ?? null },
    totals,
    shares,
    neverPatched: never,
    failedLastTime: failed,
    longExcluded: long,
  };
}
export type ComplianceFigures = Awaited<ReturnType<typeof complianceFigures>>;

/**
 * Every update with its due date (lib/domain/updates.ts `updateDue` as SQL): first seen plus the
 * days of its severity, or of `unratedDays` for a security update without one; null where the
 * rules give it no deadline. Only rated or security updates: the others never fall due.
 */
const updatesWithDue = (rules: Deadlines) =>
  qb
    .selectFrom("PendingUpdate as p")
    .select((eb) => {
      // The installation's days (its settings row, or the defaults before anyone saved them), as parameters.
      const daysOf = (value: number | null) => eb.cast<number | null>(eb.val(value), "integer");
      const days = eb
        .case()
        .when("p.severity", "=", "CRITICAL")
        .then(daysOf(rules.criticalDays))
        .when("p.severity", "=", "HIGH")
        .then(daysOf(rules.highDays))
        .when("p.severity", "=", "MEDIUM")
        .then(daysOf(rules.mediumDays))
        .when("p.severity", "=", "LOW")
        .then(daysOf(rules.lowDays))
        .when("p.security", "=", true)
        .then(daysOf(rules.unratedDays))
        .else(null)
        .end();
      return [
        "p.resourceId",
        "p.package",
        "p.severity",
        "p.security",
        "p.advisories",
        "p.firstSeenAt",
        "p.resolvedAt",
        sql<Date | null>`${eb.ref("p.firstSeenAt")} + ${days} * interval '1 day'`.as("due"),
      ];
    })
    .where((eb) => eb.or([eb("p.security", "=", true), eb("p.severity", "is not", null)]));

/** How many servers of a team and environment the list shows at most (the counts cover all of them). */
export const OVERDUE_PER_GROUP = 50;

export type OverdueServer = {
  name: string;
  excluded: boolean;
  exclusionReason: string | null;
  /** The worst overdue update: past its deadline the longest, the more severe first. */
  package: string;
  severity: Severity | null;
  security: boolean;
  advisories: string[];
  due: Date;
  daysOverdue: number;
  /** How many of its updates are past their deadline. */
  overdueUpdates: number;
};
export type OverdueGroup = {
  teamId: string;
  team: string;
  environment: "PRODUCTION" | "NON_PRODUCTION";
  servers: number;
  excluded: number;
  rows: OverdueServer[];
};

/**
 * Per team and environment, the servers with an update past its deadline at `now`, with the worst
 * such update; excluded servers too (an exclusion does not stop the clock), marked with their
 * reason. One statement: the worst update per server (DISTINCT ON), then per team and environment
 * the counts as window aggregates and the first `perGroup` servers, most overdue first.
 */
export async function overdueServers(now: Date, options: { teamIds?: string[]; perGroup?: number } = {}): Promise<OverdueGroup[]> {
  const rules = await getDeadlines();
  const teamIds = options.teamIds ?? null;
  const worst = qb
    .selectFrom(updatesWithDue(rules).as("u"))
    .distinctOn("u.resourceId")
    .select((eb) => [
      "u.resourceId",
      "u.package",
      "u.severity",
      "u.security",
      "u.advisories",
      "u.due",
      eb
        .cast<number>(
          eb.fn.countAll().over((o) => o.partitionBy("u.resourceId")),
          "integer",
        )
        .as("overdueUpdates"),
    ])
    .where("u.resolvedAt", "is", null)
    .where("u.due", "<", now)
    .orderBy("u.resourceId")
    .orderBy("u.due")
    .orderBy((eb) =>
      eb
        .case()
        .when("u.severity", "=", "CRITICAL")
        .then(eb.lit(0))
        .when("u.severity", "=", "HIGH")
        .then(eb.lit(1))
        .when("u.severity", "=", "MEDIUM")
        .then(eb.lit(2))
        .when("u.severity", "=", "LOW")
        .then(eb.lit(3))
        .else(eb.lit(4))
        .end(),
    )
    .orderBy("u.package");
  const ranked = qb
    .selectFrom(worst.as("w"))
    .innerJoin("Resource as r", "r.id", "w.resourceId")
    .innerJoin("Team as t", "t.id", "r.teamId")
    .select((eb) => [
      "t.id as teamId",
      "t.name as team",
      "r.environment",
      "r.name",
      "r.excluded",
      "r.exclusionReason",
      "w.package",
      "w.severity",
      "w.security",
      "w.advisories",
      "w.due",
      "w.overdueUpdates",
      eb
        .cast<number>(
          eb.fn.agg("row_number").over((o) => o.partitionBy(["t.id", "r.environment"]).orderBy("w.due").orderBy("r.name")),
          "integer",
        )
        .as("rank"),
      eb
        .cast<number>(
          eb.fn.countAll().over((o) => o.partitionBy(["t.id", "r.environment"])),
          "integer",
        )
        .as("servers"),
      eb
        .cast<number>(
          eb.fn
            .countAll()
            .filterWhere("r.excluded", "=", true)
            .over((o) => o.partitionBy(["t.id", "r.environment"])),
          "integer",
        )
        .as("excludedServers"),
    ])
    .where((eb) => ofTeams(eb.ref("r.teamId"), teamIds));
  const rows = await execute(
    qb
      .selectFrom(ranked.as("x"))
      .selectAll()
      .where("x.rank", "<=", options.perGroup ?? OVERDUE_PER_GROUP)
      .orderBy("x.team")
      .orderBy("x.teamId")
      .orderBy("x.environment", "desc")
      .orderBy("x.rank"),
  );
  const groups: OverdueGroup[] = [];
  for (const r of rows) {
    let group = groups.at(-1);
    if (!group || group.teamId !== r.teamId || group.environment !== r.environment) {
      group = { teamId: r.teamId, team: r.team, environment: r.environment, servers: r.servers, excluded: r.excludedServers, rows: [] };
      groups.push(group);
    }
    const due = r.due!;
    group.rows.push({
      name: r.name,
      excluded: r.excluded,
      exclusionReason: r.exclusionReason,
      package: r.package,
      severity: r.severity ? (r.severity.toLowerCase() as Severity) : null,
      security: r.security,
      advisories: r.advisories,
      due,
      daysOverdue: daysOverdue(due, now),
      overdueUpdates: r.overdueUpdates,
    });
  }
  return groups;
}

/**
 * Per quarter end (`at`, one per tag) and environment: the servers that existed then, and how many
 * had an update past its deadline then (lib/domain/deadlines.ts `overdueAt` as SQL: first seen by
 * then, not resolved by then, due before then). One statement, one pass over the updates.
 */
async function deadlineCounts(quarters: readonly string[], at: readonly Date[], teamIds: string[] | null): Promise<DeadlineCounts[]> {
  const rules = await getDeadlines();
  const instants = () => unnest("q", { tag: [[...quarters], "text"], at: [at.map((d) => d.toISOString()), "timestamp(3)"] });
  const servers = qb
    .selectFrom(instants())
    .innerJoin("Resource as r", (join) => join.onRef("r.createdAt", "<=", "q.at"))
    .select((eb) => ["q.tag", "r.environment", eb.cast<number>(eb.fn.countAll(), "integer").as("servers")])
    .where((eb) => ofTeams(eb.ref("r.teamId"), teamIds))
    .groupBy(["q.tag", "r.environment"]);
  const overdue = qb
    .selectFrom(updatesWithDue(rules).as("u"))
    .innerJoin(instants(), (join) =>
      join
        .onRef("u.firstSeenAt", "<=", "q.at")
        .onRef("u.due", "<", "q.at")
        .on((eb) => eb.or([eb("u.resolvedAt", "is", null), eb("u.resolvedAt", ">", eb.cast<Date>(eb.ref("q.at"), "timestamp(3)"))])),
    )
    .innerJoin("Resource as r", "r.id", "u.resourceId")
    .select((eb) => ["q.tag", "r.environment", eb.cast<number>(eb.fn.count("u.resourceId").distinct(), "integer").as("overdue")])
    .whereRef("r.createdAt", "<=", "q.at")
    .where((eb) => ofTeams(eb.ref("r.teamId"), teamIds))
    .groupBy(["q.tag", "r.environment"]);
  const rows = await execute(
    qb
      .selectFrom(servers.as("s"))
      .leftJoin(overdue.as("o"), (join) => join.onRef("o.tag", "=", "s.tag").onRef("o.environment", "=", "s.environment"))
      .select(["s.tag", "s.environment", "s.servers", "o.overdue"]),
  );
  return rows.map((r) => ({
    tag: r.tag,
    environment: r.environment === "PRODUCTION" ? "production" : "non-production",
    servers: r.servers,
    overdue: r.overdue ?? 0,
  }));
}

/**
 * The first scan known: the earliest first sighting of an update (kept after it is resolved), or
 * the earliest last scan of a server (one that never found anything). Before it, nothing says
 * whether a server was within its deadlines. Two aggregates in one statement.
 */
async function firstScanKnown(): Promise<Date | null> {
  const [row] = await execute(
    qb.selectNoFrom((eb) => [
      eb
        .selectFrom("PendingUpdate")
        .select((eb) => eb.fn.min("firstSeenAt").as("at"))
        .as("update"),
      eb
        .selectFrom("UpdateScan")
        .select((eb) => eb.fn.min("scannedAt").as("at"))
        .as("scan"),
    ]),
  );
  const times = [row?.update, row?.scan].filter((d): d is Date => d instanceof Date);
  return times.length ? new Date(Math.min(...times.map((d) => d.getTime()))) : null;
}

/**
 * Share patched per quarter over the last eight, per environment: each party that is over (not
 * cancelled) with the resources of its environment that existed when it ended, and how many of
 * them it patched. One statement: two counts per party, each answered from an index
 * (PatchOutcome's partyId, status), whatever the fleet size.
 */
export async function complianceTrend(now: Date, options: { teamIds?: string[]; timeZone?: string } = {}): Promise<ComplianceTrend> {
  const quarters = trendQuarters(now, options.timeZone);
  const at = trendInstants(quarters, now, options.timeZone);
  const teamIds = options.teamIds ?? null;
  const [rows, deadlines, scanned] = await Promise.all([
    execute(
      qb
        .selectFrom("Party as p")
        .select((eb) => [
          "p.tag",
          "p.kind",
          eb
            .selectFrom("Resource as r")
            .select((eb) => eb.cast<number>(eb.fn.countAll(), "integer").as("n"))
            .whereRef("r.createdAt", "<=", "p.endsAt")
            .where((eb) =>
              eb.or([
                eb.and([eb("p.kind", "=", "PRODUCTION"), eb("r.environment", "=", "PRODUCTION")]),
                eb.and([eb("p.kind", "=", "QA"), eb("r.environment", "=", "NON_PRODUCTION")]),
              ]),
            )
            .where((eb) => ofTeams(eb.ref("r.teamId"), teamIds))
            .as("resources"),
          eb
            .selectFrom("PatchOutcome as o")
            .innerJoin("Resource as r", "r.id", "o.resourceId")
            .select((eb) => eb.cast<number>(eb.fn.countAll(), "integer").as("n"))
            .whereRef("o.partyId", "=", "p.id")
            .where("o.status", "=", "PATCHED")
            .whereRef("r.createdAt", "<=", "p.endsAt")
            .where((eb) => ofTeams(eb.ref("r.teamId"), teamIds))
            .as("patched"),
        ])
        .where((eb) => eb("p.tag", "=", eb.fn.any(eb.val(quarters))))
        .where("p.status", "!=", "CANCELLED")
        .where("p.endsAt", "<=", now),
    ),
    deadlineCounts(quarters, at, teamIds),
    firstScanKnown(),
  ]);
  const counts: TrendCounts[] = rows.map((r) => ({
    tag: r.tag,
    environment: r.kind === "PRODUCTION" ? "production" : "non-production",
    resources: r.resources ?? 0,
    patched: r.patched ?? 0,
  }));
  return trendOf(counts, quarters, { at, counts: deadlines, scannedSince: scanned });
}

export const COMPLIANCE_CSV_COLUMNS = ["section", "quarter", "team", "environment", "resources", "patched", "share", "overdue", "withinDeadline"] as const;

/**
 * The dashboard's figures as CSV: a `by-team` row per team and environment (the latest party of
 * that environment; `overdue`: its servers past an update deadline now), then a `trend` row per
 * quarter and environment (`overdue` and `withinDeadline`: servers past a deadline, and the share
 * within, at the quarter's end). A few hundred rows at most: aggregates, read at once.
 */
export async function* exportComplianceCsv(now: Date, options: { teamIds?: string[] } = {}): AsyncGenerator<string> {
  const { teamIds } = options;
  const [figures, trend, overdue] = await Promise.all([
    complianceFigures(now, { teamIds }),
    complianceTrend(now, { teamIds }),
    overdueServers(now, { teamIds, perGroup: 1 }),
  ]);
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
  const share = (patched: number, resources: number) => (resources ? round(patched / resources) : null);
  const env = (e: string) => (e === "PRODUCTION" ? "production" : "non-production");
  const overdueOf = new Map(overdue.map((g) => [`${g.teamId}|${g.environment}`, g.servers]));
  yield writeCsv([
    COMPLIANCE_CSV_COLUMNS,
    ...figures.shares.map((s) => {
      const late = overdueOf.get(`${s.teamId}|${s.environment}`) ?? 0;
      return [
        "by-team",
        s.environment === "PRODUCTION" ? figures.quarters.production : figures.quarters.nonProduction,
        s.team,
        env(s.environment),
        s.resources,
        s.patched,
        share(s.patched, s.resources),
        late,
        s.resources ? round((s.resources - late) / s.resources) : null,
      ];
    }),
    ...(["production", "non-production"] as const).flatMap((environment) => {
      const within = environment === "production" ? trend.withinDeadline.production : trend.withinDeadline.nonProduction;
      return (environment === "production" ? trend.production : trend.nonProduction).map((p, i) => [
        "trend",
        p.quarter,
        null,
        environment,
        p.resources,
        p.patched,
        round(p.share),
        within[i] ? within[i].servers - within[i].withinDeadline : null,
        round(within[i]?.share ?? null),
      ]);
    }),
  ]);
}
