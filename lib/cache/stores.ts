import "server-only";
// Everything this process keeps across requests, in one list: each store with its bound and what
// invalidates it (store.ts says how). One more sits beside it, for lib/db.ts: statement-names.ts. Nothing else in the code keeps state between requests, but
// the database's pool (lib/db.ts) and the parsed environment (lib/env.ts), which are not caches.
import type { OutcomeStatus } from "@prisma/client";
import { DateTime } from "luxon";
import type { JWT } from "next-auth/jwt";
import { buildMonthGrid, partiesOfQuarter, patchTag, type CalendarDay, type PartyRule, type PlannedParty, type Quarter, type StoredParty } from "../domain";
import type { DayForecast, ForecastSettings } from "../domain/forecast";
import { boundedStore } from "./store";
import { versionedStore } from "./versioned";

/**
 * Session tokens this process has decrypted, by a hash of the secret and the cookie's text: the same
 * text always decrypts to the same token; its expiry is checked on every use (lib/auth/session-token.ts).
 */
export const sessionTokens = boundedStore<JWT>("session-tokens", 5_000);

/** One row of a completed party's outcomes: how many of a team's servers had a status in a group. */
export type PartyTeamOutcome = { teamId: string; group: number; status: OutcomeStatus; n: number };

/**
 * A completed party's outcomes per team, group and status, by the party's id: outcomes are written
 * only while one of its runs is open, and a party is completed only once it has ended with no run
 * open (lib/data/fleet.ts). Kept until the "resource-teams" token moves (a server changes team or
 * is deleted). The whole fleet's counts and any teams' (an owner's) are sums of these rows.
 */
export const completedPartyOutcomes = versionedStore<PartyTeamOutcome[]>("resource-teams", 100);

/** iCalendar feeds rendered this minute, by their content (the key names every field rendered). */
export const renderedFeeds = boundedStore<string>("rendered-feeds", 500);

/** The rule and every stored party, until the parties' database token moves (lib/data/parties.ts). */
export const partiesAndRule = versionedStore<{ rule: PartyRule; stored: StoredParty[] }>("parties");

/**
 * Parties' forecasts, by tag and kind, until the forecast's database token moves (any change to
 * what a forecast reads: lib/data/forecast.ts). At 100,000 servers one takes seconds to work out.
 */
export const partyForecasts = versionedStore<{ settings: ForecastSettings; day: DayForecast }>("forecast", 50);

const quarterParties = boundedStore<[PlannedParty, PlannedParty]>("quarter-parties", 2_000);
/** The parties the rule gives a quarter, kept by the rule and quarter: zone arithmetic is a calendar's slow part. */
export const keptPartiesOfQuarter = (rule: PartyRule, quarter: Quarter) =>
  quarterParties.remember(`${patchTag(quarter)}|${JSON.stringify(rule)}`, () => partiesOfQuarter(rule, quarter));

const monthGrids = boundedStore<CalendarDay[][]>("month-grids", 1_000);
/** A month's grid in a zone, kept by month, zone and today (the one day marked). */
export const keptMonthGrid = (year: number, month: number, zone: string, now: Date) => {
  const today = DateTime.fromJSDate(now, { zone }).toISODate() ?? "";
  return monthGrids.remember(`${year}-${month}|${zone}|${today}`, () => buildMonthGrid(year, month, zone, today));
};
