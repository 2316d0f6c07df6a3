// Exclusion hygiene: resources left out of more than two parties in a row, and reminders to
// owners before a party of what they have excluded from it.
import "server-only";
import { createHash } from "node:crypto";
import { sql, type NotNull } from "kysely";
import { db, execute, qb } from "../db";
import { portalUrl, recordEvents } from "./webhooks";
import type { PartyKind as DbPartyKind } from "../database/generated/kysely";
import type { PartyKind } from "../domain";

/**
 * Resources excluded without a break through more than `atLeast - 1` parties of their environment
 * (not cancelled) that have started since: "more than two parties in a row" is `atLeast = 3`.
 */
export async function longExclusions(now: Date, options: { atLeast?: number; teamIds?: string[]; limit?: number } = {}) {
  const atLeast = options.atLeast ?? 3;
  const teamIds = options.teamIds ?? null;
  const excluded = qb
    .selectFrom("Resource as r")
    .innerJoin("Team as t", "t.id", "r.teamId")
    .select((eb) => [
      "r.id",
      "r.name",
      "r.environment",
      "t.name as team",
      "t.id as teamId",
      "r.excludedAt",
      "r.exclusionReason as reason",
      "r.exclusionUntil as until",
      eb
        .selectFrom("Party as p")
        .select((p) => p.cast<number>(p.fn.countAll(), "integer").as("n"))
        .where(
          "p.kind",
          "=",
          eb.cast<DbPartyKind>(
            eb.case().when("r.environment", "=", sql.lit("PRODUCTION")).then(sql.lit("PRODUCTION")).else(sql.lit("QA")).end(),
            sql`"PartyKind"`,
          ),
        )
        .where("p.status", "<>", sql.lit("CANCELLED"))
        .whereRef("p.startsAt", ">", "r.excludedAt")
        .where("p.startsAt", "<=", now)
        .$asScalar()
        .as("missed"),
    ])
    .where((eb) =>
      eb.and([
        eb.ref("r.excluded"),
        eb("r.excludedAt", "is not", null),
        // One statement text for all teams (null) and for some.
        eb.or([eb(eb.cast(eb.val(teamIds), sql`text[]`), "is", null), eb("r.teamId", "=", eb.fn.any(eb.cast<string[]>(eb.val(teamIds), sql`text[]`)))]),
      ]),
    )
    .$narrowType<{ excludedAt: NotNull }>(); // as the WHERE says
  return execute(
    qb
      .selectFrom(excluded.as("x"))
      .selectAll()
      .where("x.missed", ">=", atLeast)
      .orderBy("x.missed", "desc")
      .orderBy("x.name")
      .limit(options.limit ?? 500),
  );
}

export type LongExclusion = Awaited<ReturnType<typeof longExclusions>>[number];

export const REMINDER_DAYS = 3;

/**
 * Records a reminder to each owner, REMINDER_DAYS before a party, of their resources excluded
 * from it (one per owner and party; the dedupe key makes a second run record nothing).
 */
export async function planExclusionReminders(now: Date): Promise<number> {
  await planExpiringExclusionEvents(now);
  const parties = await db.party.findMany({
    where: { status: "PLANNED", startsAt: { gt: now, lte: new Date(now.getTime() + REMINDER_DAYS * 86_400_000) } },
    select: { id: true, tag: true, kind: true, startsAt: true, endsAt: true, sequence: true },
  });
  let recorded = 0;
  for (const party of parties) {
    const environment = party.kind === "PRODUCTION" ? "PRODUCTION" : "NON_PRODUCTION";
    const rows = await execute(
      qb
        .selectFrom("User as u")
        .innerJoin("TeamMembership as m", "m.userId", "u.id")
        .innerJoin("Resource as r", "r.teamId", "m.teamId")
        .select((eb) => ["u.email", "u.name", eb.fn.agg<string[]>("array_agg", ["r.name"]).orderBy("r.name").as("resources")])
        .where((eb) => eb.and([eb("u.role", "=", sql.lit("OWNER")), eb.ref("r.excluded"), eb("r.environment", "=", environment)]))
        .groupBy(["u.email", "u.name"]),
    );
    const kindLabel = (party.kind.toLowerCase() as PartyKind) === "production" ? "production" : "QA";
    const { count } = await db.notification.createMany({
      skipDuplicates: true,
      data: rows.map((o) => ({
        // Once per party and owner unless what it says changes (the party's start, the resources): not once per move.
        dedupeKey: `party:${party.id}:exclusion-reminder:${createHash("sha256")
          .update(`${party.startsAt.toISOString()}|${o.resources.join(",")}`)
          .digest("hex")
          .slice(0, 16)}:${o.email}`,
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

/**
 * The `exclusion.expiring` event of each exclusion that ends within REMINDER_DAYS: once per
 * resource and expiry (the event's id), however often this runs; a new expiry is a new event.
 */
export async function planExpiringExclusionEvents(now: Date): Promise<number> {
  const ending = await execute(
    qb
      .selectFrom("Resource as r")
      .innerJoin("Team as t", "t.id", "r.teamId")
      .leftJoin("User as u", "u.id", "r.excludedById")
      .select(["r.id", "r.name", "r.environment", "r.exclusionReason", "r.exclusionUntil", "r.excludedAt", "t.name as team", "u.email as excludedBy"])
      .where("r.excluded", "=", true)
      .where("r.exclusionUntil", ">", now)
      .where("r.exclusionUntil", "<=", new Date(now.getTime() + REMINDER_DAYS * 86_400_000))
      .orderBy("r.exclusionUntil")
      .limit(5000),
  );
  if (ending.length === 0) return 0;
  return db.$transaction((tx) =>
    recordEvents(
      tx,
      ending.map((r) => ({
        type: "exclusion.expiring" as const,
        id: `exclusion-expiring_${r.id}_${r.exclusionUntil!.getTime()}`,
        data: {
          resource: {
            name: r.name,
            team: r.team,
            environment: r.environment === "PRODUCTION" ? "production" : "non-production",
            url: portalUrl(`/resources/${encodeURIComponent(r.name)}`),
          },
          until: r.exclusionUntil!.toISOString(),
          reason: r.exclusionReason,
          excludedAt: r.excludedAt?.toISOString() ?? null,
          excludedBy: r.excludedBy,
        },
      })),
      now,
    ),
  );
}
