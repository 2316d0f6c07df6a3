// One party (stored, or projected from the rule) and what its pages show: per-slot counts,
// resources by group, excluded resources, outcomes. Counts are aggregates.
import "server-only";
import type { Environment } from "@prisma/client";
import { jsonBuildObject } from "kysely/helpers/postgres";
import type { TeamScope } from "../auth/permissions";
import { db, execute, preparedShapes, qb } from "../db";
import { parsePatchTag, partyKey, type CalendarParty, type PartyKind, type PatchGroup } from "../domain";
import { storedParty, type SlotCounts } from "./parties";
import { keptPartiesOfQuarter } from "../cache/stores";
import { completedOutcomes, fleetCounts, heldBy, isCompleted, teamFleetCounts } from "./fleet";
import { executionScope, listExecutionRows, type ExecutionPageQuery, type StateCounts } from "./execution-rows";

export const environmentOf = (kind: PartyKind): Environment => (kind === "production" ? "PRODUCTION" : "NON_PRODUCTION");

export async function getParty(tag: string, kind: PartyKind): Promise<CalendarParty | null> {
  const quarter = parsePatchTag(tag);
  if (!quarter) return null;
  const { rule, party: stored } = await storedParty(tag, kind);
  if (stored) return { ...stored, stored: true };
  const projected = keptPartiesOfQuarter(rule, quarter).find((p) => p.kind === kind);
  return projected ? { ...projected, id: null, status: "planned", sequence: 0, stored: false, manualReason: null, held: null } : null;
}

const empty = (): SlotCounts => ({ 1: 0, 2: 0, 3: 0 });

/**
 * Per-slot counts for many parties: a party that has run counts the resources it patched or tried
 * to (a completed party's from its kept outcome rows, completedOutcomes; one still running in one
 * aggregate); one still to come counts the included resources now. Of the teams given (a reader's
 * `readableTeams`, or a filter's), or of all (null).
 */
export async function slotCounts(parties: CalendarParty[], now: Date, teams: TeamScope): Promise<Map<string, SlotCounts>> {
  const result = new Map<string, SlotCounts>();
  const ran = parties.filter((p) => p.id && p.endsAt <= now);
  const completed = ran.filter(isCompleted);
  const toCount = ran.filter((p) => !isCompleted(p));
  const teamIds = teams === null ? null : [...teams];
  const [kept, outcomes, current] = await Promise.all([
    Promise.all(completed.map((p) => completedOutcomes(p.id!))),
    toCount.length
      ? db.patchOutcome.groupBy({
          by: ["partyId", "group"],
          where: { partyId: { in: toCount.map((p) => p.id!) }, status: { not: "SKIPPED" }, ...(teamIds ? { resource: { teamId: { in: teamIds } } } : {}) },
          _count: { _all: true },
        })
      : Promise.resolve([]),
    teamFleetCounts(teams).then((rows) => rows.filter((r) => !r.excluded)),
  ]);
  const known = new Map<string, SlotCounts>();
  const held = heldBy(teams);
  completed.forEach((party, i) => {
    const counts = empty();
    for (const row of kept[i]!) if (row.status !== "SKIPPED" && held(row.teamId)) counts[row.group as PatchGroup] += row.n;
    known.set(party.id!, counts);
  });
  for (const party of toCount) known.set(party.id!, empty());
  for (const row of outcomes) known.get(row.partyId)![row.group as PatchGroup] = row._count._all;
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

/** Included resources of a party's environment and group within a reader's teams, by name (keyset on the name). One statement, like readParties. */
export async function listPartyResources(kind: PartyKind, group: PatchGroup, after: string | undefined, teams: TeamScope) {
  const shape = `${teams ? "team" : ""},${after ? "after" : ""}` as const;
  const rows = await execute(partyResources(shape, { environment: environmentOf(kind), group, teamIds: teams ? [...teams] : [], after: after ?? "" }));
  return { rows: rows.slice(0, PARTY_PAGE_SIZE), next: rows.length > PARTY_PAGE_SIZE ? rows[PARTY_PAGE_SIZE - 1]!.name : null };
}

/** Compiled once per shape: the party page reads a page of each slot on every request. */
const partyResources = preparedShapes(
  (shape: `${"team" | ""},${"after" | ""}`, v: { environment: Environment; group: PatchGroup; teamIds: string[]; after: string }) => {
    let query = qb
      .selectFrom("Resource as r")
      .innerJoin("Team as t", "t.id", "r.teamId")
      .leftJoin("Cluster as c", "c.id", "r.clusterId")
      .select((eb) => [
        "r.id",
        "r.name",
        "r.kind",
        "r.lastOutcome",
        jsonBuildObject({ name: eb.ref("t.name") }).as("team"),
        // c.name is not null where the cluster is there.
        eb
          .case()
          .when("c.id", "is", null)
          .then(eb.lit(null))
          .else(jsonBuildObject({ name: eb.ref("c.name").$notNull() }))
          .end()
          .as("cluster"),
      ])
      .where("r.environment", "=", v.environment)
      .where((eb) => eb.not(eb.ref("r.excluded")))
      .where("r.retiredAt", "is", null)
      .where("r.patchGroup", "=", v.group);
    if (shape.startsWith("team")) query = query.where((eb) => eb("r.teamId", "=", eb.fn.any(eb.val(v.teamIds))));
    if (shape.endsWith("after")) query = query.where("r.name", ">", v.after);
    return query.orderBy("r.name").limit(PARTY_PAGE_SIZE + 1);
  },
);

/** A party page shows this many of its excluded resources; the resource list has them all. */
export const PARTY_EXCLUDED_SHOWN = 50;

/** Excluded resources of an environment, of some teams or all. */
const excludedOf = (shape: "teams" | "all", v: { environment: Environment; teamIds: string[] }) => {
  const excluded = qb
    .selectFrom("Resource as r")
    .where("r.environment", "=", v.environment)
    .where("r.retiredAt", "is", null)
    .where((eb) => eb.ref("r.excluded"));
  return shape === "teams" ? excluded.where((eb) => eb("r.teamId", "=", eb.fn.any(eb.val(v.teamIds)))) : excluded;
};

/** Compiled once per shape: every party page reads them. */
const excludedRows = preparedShapes((shape: "teams" | "all", v: { environment: Environment; teamIds: string[] }) =>
  excludedOf(shape, v)
    .innerJoin("Team as t", "t.id", "r.teamId")
    .select((eb) => [
      "r.id",
      "r.name",
      "r.patchGroup",
      "r.exclusionReason",
      "r.excludedAt",
      "r.exclusionUntil",
      jsonBuildObject({ name: eb.ref("t.name") }).as("team"),
    ])
    .orderBy("r.name")
    .limit(PARTY_EXCLUDED_SHOWN),
);
const excludedCount = preparedShapes((shape: "teams", v: { environment: Environment; teamIds: string[] }) =>
  excludedOf(shape, v).select((eb) => eb.cast<number>(eb.fn.countAll(), "integer").as("n")),
);

/** Excluded resources of a party's environment within a reader's teams, with who and why (the first few, and how many). */
export async function listPartyExcluded(kind: PartyKind, teams: TeamScope) {
  const teamIds = teams ? [...teams] : null;
  const values = { environment: environmentOf(kind), teamIds: teamIds ?? [] };
  const [rows, total] = await Promise.all([
    execute(excludedRows(teamIds ? "teams" : "all", values)),
    // The whole fleet's count is kept by the database (fleetCounts, read once per request anyway).
    teamIds
      ? execute(excludedCount("teams", values)).then(([row]) => row!.n)
      : fleetCounts().then((counts) => counts.reduce((sum, c) => (c.excluded && c.environment === environmentOf(kind) ? sum + c.count : sum), 0)),
  ]);
  return { rows, total };
}

/** A party's executions per slot and state, of those `teams` may read, in one aggregate (index partyId, partyGroup). */
export async function slotExecutionCounts(partyId: string, teams: TeamScope): Promise<Map<number, StateCounts>> {
  const rows = await execute(
    qb
      .selectFrom("Execution as e")
      .select((eb) => ["e.partyGroup as group", "e.state", eb.cast<number>(eb.fn.countAll(), "integer").as("n")])
      .where((eb) => eb.and([eb("e.partyId", "=", partyId), executionScope(teams)(eb)]))
      .groupBy(["e.partyGroup", "e.state"]),
  );
  const counts = new Map<number, StateCounts>();
  // A party's executions all have a group.
  for (const r of rows) if (r.group !== null) counts.set(r.group, { ...counts.get(r.group), [r.state]: r.n });
  return counts;
}

/** One page of a slot's executions `teams` may read, by member name, optionally in one state. */
export function listSlotExecutions(partyId: string, group: number, teams: TeamScope, query: ExecutionPageQuery) {
  return listExecutionRows((eb) => eb.and([eb("e.partyId", "=", partyId), eb("e.partyGroup", "=", group)]), teams, query);
}
