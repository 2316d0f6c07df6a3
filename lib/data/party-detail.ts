// One party (stored, or projected from the rule) and what its pages show: per-slot counts,
// resources by group, excluded resources, outcomes. Counts are aggregates.
import { Prisma, type Environment, type OutcomeStatus, type ResourceKind } from "@prisma/client";
import { db, sql } from "../db";
import { parsePatchTag, partiesOfQuarter, partyKey, type CalendarParty, type PartyKind, type PatchGroup } from "../domain";
import { storedParty, type SlotCounts } from "./parties";
import { finalCountsOf, fleetCounts } from "./fleet";
import { listExecutionRows, type ExecutionPageQuery, type StateCounts } from "./execution-rows";
import type { ExecutionState } from "./executions";

export const environmentOf = (kind: PartyKind): Environment => (kind === "production" ? "PRODUCTION" : "NON_PRODUCTION");

export async function getParty(tag: string, kind: PartyKind): Promise<CalendarParty | null> {
  const quarter = parsePatchTag(tag);
  if (!quarter) return null;
  const { rule, party: stored } = await storedParty(tag, kind);
  if (stored) return { ...stored, stored: true };
  const projected = partiesOfQuarter(rule, quarter).find((p) => p.kind === kind);
  return projected ? { ...projected, id: null, status: "planned", sequence: 0, stored: false, manualReason: null, held: null } : null;
}

const empty = (): SlotCounts => ({ 1: 0, 2: 0, 3: 0 });

/** Each completed party's patched-or-tried counts per group (they never change, see finalCountsOf). */
const ranCounts = finalCountsOf<SlotCounts>();

/**
 * Per-slot counts for many parties in two aggregate queries: a party that has run counts the
 * resources it patched or tried to; one still to come counts the included resources now.
 */
export async function slotCounts(parties: CalendarParty[], now: Date, teamId?: string): Promise<Map<string, SlotCounts>> {
  const result = new Map<string, SlotCounts>();
  const ran = parties.filter((p) => p.id && p.endsAt <= now);
  // The whole party's counts are kept once it is completed; a team's are asked for rarely.
  const known = new Map<string, SlotCounts>();
  if (!teamId) {
    for (const p of ran) {
      const kept = ranCounts.get(p.id!);
      if (kept) known.set(p.id!, kept);
    }
  }
  const toCount = ran.filter((p) => !known.has(p.id!));
  const [outcomes, current] = await Promise.all([
    toCount.length
      ? db.patchOutcome.groupBy({
          by: ["partyId", "group"],
          where: { partyId: { in: toCount.map((p) => p.id!) }, status: { not: "SKIPPED" }, ...(teamId ? { resource: { teamId } } : {}) },
          _count: { _all: true },
        })
      : Promise.resolve([]),
    teamId
      ? db.resource
          .groupBy({ by: ["environment", "patchGroup"], where: { excluded: false, teamId }, _count: { _all: true } })
          .then((rows) => rows.map((r) => ({ environment: r.environment, patchGroup: r.patchGroup, count: r._count._all })))
      : fleetCounts().then((rows) => rows.filter((r) => !r.excluded)),
  ]);
  for (const party of toCount) known.set(party.id!, empty());
  for (const row of outcomes) known.get(row.partyId)![row.group as PatchGroup] = row._count._all;
  if (!teamId) for (const party of toCount) ranCounts.keep({ id: party.id!, status: party.status }, known.get(party.id!)!);
  for (const party of parties) {
    if (party.id && party.endsAt <= now) {
      result.set(partyKey(party), known.get(party.id)!);
      continue;
    }
    const counts = empty();
    for (const row of current) if (row.environment === environmentOf(party.kind)) counts[row.patchGroup as PatchGroup] = row.count;
    result.set(partyKey(party), counts);
  }
  return result;
}

export const PARTY_PAGE_SIZE = 50;

type PartyResourceRow = {
  id: string;
  name: string;
  kind: ResourceKind;
  lastOutcome: OutcomeStatus | null;
  team: { name: string };
  cluster: { name: string } | null;
};

/** Included resources of a party's environment and group, by name (keyset on the name). Raw, like readParties. */
export async function listPartyResources(kind: PartyKind, group: PatchGroup, after: string | undefined, teamId?: string) {
  const rows = await sql<PartyResourceRow>`
    SELECT r.id, r.name, r.kind::text AS kind, r."lastOutcome"::text AS "lastOutcome", json_build_object('name', t.name) AS team,
           CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('name', c.name) END AS cluster
    FROM "Resource" r JOIN "Team" t ON t.id = r."teamId" LEFT JOIN "Cluster" c ON c.id = r."clusterId"
    WHERE r.environment = ${environmentOf(kind)}::"Environment" AND NOT r.excluded AND r."patchGroup" = ${group}
      ${teamId ? Prisma.sql`AND r."teamId" = ${teamId}` : Prisma.empty} ${after ? Prisma.sql`AND r.name > ${after}` : Prisma.empty}
    ORDER BY r.name LIMIT ${PARTY_PAGE_SIZE + 1}`;
  return { rows: rows.slice(0, PARTY_PAGE_SIZE), next: rows.length > PARTY_PAGE_SIZE ? rows[PARTY_PAGE_SIZE - 1]!.name : null };
}

/** A party page shows this many of its excluded resources; the resource list has them all. */
export const PARTY_EXCLUDED_SHOWN = 50;

/** Excluded resources of a party's environment, with who and why (the first few, and how many). */
export async function listPartyExcluded(kind: PartyKind, teamIds?: string[]) {
  const where = Prisma.sql`r.environment = ${environmentOf(kind)}::"Environment" AND r.excluded ${teamIds ? Prisma.sql`AND r."teamId" = ANY(${teamIds})` : Prisma.empty}`;
  const [rows, total] = await Promise.all([
    sql<{
      id: string;
      name: string;
      patchGroup: number;
      exclusionReason: string | null;
      excludedAt: Date | null;
      exclusionUntil: Date | null;
      team: { name: string };
    }>`
      SELECT r.id, r.name, r."patchGroup", r."exclusionReason", r."excludedAt", r."exclusionUntil", json_build_object('name', t.name) AS team
      FROM "Resource" r JOIN "Team" t ON t.id = r."teamId" WHERE ${where} ORDER BY r.name LIMIT ${PARTY_EXCLUDED_SHOWN}`,
    // The whole fleet's count is kept by the database (fleetCounts, read once per request anyway).
    teamIds
      ? sql<{ n: number }>`SELECT count(*)::int AS n FROM "Resource" r WHERE ${where}`.then(([row]) => row!.n)
      : fleetCounts().then((counts) => counts.reduce((sum, c) => (c.excluded && c.environment === environmentOf(kind) ? sum + c.count : sum), 0)),
  ]);
  return { rows, total };
}

/** A party's executions per slot and state, in one aggregate (index partyId, partyGroup). */
export async function slotExecutionCounts(partyId: string): Promise<Map<number, StateCounts>> {
  const rows = await sql<{ group: number; state: ExecutionState; n: number }>`
    SELECT "partyGroup" AS "group", state::text AS state, count(*)::int AS n FROM "Execution" WHERE "partyId" = ${partyId} GROUP BY 1, 2`;
  const counts = new Map<number, StateCounts>();
  for (const r of rows) counts.set(r.group, { ...counts.get(r.group), [r.state]: r.n });
  return counts;
}

/** One page of a slot's executions, by member name, optionally in one state. */
export function listSlotExecutions(partyId: string, group: number, query: ExecutionPageQuery) {
  return listExecutionRows(Prisma.sql`e."partyId" = ${partyId} AND e."partyGroup" = ${group}`, query);
}
