import "server-only";
import type { OutcomeStatus } from "@prisma/client";
import { cache } from "react";
import { db, execute, prepared, qb } from "../db";
import { freeze, type Frozen, type Store } from "../cache/store";
import { completedPartyOutcomes } from "../cache/stores";

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

export async function getFleetSummary() {
  const rows = await fleetCounts();
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

/** Outcome counts of one party: one aggregate query, once for a completed party. */
export async function getOutcomeCounts(party: { id: string; status: string }): Promise<Frozen<Record<OutcomeStatus, number>>> {
  const known = completedPartyOutcomes.get(party.id);
  if (known) return known;
  const rows = await db.patchOutcome.groupBy({ by: ["status"], where: { partyId: party.id }, _count: { _all: true } });
  const counts: Record<OutcomeStatus, number> = { PATCHED: 0, FAILED: 0, SKIPPED: 0 };
  for (const row of rows) counts[row.status] = row._count._all;
  return keepIfCompleted(completedPartyOutcomes, party, counts);
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
