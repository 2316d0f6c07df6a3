// Exclusion hygiene: resources left out of more than two parties in a row, and reminders to
// owners before a party of what they have excluded from it.
import { db, sql } from "../db";
import type { PartyKind } from "../domain";

export type LongExclusion = {
  id: string;
  name: string;
  environment: string;
  team: string;
  teamId: string;
  excludedAt: Date;
  reason: string | null;
  until: Date | null;
  missed: number;
};

/**
 * Resources excluded without a break through more than `atLeast - 1` parties of their environment
 * (not cancelled) that have started since: "more than two parties in a row" is `atLeast = 3`.
 */
export async function longExclusions(now: Date, options: { atLeast?: number; teamIds?: string[]; limit?: number } = {}): Promise<LongExclusion[]> {
  const atLeast = options.atLeast ?? 3;
  const teamIds = options.teamIds ?? null;
  return sql<LongExclusion>`
    SELECT * FROM (
      SELECT r.id, r.name, r.environment::text AS environment, t.name AS team, t.id AS "teamId", r."excludedAt", r."exclusionReason" AS reason, r."exclusionUntil" AS until,
             (SELECT count(*)::int FROM "Party" p
              WHERE p.kind = (CASE WHEN r.environment = 'PRODUCTION' THEN 'PRODUCTION' ELSE 'QA' END)::"PartyKind"
                AND p.status <> 'CANCELLED' AND p."startsAt" > r."excludedAt" AND p."startsAt" <= ${now}) AS missed
      FROM "Resource" r JOIN "Team" t ON t.id = r."teamId"
      WHERE r.excluded AND r."excludedAt" IS NOT NULL AND (${teamIds}::text[] IS NULL OR r."teamId" = ANY(${teamIds}::text[]))
    ) x
    WHERE x.missed >= ${atLeast}
    ORDER BY x.missed DESC, x.name
    LIMIT ${options.limit ?? 500}`;
}

export const REMINDER_DAYS = 3;

/**
 * Records a reminder to each owner, REMINDER_DAYS before a party, of their resources excluded
 * from it (one per owner and party; the dedupe key makes a second run record nothing).
 */
export async function planExclusionReminders(now: Date): Promise<number> {
  const parties = await db.party.findMany({
    where: { status: "PLANNED", startsAt: { gt: now, lte: new Date(now.getTime() + REMINDER_DAYS * 86_400_000) } },
    select: { id: true, tag: true, kind: true, startsAt: true, endsAt: true, sequence: true },
  });
  let recorded = 0;
  for (const party of parties) {
    const environment = party.kind === "PRODUCTION" ? "PRODUCTION" : "NON_PRODUCTION";
    const rows = await sql<{ email: string; name: string; resources: string[] }>`
      SELECT u.email, u.name, array_agg(r.name ORDER BY r.name) AS resources
      FROM "User" u JOIN "TeamMembership" m ON m."userId" = u.id JOIN "Resource" r ON r."teamId" = m."teamId"
      WHERE u.role = 'OWNER' AND r.excluded AND r.environment = ${environment}::"Environment"
      GROUP BY u.email, u.name`;
    const kindLabel = (party.kind.toLowerCase() as PartyKind) === "production" ? "production" : "QA";
    const { count } = await db.notification.createMany({
      skipDuplicates: true,
      data: rows.map((o) => ({
        dedupeKey: `party:${party.id}:exclusion-reminder:${party.sequence}:${o.email}`,
        kind: "exclusion-reminder",
        recipient: o.email,
        subject: `Reminder: ${o.resources.length} of your resources are excluded from Patch Party ${party.tag} (${kindLabel})`,
        body: `Hello ${o.name},\n\nthese resources of your teams are excluded from Patch Party ${party.tag} (${kindLabel}), which starts ${party.startsAt.toISOString().slice(0, 16).replace("T", " ")} UTC:\n\n${o.resources
          .slice(0, 200)
          .map((n) => `- ${n}`)
          .join(
            "\n",
          )}${o.resources.length > 200 ? `\n… and ${o.resources.length - 200} more` : ""}\n\nInclude them again on their pages in PatchParty if they should be patched.`,
        windowStart: party.startsAt,
        windowEnd: party.endsAt,
        partyId: party.id,
        sequence: party.sequence,
        createdAt: now,
        nextAttemptAt: now,
      })),
    });
    recorded += count;
  }
  return recorded;
}
