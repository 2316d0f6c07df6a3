// Subscribe addresses (issue 17): a name is one line and reaches the feed as iCalendar text, so it
// cannot add properties or events; a person keeps at most FEEDS_PER_PERSON active addresses.
import ICAL from "ical.js";
import { beforeAll, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => {
  const { cookieStore, sessionCookies } = await import("./fixtures/session");
  return { cookies: async () => cookieStore(await sessionCookies(session.userId)), headers: async () => new Headers() };
});

import { GET } from "@/app/api/v1/calendar.ics/route";
import { createFeedAction } from "@/lib/actions/calendar";
import type { CurrentUser } from "@/lib/auth/permissions";
import { createFeed, feedEvents, feedFreezes, listFeeds, revokeFeed } from "@/lib/data/calendar-feed";
import { generateParties } from "@/lib/data/parties";
import { db } from "@/lib/db";
import { FEEDS_PER_PERSON } from "@/lib/validation/calendar";
import { makeFleet } from "./fixtures/fleet";

const DAY = 86_400_000;
const PROBE = "probe\nX-INJECTED:1\nBEGIN:VEVENT";
let f: Awaited<ReturnType<typeof makeFleet>>;

beforeAll(async () => {
  f = await makeFleet();
  const now = new Date();
  await generateParties(new Date(now.getTime() - 30 * DAY), new Date(now.getTime() + 400 * DAY), now, { id: null, label: "test" });
});

async function feedText(secret: string): Promise<string> {
  const response = await GET(new Request(`http://localhost/api/v1/calendar.ics?key=${secret}`));
  expect(response.status).toBe(200);
  return response.text();
}

async function asAction(user: CurrentUser, fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  session.userId = user.id;
  try {
    return await createFeedAction({ ok: false }, form);
  } finally {
    session.userId = null;
  }
}

/** A person of their own, so the limit counts only this test's addresses. */
async function person(): Promise<CurrentUser> {
  const email = `feeds-${Math.random().toString(36).slice(2, 10)}@${f.prefix}.test`;
  const row = await db.user.create({ data: { email, name: "Feeds", role: "VIEWER" } });
  return { id: row.id, email, name: row.name, role: "VIEWER", teamIds: [] };
}

const made = <T>(outcome: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.value;
};

describe("a subscribe address's name", () => {
  it("made before names were checked, adds no line to the feed: no injected property, exactly the expected events", async () => {
    const feed = made(await createFeed(f.viewer, PROBE, {}, new Date()));
    const text = await feedText(feed.secret);
    expect(text.split(/\r?\n/).some((line) => line.startsWith("X-INJECTED"))).toBe(false);

    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(calendar.getAllProperties().map((p) => p.name)).not.toContain("x-injected");
    const vevents = calendar.getAllSubcomponents("vevent");
    expect(vevents.every((v) => v.getAllProperties().every((p) => p.name !== "x-injected"))).toBe(true);
    const events = await feedEvents({}, null, new Date());
    if (!events.ok) throw new Error(events.message);
    expect(events.value.length).toBeGreaterThan(0);
    // One event per slot, and one per freeze period in the feed's range (issue 16).
    const freezes = await feedFreezes({}, new Date());
    expect(vevents).toHaveLength(events.value.length + freezes.length);
    expect(text.split("\r\n").filter((line) => line === "BEGIN:VEVENT")).toHaveLength(events.value.length + freezes.length);
    expect(calendar.getFirstPropertyValue("x-wr-calname")).toBe("PatchParty — probe X-INJECTED:1 BEGIN:VEVENT");
    expect(calendar.getFirstPropertyValue("name")).toBe("PatchParty — probe X-INJECTED:1 BEGIN:VEVENT");
    // And on the calendar page, where the list shows it.
    expect((await listFeeds(f.viewer.id)).find((row) => row.id === feed.id)?.name).toBe("probe X-INJECTED:1 BEGIN:VEVENT");
  });

  it("keeps commas, semicolons and backslashes as written, escaped, and a long name whole", async () => {
    const name = "Ops, on call; C:\\patches — ".padEnd(80, "é");
    const feed = made(await createFeed(f.viewer, name, {}, new Date()));
    const text = await feedText(feed.secret);
    // ical.js reads both as values of unknown type: as written, escapes and all, once unfolded.
    const escaped = `PatchParty — ${name.replace(/[\\;,]/g, (c) => `\\${c}`)}`;
    expect(escaped).toContain("Ops\\, on call\\; C:\\\\patches");
    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(calendar.getFirstPropertyValue("x-wr-calname")).toBe(escaped);
    expect(calendar.getFirstPropertyValue("name")).toBe(escaped);
    expect(text.split("\r\n").every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it("is refused with a message when it holds a line break or another control character, and nothing is made", async () => {
    const user = await person();
    for (const name of [PROBE, "tab\there", "bell\u0007", "next\u0085line", "para\u2028graph"]) {
      const result = await asAction(user, { name });
      expect(result).toMatchObject({
        ok: false,
        fieldErrors: { name: ["Give the address a name on one line, without control characters (tabs, line breaks)."] },
      });
    }
    expect(await db.calendarFeed.count({ where: { userId: user.id } })).toBe(0);
    expect(await asAction(user, { name: "My phone, work; 2" })).toMatchObject({ ok: true });
  });
});

describe("a person's subscribe addresses", () => {
  it(`are at most ${FEEDS_PER_PERSON} active: the next is refused, on the page too, until one is revoked`, async () => {
    const user = await person();
    const feeds = [];
    for (let i = 1; i <= FEEDS_PER_PERSON; i++) feeds.push(made(await createFeed(user, `feed ${i}`, {}, new Date())));
    const message = `You have ${FEEDS_PER_PERSON} active subscribe addresses, the most one person may have: revoke one you no longer use, then create this one.`;
    expect(await createFeed(user, "one too many", {}, new Date())).toEqual({ ok: false, status: 409, code: "feed-limit", message });
    expect(await asAction(user, { name: "one too many" })).toEqual({ ok: false, message });
    expect(await db.calendarFeed.count({ where: { userId: user.id } })).toBe(FEEDS_PER_PERSON);

    expect((await revokeFeed(user, feeds[0]!.id, new Date())).ok).toBe(true);
    expect(await asAction(user, { name: "in its place" })).toMatchObject({ ok: true });
    expect(await db.calendarFeed.count({ where: { userId: user.id, revokedAt: null } })).toBe(FEEDS_PER_PERSON);
  });

  it("are counted under a lock: addresses made at once never pass the limit", async () => {
    const user = await person();
    const results = await Promise.all(Array.from({ length: FEEDS_PER_PERSON + 5 }, (_, i) => createFeed(user, `at once ${i}`, {}, new Date())));
    expect(results.filter((r) => r.ok)).toHaveLength(FEEDS_PER_PERSON);
    expect(await db.calendarFeed.count({ where: { userId: user.id, revokedAt: null } })).toBe(FEEDS_PER_PERSON);
  });
});

describe("a subscribe address's team and resource (issue 18)", () => {
  it("must exist: an unknown team or resource is refused at its field and nothing is made, a known one is taken", async () => {
    const user = await person();
    expect(await asAction(user, { name: "Unknown team", team: `${f.prefix}-nope` })).toEqual({
      ok: false,
      message: "Check the highlighted fields.",
      fieldErrors: { team: [`No team has the short name ${f.prefix}-nope.`] },
    });
    expect(await asAction(user, { name: "Unknown resource", resource: `${f.prefix}-nope` })).toEqual({
      ok: false,
      message: "Check the highlighted fields.",
      fieldErrors: { resource: [`No resource is named ${f.prefix}-nope.`] },
    });
    expect(await createFeed(user, "Unknown team", { team: `${f.prefix}-nope` }, new Date())).toMatchObject({ ok: false, status: 400, code: "team" });
    expect(await db.calendarFeed.count({ where: { userId: user.id } })).toBe(0);

    const made = await asAction(user, { name: "Team and resource", team: f.teamA.slug, resource: f.web.name });
    expect(made).toMatchObject({ ok: true });
    const secret = new URL(made.data!.url, "http://localhost").searchParams.get("key")!;
    expect(await feedText(secret)).toContain("BEGIN:VCALENDAR");
  });
});
