// Freeze periods (issue 16, point 4): spans in which nothing starts (year-end, a launch, an
// audit), for everything, production or non-production servers, optionally only named teams.
// Pure: the data layer reads the freezes; the pages, the API and the engines ask these.
import { DateTime } from "luxon";
import { partyOnDay, type PartyKind, type PartyRule, type PlannedParty } from "./party-rule";

export type FreezeScope = "all" | "production" | "non-production";
export type Freeze = {
  id: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
  reason: string;
  scope: FreezeScope;
  /** Only these teams' servers; empty: every team's. */
  teamIds: readonly string[];
};
export type Environment = "production" | "non-production";
/** A conflict as the API and the pages show it. */
export type FreezeConflict = { kind: "freeze"; id: string; name: string };

const overlaps = (a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }) => a.startsAt < b.endsAt && b.startsAt < a.endsAt;
const coversEnvironment = (freeze: Freeze, environment: Environment) => freeze.scope === "all" || freeze.scope === environment;

/** Whether a freeze holds a server of this environment and team. */
export function freezeHolds(freeze: Freeze, server: { environment: Environment; teamId: string }): boolean {
  return coversEnvironment(freeze, server.environment) && (freeze.teamIds.length === 0 || freeze.teamIds.includes(server.teamId));
}

/**
 * The freezes that overlap a span in which servers of `environments` are patched (a party's slot,
 * an upgrade window). A freeze of named teams counts when `teamIds` is unknown (a party patches
 * every team) or shares a team with it.
 */
export function freezesOver(
  span: { startsAt: Date; endsAt: Date },
  environments: readonly Environment[],
  freezes: readonly Freeze[],
  teamIds?: ReadonlySet<string>,
): FreezeConflict[] {
  return freezes
    .filter((f) => overlaps(f, span) && environments.some((e) => coversEnvironment(f, e)))
    .filter((f) => f.teamIds.length === 0 || !teamIds || f.teamIds.some((t) => teamIds.has(t)))
    .map((f) => ({ kind: "freeze" as const, id: f.id, name: f.name }));
}

/** A party's freezes: those over any of its slots, each once. */
export function partyFreezes(party: Pick<PlannedParty, "kind" | "slots">, freezes: readonly Freeze[]): FreezeConflict[] {
  const environment: Environment = party.kind === "production" ? "production" : "non-production";
  const found = new Map<string, FreezeConflict>();
  for (const slot of party.slots) for (const c of freezesOver(slot, [environment], freezes)) found.set(c.id, c);
  return [...found.values()];
}

/**
 * The teams a freeze holds at `now` for servers of `environment`: `"all"` when every team's are
 * held, otherwise the held teams' ids (empty: nothing is frozen). What the engines ask before
 * starting members.
 */
export function frozenTeams(freezes: readonly Freeze[], environment: Environment, now: Date): "all" | Set<string> {
  const teams = new Set<string>();
  for (const f of freezes) {
    if (!(f.startsAt <= now && now < f.endsAt) || !coversEnvironment(f, environment)) continue;
    if (f.teamIds.length === 0) return "all";
    for (const t of f.teamIds) teams.add(t);
  }
  return teams;
}

/**
 * The first day after `party`'s own on which its slots overlap no freeze that holds it (the rule's
 * slot times on that day), within `searchDays`; null when there is none. "Move out of the freeze"
 * proposes it.
 */
export function firstDayClear(
  rule: PartyRule,
  party: { tag: string; kind: PartyKind; localDate: string },
  freezes: readonly Freeze[],
  searchDays = 120,
): PlannedParty | null {
  const start = DateTime.fromISO(party.localDate, { zone: rule.timeZone });
  for (let d = 1; d <= searchDays; d++) {
    const candidate = partyOnDay(rule, party.tag, party.kind, start.plus({ days: d }).toISODate()!);
    if (partyFreezes(candidate, freezes).length === 0) return candidate;
  }
  return null;
}

/** The freezes in force at `now`. */
export const activeFreezes = (freezes: readonly Freeze[], now: Date) => freezes.filter((f) => f.startsAt <= now && now < f.endsAt);
