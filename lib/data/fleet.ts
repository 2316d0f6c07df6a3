import type { OutcomeStatus } from "@prisma/client";
import { cache } from "react";
import { db, execute, qb } from "../db";
import { boundedMap } from "../domain/memo";

/**
 * Resources by environment, exclusion and group, as the database keeps them (FleetCount, triggers
 * on Resource; a bucket's count is the sum of its shards). The home page's figures, the next
 * parties' slot counts and a party's slots all read it, once per request: a few rows instead of
 * an aggregate over the whole fleet.
 */
export const fleetCounts = cache(() =>
  execute(
    qb
      .selectFrom("FleetCount")
      .select((eb) => ["environment", "excluded", "patchGroup", eb.cast<number>(eb.fn.sum("count"), "integer").as("count")])
      .groupBy(["environment", "excluded", "patchGroup"])
      .having((eb) => eb.fn.sum("count"), "<>", 0),
  ),
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
 * Counts that never change once a party is COMPLETED: outcomes are written only while one of its
 * runs is open, a party is COMPLETED only once it has ended with no run open, and resources are
 * never deleted. Kept per party in the process; a party still running is counted every time.
 * Both ways a copy, so that no caller changes what the next one reads.
 */
export function finalCountsOf<V extends object>() {
  const values = boundedMap<V>(2_000);
  return {
    get(partyId: string): V | undefined {
      const kept = values.get(partyId);
      return kept && { ...kept };
    },
    keep(party: { id: string; status: string }, value: V) {
      if (party.status.toUpperCase() === "COMPLETED") values.set(party.id, { ...value });
    },
  };
}

const outcomeCounts = finalCountsOf<Record<OutcomeStatus, number>>();

/** Outcome counts of one party: one aggregate query, once for a completed party. */
export async function getOutcomeCounts(party: { id: string; status: string }): Promise<Record<OutcomeStatus, number>> {
  const known = outcomeCounts.get(party.id);
  if (known) return known;
  const rows = await db.patchOutcome.groupBy({ by: ["status"], where: { partyId: party.id }, _count: { _all: true } });
  const counts: Record<OutcomeStatus, number> = { PATCHED: 0, FAILED: 0, SKIPPED: 0 };
  for (const row of rows) counts[row.status] = row._count._all;
  outcomeCounts.keep(party, counts);
  return counts;
}

/** The most recent party that has ended, if any. */
export async function getLastCompletedParty(now: Date) {
  // Raw: the home page asks on every request (a model query costs ~1 ms of the server's CPU to plan).
  const [party] = await execute(
    qb
      .selectFrom("Party")
      .select(["id", "tag", "kind", "localDate", "status"])
      .where("endsAt", "<=", now)
      .where("status", "<>", "CANCELLED")
      .orderBy("endsAt", "desc")
      .limit(1),
  );
  return party ?? null;
}
