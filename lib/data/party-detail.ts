// One party (stored, or projected from the rule) and what its pages show: per-slot counts,
// resources by group, excluded resources, outcomes. Counts are aggregates.
import type { Environment } from "@prisma/client";
import { db } from "../db";
import { parsePatchTag, partiesOfQuarter, partyKey, type CalendarParty, type PartyKind, type PatchGroup } from "../domain";
import { getPartyRule } from "./party-rule";
import { toDbKind, toStoredParty, type SlotCounts } from "./parties";
import { fleetCounts } from "./fleet";

export const environmentOf = (kind: PartyKind): Environment => (kind === "production" ? "PRODUCTION" : "NON_PRODUCTION");

export async function getParty(tag: string, kind: PartyKind): Promise<CalendarParty | null> {
  const quarter = parsePatchTag(tag);
  if (!quarter) return null;
  const stored = await db.party.findUnique({ where: { tag_kind: { tag, kind: toDbKind(kind) } }, include: { slots: true } });
  if (stored) return { ...toStoredParty(stored), stored: true };
  const projected = partiesOfQuarter(await getPartyRule(), quarter).find((p) => p.kind === kind);
  return projected ? { ...projected, id: null, status: "planned", sequence: 0, stored: false, manualReason: null, held: null } : null;
}

const empty = (): SlotCounts => ({ 1: 0, 2: 0, 3: 0 });

/**
 * Per-slot counts for many parties in two aggregate queries: a party that has run counts the
 * resources it patched or tried to; one still to come counts the included resources now.
 */
export async function slotCounts(parties: CalendarParty[], now: Date, teamId?: string): Promise<Map<string, SlotCounts>> {
  const result = new Map<string, SlotCounts>();
  const ran = parties.filter((p) => p.id && p.endsAt <= now);
  const [outcomes, current] = await Promise.all([
    ran.length
      ? db.patchOutcome.groupBy({
          by: ["partyId", "group"],
          where: { partyId: { in: ran.map((p) => p.id!) }, status: { not: "SKIPPED" }, ...(teamId ? { resource: { teamId } } : {}) },
          _count: { _all: true },
        })
      : Promise.resolve([]),
    teamId
      ? db.resource.groupBy({ by: ["environment", "patchGroup"], where: { excluded: false, teamId }, _count: { _all: true } })
      : fleetCounts().then((rows) => rows.filter((r) => !r.excluded)),
  ]);
  const byParty = new Map<string, SlotCounts>();
  for (const row of outcomes) {
    const counts = byParty.get(row.partyId) ?? empty();
    counts[row.group as PatchGroup] = row._count._all;
    byParty.set(row.partyId, counts);
  }
  for (const party of parties) {
    if (party.id && party.endsAt <= now) {
      result.set(partyKey(party), byParty.get(party.id) ?? empty());
      continue;
    }
    const counts = empty();
    for (const row of current) if (row.environment === environmentOf(party.kind)) counts[row.patchGroup as PatchGroup] = row._count._all;
    result.set(partyKey(party), counts);
  }
  return result;
}

export const PARTY_PAGE_SIZE = 50;

/** The included resources of a party's environment in one group, by name (keyset). */
export async function listPartyResources(kind: PartyKind, group: PatchGroup, after: string | undefined, teamId?: string) {
  const rows = await db.resource.findMany({
    where: { environment: environmentOf(kind), excluded: false, patchGroup: group, ...(teamId ? { teamId } : {}), ...(after ? { name: { gt: after } } : {}) },
    orderBy: { name: "asc" },
    take: PARTY_PAGE_SIZE + 1,
    select: { id: true, name: true, kind: true, lastOutcome: true, team: { select: { name: true } }, cluster: { select: { name: true } } },
  });
  return { rows: rows.slice(0, PARTY_PAGE_SIZE), next: rows.length > PARTY_PAGE_SIZE ? rows[PARTY_PAGE_SIZE - 1]!.name : null };
}

/** A party page shows this many of its excluded resources; the resource list has them all. */
export const PARTY_EXCLUDED_SHOWN = 50;

/** Excluded resources of a party's environment, with who and why (the first few, and how many). */
export async function listPartyExcluded(kind: PartyKind, teamIds?: string[]) {
  const where = { environment: environmentOf(kind), excluded: true, ...(teamIds ? { teamId: { in: teamIds } } : {}) };
  const [rows, total] = await Promise.all([
    db.resource.findMany({
      where,
      orderBy: { name: "asc" },
      take: PARTY_EXCLUDED_SHOWN,
      select: { id: true, name: true, patchGroup: true, exclusionReason: true, excludedAt: true, exclusionUntil: true, team: { select: { name: true } } },
    }),
    db.resource.count({ where }),
  ]);
  return { rows, total };
}

