// The compliance dashboard's figures: how much of the fleet the latest quarter patched, by team
// and environment, and what needs following up. A few aggregate queries, whatever the fleet size.
import "server-only";
import { expressionBuilder, sql, type Expression } from "kysely";
import { db, execute, qb } from "../db";
import type { DB } from "../database/generated/kysely";
import { longExclusions } from "./exclusion-report";

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
