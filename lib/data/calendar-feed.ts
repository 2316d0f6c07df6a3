// iCalendar (RFC 5545) feeds of the parties: one event per group slot, stable UIDs, UTC times,
// SEQUENCE from the party, STATUS:CANCELLED when cancelled, STATUS:TENTATIVE while a production
// party may not start (its change is not approved, or it is held). Freezes are events too, and
// upgrade windows when the feed asks for them. Personal feeds are secret URLs.
import "server-only";
import ical, { ICalEventStatus } from "ical-generator";
import { db, execute, prepared, qb } from "../db";
import { hashToken, newTokenSecret } from "../auth/api-tokens";
import { readableTeams, type CurrentUser, type TeamScope } from "../auth/permissions";
import { icalText, oneLine, partyBlockedReason, type CalendarParty, type Freeze, type PatchGroup } from "../domain";
import { FEEDS_PER_PERSON, type CalendarFilters, type FeedFilters } from "../validation/calendar";
import { renderedFeeds } from "../cache/stores";
import { recordAudit } from "./audit";
import { freezesAfter } from "./freezes";
import { refuse, succeed, type Outcome } from "./outcome";
import { partyChanges } from "./change-requests";
import { listParties } from "./parties";
import { listPolicyWindows } from "./policies";

const DAY = 86_400_000;
const KIND_TITLE = { qa: "QA Patch Party", production: "Production Patch Party" } as const;

/** `blocked`: why a production party still to come may not start (no approved change, a hold), or null. */
export type FeedEvent = { uid: string; party: CalendarParty; group: PatchGroup; start: Date; end: Date; note: string; blocked: string | null };
/** An upgrade window of a maintenance policy. */
export type FeedWindow = { uid: string; policyId: string; policyName: string; scheduleName: string; start: Date; end: Date };

/**
 * A feed's server and team, if the reader's teams (`readableTeams`, null for all) hold them: another
 * team's are not there for an owner (issue 21), answered as names that do not exist.
 */
async function feedSubjects(filters: Pick<FeedFilters, "resource" | "team">, teams: TeamScope) {
  const inTeams = teams ? { teamId: { in: teams.slice() } } : {};
  const [resource, team] = await Promise.all([
    filters.resource
      ? db.resource.findFirst({ where: { name: filters.resource, ...inTeams }, select: { id: true, environment: true, patchGroup: true, excluded: true } })
      : undefined,
    filters.team ? db.team.findFirst({ where: { slug: filters.team, ...(teams ? { id: { in: teams.slice() } } : {}) }, select: { id: true } }) : undefined,
  ]);
  return { resource, team };
}

/** The slots a filter shows to a reader of `teams` (`readableTeams`), from a year ago to two years ahead. */
export async function feedEvents(filters: CalendarFilters, teams: TeamScope, now: Date): Promise<Outcome<FeedEvent[]>> {
  let environment = filters.environment;
  let group = filters.group as PatchGroup | undefined;
  let note = "";
  const { resource, team } = await feedSubjects(filters, teams);
  if (resource === null) return refuse(404, "not-found", `No resource is named ${filters.resource}.`);
  if (team === null) return refuse(404, "not-found", `No team has the short name ${filters.team}.`);
  if (resource) {
    environment = resource.environment === "PRODUCTION" ? "production" : "non-production";
    group = resource.patchGroup as PatchGroup;
    note = resource.excluded ? `${filters.resource} is excluded from patching for now.` : `${filters.resource} is patched in this slot.`;
  }
  const teamId = team?.id;
  const parties = await listParties(new Date(now.getTime() - 366 * DAY), new Date(now.getTime() + 731 * DAY));
  const teamGroups = teamId
    ? new Set(
        (await db.resource.groupBy({ by: ["environment", "patchGroup"], where: { teamId, excluded: false } })).map(
          (r) => `${r.environment === "PRODUCTION" ? "production" : "qa"}:${r.patchGroup}`,
        ),
      )
    : null;
  // A production party still to come starts only with an approved change: until then it is tentative.
  const ahead = (p: CalendarParty) => p.kind === "production" && p.status !== "cancelled" && p.endsAt > now;
  const changes = await partyChanges(parties.flatMap((p) => (ahead(p) && p.id ? [p.id] : [])));
  const blockedOf = (p: CalendarParty) => (ahead(p) ? partyBlockedReason(p, (p.id ? changes.get(p.id) : null) ?? null) : null);
  const events: FeedEvent[] = [];
  for (const party of parties) {
    const blocked = blockedOf(party);
    if (environment && party.kind !== (environment === "production" ? "production" : "qa")) continue;
    for (const slot of party.slots) {
      if (group && slot.group !== group) continue;
      if (teamGroups && !teamGroups.has(`${party.kind}:${slot.group}`)) continue;
      events.push({
        uid: `${party.tag}-${party.kind}-group-${slot.group}@patchparty`,
        party,
        group: slot.group,
        start: slot.startsAt,
        end: slot.endsAt,
        note,
        blocked,
      });
    }
  }
  return succeed(events);
}

/** The freezes a feed shows (those over the servers of its environment filter), in the parties' range: a year ago to two years ahead. */
export async function feedFreezes(filters: CalendarFilters, now: Date): Promise<Freeze[]> {
  const until = new Date(now.getTime() + 731 * DAY);
  const freezes = (await freezesAfter(new Date(now.getTime() - 366 * DAY))).filter((f) => f.startsAt < until);
  const environment = filters.environment;
  return environment ? freezes.filter((f) => f.scope === "all" || f.scope === environment) : freezes;
}

/** Upgrade windows reach this far back and ahead: weekly windows over the parties' three years would be hundreds of events. */
const WINDOWS_BACK = 31 * DAY;
const WINDOWS_AHEAD = 183 * DAY;

/**
 * The upgrade windows a feed shows when it asks for them (`windows`): with a team, resource or
 * environment filter, those of the policies whose templates hold such servers (members, or nodes
 * of member clusters); without one, every policy's. Patch groups do not apply to them.
 */
export async function feedWindows(filters: FeedFilters, teams: TeamScope, now: Date): Promise<FeedWindow[]> {
  if (!filters.windows) return [];
  const scoped = Boolean(filters.team || filters.resource || filters.environment);
  // Another team's server or team, named by an owner, serves no policy they may know of.
  if (teams && (filters.team || filters.resource)) {
    const { resource, team } = await feedSubjects(filters, teams);
    if (resource === null || team === null) return [];
  }
  const [windows, policies] = await Promise.all([
    listPolicyWindows(new Date(now.getTime() - WINDOWS_BACK), new Date(now.getTime() + WINDOWS_AHEAD)),
    scoped ? policiesServing(filters) : Promise.resolve(null),
  ]);
  return windows
    .filter((w) => !policies || policies.has(w.policyId))
    .map((w) => ({
      uid: `window-${w.policyId}-${encodeURIComponent(w.scheduleName)}-${w.start.getTime()}@patchparty`,
      policyId: w.policyId,
      policyName: w.policyName,
      scheduleName: w.scheduleName,
      start: w.start,
      end: w.end,
    }));
}

/** The policies whose templates hold servers of the filter's team, resource and environment: one statement. */
async function policiesServing(filters: FeedFilters): Promise<Set<string>> {
  let query = qb
    .selectFrom("Template as t")
    .innerJoin("TemplateMember as m", "m.templateId", "t.id")
    .innerJoin("Resource as r", (join) => join.on((eb) => eb.or([eb("r.id", "=", eb.ref("m.resourceId")), eb("r.clusterId", "=", eb.ref("m.clusterId"))])))
    .innerJoin("Team as team", "team.id", "r.teamId")
    .select("t.policyId")
    .distinct();
  if (filters.team) query = query.where("team.slug", "=", filters.team);
  if (filters.resource) query = query.where("r.name", "=", filters.resource);
  if (filters.environment) query = query.where("r.environment", "=", filters.environment === "production" ? "PRODUCTION" : "NON_PRODUCTION");
  return new Set((await execute(query)).map((r) => r.policyId));
}

/**
 * The feed as iCalendar text, kept for the minute by its content (lib/cache/stores.ts): calendar
 * clients poll, and ical-generator's line folding costs more than everything else a feed does.
 * DTSTAMP is the minute the feed was rendered.
 */
export function renderCalendar(
  events: FeedEvent[],
  baseUrl: string,
  now: Date,
  name = "PatchParty",
  freezes: readonly Freeze[] = [],
  windows: readonly FeedWindow[] = [],
): string {
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const key = JSON.stringify([
    minute.getTime(),
    baseUrl,
    name,
    events.map((e) => [e.uid, e.party.sequence, e.party.status, e.party.tag, e.start.getTime(), e.end.getTime(), e.note, e.blocked]),
    freezes.map((f) => [f.id, f.name, f.reason, f.startsAt.getTime(), f.endsAt.getTime()]),
    windows.map((w) => [w.uid, w.policyName, w.scheduleName, w.end.getTime()]),
  ]);
  return renderedFeeds.remember(key, () => renderUncached(events, baseUrl, minute, name, freezes, windows));
}

function renderUncached(events: FeedEvent[], baseUrl: string, now: Date, name: string, freezes: readonly Freeze[], windows: readonly FeedWindow[]): string {
  // ical-generator writes the calendar's name unescaped (event fields it escapes itself).
  const calendar = ical({ name: icalText(name), prodId: { company: "PatchParty", product: "Patch calendar", language: "EN" }, ttl: 3600 });
  for (const e of events) {
    calendar.createEvent({
      id: e.uid,
      start: e.start,
      end: e.end,
      stamp: now,
      sequence: e.party.sequence,
      status: e.party.status === "cancelled" ? ICalEventStatus.CANCELLED : e.blocked ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
      summary: `${KIND_TITLE[e.party.kind]} ${e.party.tag} — group ${e.group}${e.party.status === "cancelled" ? " (cancelled)" : e.blocked ? " (not confirmed)" : ""}`,
      description: [
        `Patch group ${e.group} is patched and rebooted in this slot: service is interrupted.`,
        e.party.status !== "cancelled" && e.blocked ? `Not confirmed yet: ${e.blocked}` : "",
        e.note,
      ]
        .filter(Boolean)
        .join("\n"),
      url: `${baseUrl}/parties/${e.party.tag}/${e.party.kind}`,
    });
  }
  for (const f of freezes) {
    calendar.createEvent({
      id: `freeze-${f.id}@patchparty`,
      start: f.startsAt,
      end: f.endsAt,
      stamp: now,
      summary: `Freeze: ${f.name}`,
      description: `Nothing is patched or upgraded inside it (${f.scope === "all" ? "every server" : `${f.scope} servers`}${f.teamIds.length ? ", some teams" : ""}). ${f.reason}`,
      url: `${baseUrl}/freezes`,
    });
  }
  for (const w of windows) {
    calendar.createEvent({
      id: w.uid,
      start: w.start,
      end: w.end,
      stamp: now,
      summary: `Upgrade window: ${w.policyName} — ${w.scheduleName}`,
      description: `Fleets on the maintenance policy ${w.policyName} may be upgraded in this window (${w.scheduleName}).`,
      url: `${baseUrl}/policies/${w.policyId}`,
    });
  }
  return calendar.toString();
}

/** A personal feed, read with its owner's teams (`readableTeams`): the address answers what they may see. */
export type FeedRecord = { id: string; userId: string; name: string; filters: FeedFilters; teams: TeamScope };

export async function findFeed(secret: string): Promise<FeedRecord | null> {
  if (secret.length > 200) return null;
  const feed = await db.calendarFeed.findUnique({
    where: { tokenHash: hashToken(secret) },
    select: {
      id: true,
      userId: true,
      name: true,
      filters: true,
      revokedAt: true,
      user: { select: { id: true, email: true, name: true, role: true, memberships: { select: { teamId: true } } } },
    },
  });
  if (!feed || feed.revokedAt) return null;
  const { memberships, ...person } = feed.user;
  const teams = readableTeams({ ...person, teamIds: memberships.map((m) => m.teamId) });
  // A name stored before names were checked may hold line breaks: it is shown on one line.
  return { id: feed.id, userId: feed.userId, name: oneLine(feed.name), filters: feed.filters as FeedFilters, teams };
}

/**
 * A new subscribe address, unless the person has FEEDS_PER_PERSON active ones already. Their user
 * row is locked while they are counted, so addresses made at once cannot pass the limit together.
 */
export async function createFeed(
  user: CurrentUser,
  name: string,
  filters: FeedFilters,
  now: Date,
): Promise<Outcome<{ id: string; name: string; secret: string }>> {
  const { secret, hash, prefix } = newTokenSecret();
  return db.$transaction(async (tx) => {
    await execute(qb.selectFrom("User").select("id").where("id", "=", user.id).forUpdate(), tx);
    // An address for a team or resource that does not exist would only ever answer 404: refused here, by field.
    const { team, resource } = await feedSubjects(filters, readableTeams(user));
    if (team === null) return refuse(400, "team", `No team has the short name ${filters.team}.`);
    if (resource === null) return refuse(400, "resource", `No resource is named ${filters.resource}.`);
    const active = await tx.calendarFeed.count({ where: { userId: user.id, revokedAt: null } });
    if (active >= FEEDS_PER_PERSON) {
      return refuse(
        409,
        "feed-limit",
        `You have ${active} active subscribe addresses, the most one person may have: revoke one you no longer use, then create this one.`,
      );
    }
    const created = await tx.calendarFeed.create({ data: { userId: user.id, name, tokenHash: hash, prefix, filters }, select: { id: true, name: true } });
    await recordAudit(tx, {
      actor: { id: user.id, label: user.email },
      action: "calendar-feed.create",
      entityType: "calendar-feed",
      entityId: created.id,
      entityLabel: name,
      after: { ...filters, prefix },
      at: now,
    });
    return succeed({ ...created, secret });
  });
}

export async function revokeFeed(user: CurrentUser, id: string, now: Date): Promise<Outcome<null>> {
  return db.$transaction(async (tx) => {
    const feed = await tx.calendarFeed.findUnique({ where: { id }, select: { userId: true, name: true, revokedAt: true } });
    if (!feed) return refuse(404, "not-found", "That feed does not exist.");
    if (feed.userId !== user.id && user.role !== "ADMIN") return refuse(403, "forbidden", "You can only revoke your own feeds.");
    if (feed.revokedAt) return succeed(null);
    await tx.calendarFeed.update({ where: { id }, data: { revokedAt: now } });
    await recordAudit(tx, {
      actor: { id: user.id, label: user.email },
      action: "calendar-feed.revoke",
      entityType: "calendar-feed",
      entityId: id,
      entityLabel: feed.name,
      before: { revoked: false },
      after: { revoked: true },
      at: now,
    });
    return succeed(null);
  });
}

/** Compiled once: the calendar page reads them on every request. */
const feedsOf = prepared((v: { userId: string }) =>
  qb
    .selectFrom("CalendarFeed")
    .select(["id", "name", "prefix", "filters", "createdAt", "revokedAt"])
    .where("userId", "=", v.userId)
    .orderBy("createdAt", "desc")
    .limit(50),
);

export async function listFeeds(userId: string) {
  const feeds = await execute(feedsOf({ userId }));
  return feeds.map((feed) => ({ ...feed, name: oneLine(feed.name) }));
}
