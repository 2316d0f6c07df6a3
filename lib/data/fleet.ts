import "server-only";
import type { OutcomeStatus } from "@prisma/client";
import { cache } from "react";
import { db, execute, prepared, qb } from "../db";
import { freeze, type Frozen, type Store } from "../cache/store";
import { completedPartyOutcomes } from "../cache/stores";
import type { TeamScope } from "../auth/permissions";

/**
 * Resources by environment, exclusion and group, as the database keeps them (FleetCount, triggers
 * on Resource; a bucket's count is the sum of its shards). The home page's figures, the next
 * parties' slot counts and a party's slots all read it, once per request: a few rows instead of
 * an aggregate over the whole fleet.
 */
export const fleetCounts = cache(() => execute(fleetCountRows({})));

const fleetCountRows = prepared((_: Record<string, never>) =>
  qb
    .selectFrom("FleetCount")
    .select((eb) => ["environment", "excluded", "patchGroup", eb.cast<number>(eb.fn.sum("count"), "integer").as("count")])
    .groupBy(["environment", "excluded", "patchGroup"])
    .having((eb) => eb.fn.sum("count"), "<>", 0),
);

type FleetCountRow = Awaited<ReturnType<typeof fleetCounts>>[number];

/**
 * `fleetCounts` of the teams a reader may see (`readableTeams`, issue 21): an owner's figures are
 * their teams' servers', counted from them (index teamId); null reads the whole fleet's, kept by
 * the database. Retired servers are in neither.
 */
export async function teamFleetCounts(teams: TeamScope): Promise<readonly FleetCountRow[]> {
  if (teams === null) return fleetCounts();
  if (teams.length === 0) return [];
  return execute(
    qb
      .selectFrom("Resource")
      .select((eb) => ["environment", "excluded", "patchGroup", eb.cast<number>(eb.fn.countAll(), "integer").as("count")])
      .where("teamId", "in", [...teams])
      .where("retiredAt", "is", null)
      .groupBy(["environment", "excluded", "patchGroup"]),
  );
}

/** The home page's figures: the whole fleet's, or an owner's teams' (`readableTeams`). */
export async function getFleetSummary(teams: TeamScope) {
  const rows = await teamFleetCounts(teams);
  const summary = { production: 0, nonProduction: 0, excluded: 0, total: 0 };
  for (const row of rows) {
    const n = row.count;
    summary.total += n;
    if (row.environment === "PRODUCTION") summary.production += n;
    else summary.nonProduction += n;
    if (row.excluded) summary.excluded += n;
  }
  return summary;
}

/**
 * Keeps `value` in `store` if the party is completed: its counts never change after that, because
 * outcomes are written only while one of its runs is open, a party is COMPLETED only once it has
 * ended with no run open, and resources are never deleted. A party still running is counted every time.
 */
export function keepIfCompleted<V>(store: Store<V>, party: { id: string; status: string }, value: V): Frozen<V> {
  return party.status.toUpperCase() === "COMPLETED" ? store.set(party.id, value) : freeze(value);
}

/**
 * Outcome counts of one party: one aggregate query, once for a completed party. Of the servers of
 * `teams` (a reader's `readableTeams`), counted each time; null counts all.
 */
export async function getOutcomeCounts(party: { id: string; status: string }, teams: TeamScope): Promise<Frozen<Record<OutcomeStatus, number>>> {
  const known = teams === null ? completedPartyOutcomes.get(party.id) : undefined;
  if (known) return known;
  const rows = await db.patchOutcome.groupBy({
    by: ["status"],
    where: { partyId: party.id, ...(teams ? { resource: { teamId: { in: [...teams] } } } : {}) },
    _count: { _all: true },
  });
  const counts: Record<OutcomeStatus, number> = { PATCHED: 0, FAILED: 0, SKIPPED: 0 };
  for (const row of rows) counts[row.status] = row._count._all;
  return teams === null ? keepIfCompleted(completedPartyOutcomes, party, counts) : freeze(counts);
}

const lastEnded = prepared((v: { now: Date }) =>
  qb
    .selectFrom("Party")
    .select(["id", "tag", "kind", "localDate", "status"])
    .where("endsAt", "<=", v.now)
    .where("status", "<>", "CANCELLED")
    .orderBy("endsAt", "desc")
    .limit(1),
);

/** The most recent party that has ended, if any. */
export async function getLastCompletedParty(now: Date) {
  // The home page asks on every request: a model query costs ~1 ms of the server's CPU to plan, building this one 0.1 ms.
  const [party] = await execute(lastEnded({ now }));
  return party ?? null;
}
