// Issue 18, point 5: the iCalendar feed marks a production party that may not start yet as
// TENTATIVE, and carries upgrade windows when asked (`windows=1`, or a subscribe address made with
// the tick box).
import ICAL from "ical.js";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as icsRoute } from "@/app/api/v1/calendar.ics/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { createFeed, feedEvents, renderCalendar } from "@/lib/data/calendar-feed";
import { decideChange, openPartyChange } from "@/lib/data/change-requests";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { CreateFeedSchema } from "@/lib/validation/calendar";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { makeFleet } from "./fixtures/fleet";
import { unusedYear } from "./fixtures/years";

let f: Awaited<ReturnType<typeof makeFleet>>;
let token: string;

beforeAll(async () => {
  f = await makeFleet();
  token = (await createApiToken(f.viewer.id, { name: "feed", scope: "read", days: 90 }, { id: null, label: "test" })).secret;
});

const vevent = (ics: string, uid: string) =>
  new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents("vevent").find((v) => v.getFirstPropertyValue("uid") === uid) ?? null;

describe("a production party that may not start yet", () => {
  it("is TENTATIVE until its change is approved, and again while it is held; QA parties stay CONFIRMED", async () => {
    const year = await unusedYear();
    const tag = `${year}-Q1`;
    const slot = (startsAt: Date) => ({ startsAt, endsAt: new Date(startsAt.getTime() + 4 * 3_600_000) });
    const stored = (kind: "QA" | "PRODUCTION", startsAt: Date) =>
      db.party.create({
        data: {
          tag,
          kind,
          localDate: startsAt.toISOString().slice(0, 10),
          timeZone: "UTC",
          ...slot(startsAt),
          slots: { create: [{ group: 1, ...slot(startsAt) }] },
        },
      });
    await stored("QA", new Date(Date.UTC(year, 1, 11, 9)));
    const production = await stored("PRODUCTION", new Date(Date.UTC(year, 2, 7, 5)));
    const now = new Date(Date.UTC(year, 0, 15));
    const uid = `${tag}-production-group-1@patchparty`;
    const read = async () => {
      const events = await feedEvents({}, null, now);
      if (!events.ok) throw new Error(events.message);
      return renderCalendar(events.value, "http://localhost:3000", now);
    };

    let ics = await read();
    const tentative = vevent(ics, uid)!;
    expect(tentative.getFirstPropertyValue("status")).toBe("TENTATIVE");
    expect(tentative.getFirstPropertyValue("summary")).toBe(`Production Patch Party ${tag} — group 1 (not confirmed)`);
    expect(tentative.getFirstPropertyValue("description")).toContain("Not confirmed yet: ");
    expect(vevent(ics, `${tag}-qa-group-1@patchparty`)!.getFirstPropertyValue("status")).toBe("CONFIRMED");

    const opened = await openPartyChange(f.admin, tag, now);
    if (!opened.ok) throw new Error(opened.message);
    expect((await decideChange(f.admin, opened.value.id, "submit", {}, now)).ok).toBe(true);
    // Submitted is not approved.
    expect(vevent(await read(), uid)!.getFirstPropertyValue("status")).toBe("TENTATIVE");
    expect((await decideChange(f.approver, opened.value.id, "approve", { comment: "CAB: go" }, now)).ok).toBe(true);
    ics = await read();
    expect(vevent(ics, uid)!.getFirstPropertyValue("status")).toBe("CONFIRMED");
    expect(vevent(ics, uid)!.getFirstPropertyValue("summary")).toBe(`Production Patch Party ${tag} — group 1`);

    await db.party.update({ where: { id: production.id }, data: { heldAt: now, heldBy: f.admin.email, heldReason: "QA failed too often" } });
    const held = vevent(await read(), uid)!;
    expect(held.getFirstPropertyValue("status")).toBe("TENTATIVE");
    expect(held.getFirstPropertyValue("description")).toContain(`Not confirmed yet: Held by ${f.admin.email}: QA failed too often`);

    // Once it is over, it is what happened: no longer tentative.
    const after = new Date(Date.UTC(year, 2, 8));
    const events = await feedEvents({}, null, after);
    if (!events.ok) throw new Error(events.message);
    expect(events.value.find((e) => e.uid === uid)!.blocked).toBeNull();
  });
});

describe("upgrade windows in the feed", () => {
  let policy: { id: string; name: string };

  beforeAll(async () => {
    const name = `${f.prefix} Sunday policy`;
    const made = await createPolicy(
      f.admin,
      PolicyInputSchema.parse({ name, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }] }),
      new Date(),
    );
    if (!made.ok) throw new Error(made.message);
    policy = { id: made.value.id, name };
    // Team A's web server is a member of a template on it.
    const template = await createTemplate(
      f.admin,
      TemplateCreateSchema.parse({ name: `${f.prefix}-tpl`, policyId: policy.id, targetVersion: "1.0.0", members: [f.web.name] }),
      new Date(),
    );
    if (!template.ok) throw new Error(template.message);
  });

  const ics = async (query: string) => {
    const response = await icsRoute(new Request(`http://localhost/api/v1/calendar.ics${query}`, { headers: { Authorization: `Bearer ${token}` } }));
    return { status: response.status, text: await response.text() };
  };
  const windowsOf = (text: string) =>
    new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent").filter((v) => String(v.getFirstPropertyValue("uid")).startsWith(`window-${policy.id}-`));

  it("are left out unless asked for, then are events of their own: the policy's Sunday windows, four hours each", async () => {
    const without = await ics(`?team=${f.teamA.slug}`);
    expect(without.status).toBe(200);
    expect(windowsOf(without.text)).toHaveLength(0);

    const withWindows = await ics(`?team=${f.teamA.slug}&windows=1`);
    expect(withWindows.status).toBe(200);
    const windows = windowsOf(withWindows.text);
    // About six months ahead and one back of weekly windows.
    expect(windows.length).toBeGreaterThanOrEqual(26);
    expect(windows.length).toBeLessThanOrEqual(32);
    for (const w of windows) {
      const event = new ICAL.Event(w);
      expect(event.summary).toBe(`Upgrade window: ${policy.name} — Sunday`);
      expect(event.startDate.toJSDate().getUTCDay()).toBe(0);
      expect(event.endDate.toJSDate().getTime() - event.startDate.toJSDate().getTime()).toBe(4 * 3_600_000);
      expect(String(w.getFirstPropertyValue("url"))).toMatch(new RegExp(`^http://localhost(:\\d+)?/policies/${policy.id}$`));
    }
    expect(new Set(windows.map((w) => w.getFirstPropertyValue("uid"))).size).toBe(windows.length);
    // Parties are still there, and windows=0 is the same as leaving it out.
    expect(withWindows.text).toContain("Patch Party");
    expect(windowsOf((await ics(`?team=${f.teamA.slug}&windows=0`)).text)).toHaveLength(0);
  });

  it("with a team, resource or environment: only the policies of templates holding such servers", async () => {
    expect(windowsOf((await ics(`?team=${f.teamB.slug}&windows=1`)).text)).toHaveLength(0);
    expect(windowsOf((await ics(`?resource=${f.web.name}&windows=1`)).text).length).toBeGreaterThan(0);
    expect(windowsOf((await ics(`?resource=${f.other.name}&windows=1`)).text)).toHaveLength(0);
    expect(windowsOf((await ics(`?environment=production&windows=1`)).text).length).toBeGreaterThan(0);
    expect(windowsOf((await ics(`?environment=non-production&windows=1`)).text)).toHaveLength(0);
    // Without a filter: every policy's.
    expect(windowsOf((await ics(`?windows=1`)).text).length).toBeGreaterThan(0);
  });

  it("refuses a bad value with the reason", async () => {
    const bad = await icsRoute(new Request(`http://localhost/api/v1/calendar.ics?windows=yes`, { headers: { Authorization: `Bearer ${token}` } }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "windows: must be 1 (with upgrade windows) or 0" });
  });

  it("a subscribe address made with the tick box carries them; one made without does not", async () => {
    expect(CreateFeedSchema.parse({ name: "Phone", team: f.teamA.slug, windows: "on" })).toEqual({ name: "Phone", team: f.teamA.slug, windows: true });
    expect(CreateFeedSchema.parse({ name: "Phone" }).windows).toBeUndefined();
    expect(CreateFeedSchema.safeParse({ name: "Phone", windows: "yes" }).success).toBe(false);

    const withWindows = await createFeed(f.owner, "With windows", { team: f.teamA.slug, windows: true }, new Date());
    const without = await createFeed(f.owner, "Without", { team: f.teamA.slug }, new Date());
    if (!withWindows.ok || !without.ok) throw new Error("feed not made");
    const byKey = async (secret: string) => {
      const response = await icsRoute(new Request(`http://localhost/api/v1/calendar.ics?key=${secret}`));
      expect(response.status).toBe(200);
      return response.text();
    };
    expect(windowsOf(await byKey(withWindows.value.secret)).length).toBeGreaterThan(0);
    expect(windowsOf(await byKey(without.value.secret))).toHaveLength(0);
  });
});
