// The compliance dashboard's figures: how much of the fleet the latest quarter patched, by team
// and environment, and what needs following up. A few aggregate queries, whatever the fleet size.
import "server-only";
import { expressionBuilder, sql, type Expression } from "kysely";
import { db, execute, qb } from "../db";
import type { DB } from "../database/generated/kysely";
import { writeCsv } from "./csv";
import { longExclusions } from "./exclusion-report";
import { complianceTrend as trendOf, trendQuarters, type ComplianceTrend, type TrendCounts } from "../domain/compliance-trend";

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
 * Share patched per quarter over the last eight, per environment: each party that is over (not
 * cancelled) with the resources of its environment that existed when it ended, and how many of
 * them it patched. One statement: two counts per party, each answered from an index
 * (PatchOutcome's partyId, status), whatever the fleet size.
 */
export async function complianceTrend(now: Date, options: { teamIds?: string[]; timeZone?: string } = {}): Promise<ComplianceTrend> {
  const quarters = trendQuarters(now, options.timeZone);
  const teamIds = options.teamIds ?? null;
  const rows = await execute(
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
  );
  const counts: TrendCounts[] = rows.map((r) => ({
    tag: r.tag,
    environment: r.kind === "PRODUCTION" ? "production" : "non-production",
    resources: r.resources ?? 0,
    patched: r.patched ?? 0,
  }));
  return trendOf(counts, quarters);
}

export const COMPLIANCE_CSV_COLUMNS = ["section", "quarter", "team", "environment", "resources", "patched", "share"] as const;

/**
 * The dashboard's figures as CSV: a `by-team` row per team and environment (the latest party of
 * that environment), then a `trend` row per quarter and environment. A few hundred rows at most:
 * aggregates, read at once.
 */
export async function* exportComplianceCsv(now: Date): AsyncGenerator<string> {
  const [figures, trend] = await Promise.all([complianceFigures(now), complianceTrend(now)]);
  const share = (patched: number, resources: number) => (resources ? Math.round((patched / resources) * 10_000) / 10_000 : null);
  const env = (e: string) => (e === "PRODUCTION" ? "production" : "non-production");
  yield writeCsv([
    COMPLIANCE_CSV_COLUMNS,
    ...figures.shares.map((s) => [
      "by-team",
      s.environment === "PRODUCTION" ? figures.quarters.production : figures.quarters.nonProduction,
      s.team,
      env(s.environment),
      s.resources,
      s.patched,
      share(s.patched, s.resources),
    ]),
    ...(["production", "non-production"] as const).flatMap((environment) =>
      (environment === "production" ? trend.production : trend.nonProduction).map((p) => [
        "trend",
        p.quarter,
        null,
        environment,
        p.resources,
        p.patched,
        p.share === null ? null : Math.round(p.share * 10_000) / 10_000,
      ]),
    ),
  ]);
}
