import "server-only";
import type { OutcomeStatus } from "@prisma/client";
import { cache } from "react";
import { execute, prepared, qb } from "../db";
import { freeze, type Frozen } from "../cache/store";
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
  return countsOfTeams([...teams].sort().join(","));
}

/** Once per request, as `fleetCounts`: the home page asks three times (both next parties and the figures). */
const countsOfTeams = cache((teamIds: string) =>
  execute(
    qb
      .selectFrom("Resource")
      .select((eb) => ["environment", "excluded", "patchGroup", eb.cast<number>(eb.fn.countAll(), "integer").as("count")])
      .where("teamId", "in", teamIds.split(","))
      .where("retiredAt", "is", null)
      .groupBy(["environment", "excluded", "patchGroup"]),
  ),
);

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

/** Whether a party's outcomes are final: outcomes are written only while one of its runs is open, and a party is COMPLETED only once it has ended with no run open. */
export const isCompleted = (party: { status: string }) => party.status.toUpperCase() === "COMPLETED";

/** Whether a row of `teamId` is within `teams` (a reader's `readableTeams`; null: all). */
export function heldBy(teams: TeamScope): (teamId: string) => boolean {
  if (teams === null) return () => true;
  const set = new Set(teams);
  return (teamId) => set.has(teamId);
}

/**
 * A completed party's outcomes per team, group and status: one aggregate over the party's
 * outcomes, kept by the process until a server changes team (completedPartyOutcomes). The whole
 * fleet's counts and an owner's are sums of its rows.
 */
export function completedOutcomes(partyId: string) {
  return completedPartyOutcomes.read(
    () =>
      execute(
        qb
          .selectFrom("PatchOutcome as o")
          .innerJoin("Resource as r", "r.id", "o.resourceId")
          .select((eb) => ["r.teamId", "o.group", "o.status", eb.cast<number>(eb.fn.countAll(), "integer").as("n")])
          .where("o.partyId", "=", partyId)
          .groupBy(["r.teamId", "o.group", "o.status"]),
      ),
    partyId,
  );
}

/**
 * Outcome counts of one party, of the servers of `teams` (a reader's `readableTeams`; null: all):
 * a completed party's from its kept rows, a running one's in one aggregate each time.
 */
export async function getOutcomeCounts(party: { id: string; status: string }, teams: TeamScope): Promise<Frozen<Record<OutcomeStatus, number>>> {
  const counts: Record<OutcomeStatus, number> = { PATCHED: 0, FAILED: 0, SKIPPED: 0 };
  if (isCompleted(party)) {
    const held = heldBy(teams);
    for (const row of await completedOutcomes(party.id)) if (held(row.teamId)) counts[row.status] += row.n;
    return freeze(counts);
  }
  const rows = await execute(
    qb
      .selectFrom("PatchOutcome as o")
      .select((eb) => ["o.status", eb.cast<number>(eb.fn.countAll(), "integer").as("n")])
      .where("o.partyId", "=", party.id)
      // An owner's: from their teams' servers (index teamId), one probe of (resourceId, partyId) each.
      .$if(teams !== null, (q) => q.innerJoin("Resource as r", "r.id", "o.resourceId").where((eb) => eb("r.teamId", "=", eb.fn.any(eb.val([...teams!])))))
      .groupBy("o.status"),
  );
  for (const row of rows) counts[row.status] = row.n;
  return freeze(counts);
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
