// The compliance dashboard's figures: how much of the fleet the latest quarter patched, by team
// and environment, and what needs following up. A few aggregate queries, whatever the fleet size.
import { db, sql } from "../db";
import { longExclusions } from "./exclusion-report";

export type TeamShare = { teamId: string; team: string; environment: "PRODUCTION" | "NON_PRODUCTION"; resources: number; patched: number };

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
    sql<TeamShare>`
      SELECT t.id AS "teamId", t.name AS team, r.environment::text AS environment, count(*)::int AS resources, count(o.id)::int AS patched
      FROM "Resource" r JOIN "Team" t ON t.id = r."teamId"
      LEFT JOIN "PatchOutcome" o ON o."resourceId" = r.id AND o.status = 'PATCHED'
        AND o."partyId" = (CASE WHEN r.environment = 'PRODUCTION' THEN ${prodParty}::text ELSE ${qaParty}::text END)
      WHERE ${teamIds}::text[] IS NULL OR r."teamId" = ANY(${teamIds}::text[])
      GROUP BY t.id, t.name, r.environment
      ORDER BY t.name, r.environment DESC`,
    sql<{ name: string; team: string; environment: string; excluded: boolean }>`
      SELECT r.name, t.name AS team, r.environment::text AS environment, r.excluded FROM "Resource" r JOIN "Team" t ON t.id = r."teamId"
      WHERE r."lastPatchedAt" IS NULL AND (${teamIds}::text[] IS NULL OR r."teamId" = ANY(${teamIds}::text[]))
      ORDER BY r.name LIMIT 1000`,
    sql<{ name: string; team: string; environment: string; lastPatchTag: string | null; message: string | null; finishedAt: Date }>`
      SELECT r.name, t.name AS team, r.environment::text AS environment, r."lastPatchTag", o.message, o."finishedAt"
      FROM "Resource" r JOIN "Team" t ON t.id = r."teamId"
      JOIN LATERAL (SELECT message, "finishedAt" FROM "PatchOutcome" WHERE "resourceId" = r.id ORDER BY "finishedAt" DESC LIMIT 1) o ON true
      WHERE r."lastOutcome" = 'FAILED' AND (${teamIds}::text[] IS NULL OR r."teamId" = ANY(${teamIds}::text[]))
      ORDER BY o."finishedAt" DESC, r.name LIMIT 1000`,
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
