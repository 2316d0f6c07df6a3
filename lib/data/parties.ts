// Parties: stored ones plus the rule's projection, generation, and per-slot counts.
import "server-only";
import type { Prisma, Party as PartyRow } from "@prisma/client";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import { db, execute, jsonTimestamp, qb } from "../db";
import {
  partiesInRange,
  planGeneration,
  type CalendarParty,
  type GenerationPlan,
  type PartyKind,
  type PartyStatus,
  type PatchGroup,
  type PartyRule,
  type PlannedParty,
  type StoredParty,
} from "../domain";
import { keptPartiesOfQuarter, partiesAndRule } from "../cache/stores";
import { recordAudit, type Actor } from "./audit";
import { rebindPartyChanges } from "./change-binding";
import { partyData, recordEvents, type NewEvent } from "./webhooks";
import { getPartyRule } from "./party-rule";
import { teamFleetCounts } from "./fleet";
import type { TeamScope } from "../auth/permissions";

export const toDbKind = (kind: PartyKind): PartyRow["kind"] => (kind === "qa" ? "QA" : "PRODUCTION");
export const fromDbKind = (kind: PartyRow["kind"]): PartyKind => (kind === "QA" ? "qa" : "production");

export function toStoredParty(row: Omit<PartyRow, "createdAt" | "updatedAt"> & { slots: { group: number; startsAt: Date; endsAt: Date }[] }): StoredParty {
  return {
    id: row.id,
    tag: row.tag,
    kind: fromDbKind(row.kind),
    localDate: row.localDate,
    timeZone: row.timeZone,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    status: row.status.toLowerCase() as PartyStatus,
    sequence: row.sequence,
    manualReason: row.manualReason,
    held: row.heldAt && row.heldReason ? { at: row.heldAt, by: row.heldBy ?? "an admin", reason: row.heldReason } : null,
    slots: [...row.slots].sort((a, b) => a.group - b.group).map((s) => ({ group: s.group as PatchGroup, startsAt: s.startsAt, endsAt: s.endsAt })),
  };
}

/**
 * Every party with its slots in one statement (in `tx`, or alone when null). One builder statement, not a relation query, because the calendar, the
 * home page, the feed and the parties API all read parties on every request, and one statement
 * costs a third of the Node time of the same read through a model query (docs/benchmarks.md).
 */
export async function readParties(tx: Prisma.TransactionClient | null): Promise<StoredParty[]> {
  const query = qb
    .selectFrom("Party as p")
    .select((eb) => [
      "p.id",
      "p.tag",
      "p.kind",
      "p.localDate",
      "p.timeZone",
      "p.startsAt",
      "p.endsAt",
      "p.status",
      "p.sequence",
      "p.manualReason",
      "p.heldAt",
      "p.heldBy",
      "p.heldReason",
      // In JSON the slots' timestamps are text (UTC without the zone): read below with jsonTimestamp.
      jsonArrayFrom(eb.selectFrom("PartySlot as s").select(["s.group", "s.startsAt", "s.endsAt"]).whereRef("s.partyId", "=", "p.id")).as("slots"),
    ])
    .orderBy("p.startsAt");
  const rows = await execute(query, tx ?? undefined);
  return rows.map((row) =>
    toStoredParty({ ...row, slots: row.slots.map((s) => ({ group: s.group, startsAt: jsonTimestamp(s.startsAt), endsAt: jsonTimestamp(s.endsAt) })) }),
  );
}

/** Parties last less than a day: one that starts this long before a range cannot reach into it. */
const PARTY_REACH_MS = 2 * 86_400_000;

/**
 * The rule and every stored party, kept until the parties' database token moves
 * (lib/cache/versioned.ts): the calendar, the home page, the feed, the parties API, a party's page
 * and a resource's patch status read them on every request, and they change a few times a week.
 * ~50 parties a year, so all of them are kept, frozen: every request shares them.
 */
const readPartiesAndRule = () =>
  partiesAndRule.read(async () => {
    const [rule, stored] = await Promise.all([getPartyRule(), readParties(null)]);
    return { rule, stored };
  });

/** Every party of [from, to): stored ones as stored, the rest projected from the rule. */
export async function listParties(from: Date, to: Date): Promise<CalendarParty[]> {
  const { rule, stored } = await readPartiesAndRule();
  const after = from.getTime() - PARTY_REACH_MS;
  return partiesInRange(
    rule,
    stored.filter((p) => p.startsAt < to && p.startsAt.getTime() >= after),
    from,
    to,
    keptPartiesOfQuarter,
  );
}

/** The rule, and the party of `tag` and `kind` if it is stored, from the kept parties. */
export async function storedParty(tag: string, kind: PartyKind): Promise<{ rule: PartyRule; party: StoredParty | null }> {
  const { rule, stored } = await readPartiesAndRule();
  return { rule, party: stored.find((p) => p.tag === tag && p.kind === kind) ?? null };
}

const GENERATION_LOCK = 72_616_002;

/** Parties are stored this many days ahead (the daily job, the start, a rule change); the rule projects the rest. */
export const PARTY_HORIZON_DAYS = 730;

function slotRows(party: PlannedParty) {
  return party.slots.map((s) => ({ group: s.group, startsAt: s.startsAt, endsAt: s.endsAt }));
}

/** One generation at a time, across processes and instances: the rest of the transaction runs under it. */
export async function lockGeneration(tx: Prisma.TransactionClient) {
  // As text: a transaction's client cannot read a void column.
  await execute(
    qb.selectNoFrom((eb) => eb.cast<string>(eb.fn("pg_advisory_xact_lock", [eb.val(GENERATION_LOCK)]), "text").as("locked")),
    tx,
  );
}

/** Carries out a generation plan in `tx` (creates and moves, each audited with `reason`). */
export async function applyGeneration(
  tx: Prisma.TransactionClient,
  plan: GenerationPlan,
  stored: readonly StoredParty[],
  actor: Actor,
  now: Date,
  reason = "The party rule changed",
) {
  const events: NewEvent[] = [];
  for (const party of plan.create) {
    const created = await tx.party.create({
      data: {
        tag: party.tag,
        kind: toDbKind(party.kind),
        localDate: party.localDate,
        timeZone: party.timeZone,
        startsAt: party.startsAt,
        endsAt: party.endsAt,
        status: party.endsAt <= now ? "COMPLETED" : "PLANNED",
        slots: { create: slotRows(party) },
      },
      select: { id: true },
    });
    await recordAudit(tx, {
      actor,
      action: "party.generate",
      entityType: "party",
      entityId: created.id,
      entityLabel: `${party.tag} ${party.kind}`,
      after: { localDate: party.localDate, startsAt: party.startsAt.toISOString(), endsAt: party.endsAt.toISOString() },
    });
    // A party of the past (a first generation's history) was never "scheduled" for anyone.
    if (party.endsAt > now) events.push({ type: "party.scheduled", data: { party: partyData(party) } });
  }
  for (const move of plan.move) {
    const before = stored.find((p) => p.id === move.id);
    await tx.partySlot.deleteMany({ where: { partyId: move.id } });
    await tx.party.update({
      where: { id: move.id },
      data: {
        localDate: move.party.localDate,
        timeZone: move.party.timeZone,
        startsAt: move.party.startsAt,
        endsAt: move.party.endsAt,
        sequence: move.sequence,
        slots: { create: slotRows(move.party) },
      },
    });
    await recordAudit(tx, {
      actor,
      action: "party.reschedule",
      entityType: "party",
      entityId: move.id,
      entityLabel: `${move.party.tag} ${move.party.kind}`,
      before: before ? { localDate: before.localDate, startsAt: before.startsAt.toISOString() } : undefined,
      after: { localDate: move.party.localDate, startsAt: move.party.startsAt.toISOString() },
      reason,
    });
    events.push({
      type: "party.moved",
      data: {
        party: partyData(move.party),
        from: before ? { startsAt: before.startsAt.toISOString(), endsAt: before.endsAt.toISOString() } : null,
        reason,
      },
    });
  }
  await recordEvents(tx, events, now);
  // A moved party's approved change no longer holds (issue 16): back to an approver.
  await rebindPartyChanges(
    tx,
    plan.move.map((m) => ({ id: m.id, startsAt: m.party.startsAt, endsAt: m.party.endsAt, slots: m.party.slots })),
    actor,
    now,
  );
  return { created: plan.create.length, moved: plan.move.length };
}

/**
 * Stores the parties of [from, to). Safe to run twice and from several instances at once
 * (one transaction under an advisory lock); past parties are never moved.
 */
export async function generateParties(
  from: Date,
  to: Date,
  now: Date,
  actor: Actor,
  options: { includePast?: boolean } = {},
): Promise<{ created: number; moved: number }> {
  const rule = await getPartyRule();
  return db.$transaction(
    async (tx) => {
      await lockGeneration(tx);
      // Every stored party (two a quarter: a few hundred rows at most), not only those of the range:
      // a quarter's pair is planned whole, and a party that exists must never be created again.
      const stored = await readParties(tx);
      return applyGeneration(tx, planGeneration(rule, stored, from, to, now, options), stored, actor, now);
    },
    { timeout: 60_000 },
  );
}

export type SlotCounts = Record<PatchGroup, number>;

/**
 * Resources that take part in an upcoming party of `kind`, per group: not excluded, in the
 * party's environment. One aggregate query.
 */
export async function countIncludedByGroup(kind: PartyKind, teams: TeamScope): Promise<SlotCounts> {
  const environment = kind === "production" ? "PRODUCTION" : "NON_PRODUCTION";
  const counts: SlotCounts = { 1: 0, 2: 0, 3: 0 };
  for (const row of await teamFleetCounts(teams)) if (row.environment === environment && !row.excluded) counts[row.patchGroup as PatchGroup] = row.count;
  return counts;
}

/** The next QA and production parties that have not ended, with their included counts (of a reader's teams: `readableTeams`). */
export async function getNextParties(now: Date, teams: TeamScope) {
  const parties = await listParties(now, new Date(now.getTime() + 400 * 86_400_000));
  const open = parties.filter((p) => p.status !== "cancelled" && p.status !== "completed" && p.endsAt > now);
  const qa = open.find((p) => p.kind === "qa") ?? null;
  const production = open.find((p) => p.kind === "production") ?? null;
  const [qaCounts, productionCounts] = await Promise.all([countIncludedByGroup("qa", teams), countIncludedByGroup("production", teams)]);
  return {
    qa: qa && { party: qa, counts: qaCounts },
    production: production && { party: production, counts: productionCounts },
  };
}
