import type { OutcomeStatus } from "@prisma/client";
import { cache } from "react";
import { db } from "../db";

/**
 * Resources by environment, exclusion and group: one index-only aggregate that the home page's
 * figures, the next parties' slot counts and a party's slots all read (once per request).
 */
export const fleetCounts = cache(() => db.resource.groupBy({ by: ["environment", "excluded", "patchGroup"], _count: { _all: true } }));

export async function getFleetSummary() {
  const rows = await fleetCounts();
  const summary = { production: 0, nonProduction: 0, excluded: 0, total: 0 };
  for (const row of rows) {
    const n = row._count._all;
    summary.total += n;
    if (row.environment === "PRODUCTION") summary.production += n;
    else summary.nonProduction += n;
    if (row.excluded) summary.excluded += n;
  }
  return summary;
}

/** Outcome counts of one party: one aggregate query. */
export async function getOutcomeCounts(partyId: string): Promise<Record<OutcomeStatus, number>> {
  const rows = await db.patchOutcome.groupBy({ by: ["status"], where: { partyId }, _count: { _all: true } });
  const counts: Record<OutcomeStatus, number> = { PATCHED: 0, FAILED: 0, SKIPPED: 0 };
  for (const row of rows) counts[row.status] = row._count._all;
  return counts;
}

/** The most recent party that has ended, if any. */
export function getLastCompletedParty(now: Date) {
  return db.party.findFirst({
    where: { endsAt: { lte: now }, status: { not: "CANCELLED" } },
    orderBy: { endsAt: "desc" },
    select: { id: true, tag: true, kind: true, localDate: true },
  });
}
