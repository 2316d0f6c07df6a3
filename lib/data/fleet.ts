import type { OutcomeStatus } from "@prisma/client";
import { db } from "../db";

/** Resources per environment and how many are excluded: one aggregate query. */
export async function getFleetSummary() {
  const rows = await db.resource.groupBy({ by: ["environment", "excluded"], _count: { _all: true } });
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
