import ICAL from "ical.js";
import { beforeAll, describe, expect, it } from "vitest";
import { feedEvents, renderCalendar } from "@/lib/data/calendar-feed";
import { cancelParty, moveParty, savePartyRule } from "@/lib/data/party-changes";
import { getParty, slotCounts } from "@/lib/data/party-detail";
import { generateParties, listParties } from "@/lib/data/parties";
import { db } from "@/lib/db";
import { DEFAULT_PARTY_RULE, partyKey } from "@/lib/domain";
import { makeFleet } from "./fixtures/fleet";

const NOW = new Date("2026-11-25T10:00:00Z");
const DAY = 86_400_000;
let f: Awaited<ReturnType<typeof makeFleet>>;

const ruleInput = (changes: Partial<{ qaThursdayOfMonth: 1 | 2 | 3 | 4 | -1; revision: number }> = {}) => ({
  timeZone: DEFAULT_PARTY_RULE.timeZone,
  qaMonthOfQuarter: DEFAULT_PARTY_RULE.qaMonthOfQuarter,
  qaThursdayOfMonth: changes.qaThursdayOfMonth ?? DEFAULT_PARTY_RULE.qaThursdayOfMonth,
  businessHours: DEFAULT_PARTY_RULE.businessHours,
  productionMinGapDays: DEFAULT_PARTY_RULE.productionMinGapDays,
  qaSlots: DEFAULT_PARTY_RULE.qaSlots.map(({ start, end }) => ({ start, end })) as never,
  productionSlots: DEFAULT_PARTY_RULE.productionSlots.map(({ start, end }) => ({ start, end })) as never,
  revision: changes.revision,
});

beforeAll(async () => {
  f = await makeFleet();
  await generateParties(new Date(NOW.getTime() - 400 * DAY), new Date(NOW.getTime() + 730 * DAY), NOW, { id: null, label: "test" }, { includePast: true });
});

describe("editing the party rule", () => {
  it("moves future rule-made parties, leaves the past alone, and is idempotent", async () => {
    const past = await db.party.findMany({ where: { startsAt: { lte: NOW } }, include: { slots: true }, orderBy: { id: "asc" } });
    const revision = (await db.partyRule.findUnique({ where: { id: "default" } }))?.revision ?? 0;
    expect(await savePartyRule(f.viewer, ruleInput({ qaThursdayOfMonth: 3 }), NOW)).toMatchObject({ ok: false, status: 403 });
    const first = await savePartyRule(f.admin, ruleInput({ qaThursdayOfMonth: 3, revision }), NOW);
    expect(first.ok && first.value.moved).toBeGreaterThan(0);
    const again = await savePartyRule(f.admin, ruleInput({ qaThursdayOfMonth: 3 }), NOW);
    expect(again).toEqual({ ok: true, value: { created: 0, moved: 0 } });
    expect(await savePartyRule(f.admin, ruleInput({ qaThursdayOfMonth: 3, revision }), NOW)).toMatchObject({ ok: false, status: 409 });
    expect(await db.party.findMany({ where: { startsAt: { lte: NOW } }, include: { slots: true }, orderBy: { id: "asc" } })).toEqual(past);
    const q1 = await getParty("2027-Q1", "qa");
    expect(q1?.localDate).toBe("2027-02-18");
    expect(q1?.stored && q1.sequence).toBe(1);
    // Back to the default rule for the other tests.
    expect((await savePartyRule(f.admin, ruleInput(), NOW)).ok).toBe(true);
    expect((await getParty("2027-Q1", "qa"))?.localDate).toBe("2027-02-11");
  });

  it("refuses a rule that breaks its own constraints, naming the field", async () => {
    const bad = {
      ...ruleInput(),
      qaSlots: [
        { start: "07:00", end: "12:00" },
        { start: "12:00", end: "15:00" },
        { start: "15:00", end: "18:00" },
      ] as never,
    };
    expect(await savePartyRule(f.admin, bad, NOW)).toMatchObject({
      ok: false,
      status: 400,
      message: "qaSlots.1: group 1's QA slot must lie within business hours",
    });
  });
});

describe("moving and cancelling one party", () => {
  it("moves a future party with a reason, raising its sequence; the rule no longer moves it", async () => {
    const before = (await getParty("2027-Q2", "production"))!;
    expect(await moveParty(f.owner, "2027-Q2", "production", { date: new Date("2027-06-13T00:00:00Z"), reason: "Data-centre move" }, NOW)).toMatchObject({
      ok: false,
      status: 403,
    });
    const moved = await moveParty(f.admin, "2027-Q2", "production", { date: new Date("2027-06-13T00:00:00Z"), reason: "Data-centre move" }, NOW);
    expect(moved.ok).toBe(true);
    const after = (await getParty("2027-Q2", "production"))!;
    expect(after.localDate).toBe("2027-06-13");
    expect(after.sequence).toBe(before.sequence + 1);
    expect(after.slots[0]!.startsAt.toISOString()).toBe("2027-06-13T04:00:00.000Z");
    await generateParties(NOW, new Date(NOW.getTime() + 730 * DAY), NOW, { id: null, label: "test" });
    expect((await getParty("2027-Q2", "production"))!.localDate).toBe("2027-06-13");
    const audit = await db.auditEvent.findFirst({ where: { action: "party.move", entityLabel: "2027-Q2 production" } });
    expect(audit?.reason).toBe("Data-centre move");
  });

  it("cancels a future party, refuses a past one", async () => {
    expect(await cancelParty(f.admin, "2026-Q3", "qa", "Too late", NOW)).toMatchObject({ ok: false, status: 409 });
    expect((await cancelParty(f.admin, "2027-Q3", "qa", "Freeze for the merger", NOW)).ok).toBe(true);
    expect((await getParty("2027-Q3", "qa"))?.status).toBe("cancelled");
  });
});

describe("feeds", () => {
  it("are valid iCalendar with the same slots as the parties, stable UIDs, SEQUENCE and STATUS", async () => {
    const events = await feedEvents({}, NOW);
    if (!events.ok) throw new Error(events.message);
    const text = renderCalendar(events.value, "http://localhost:3000", NOW);
    const vevents = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent");
    const parties = await listParties(new Date(NOW.getTime() - 366 * DAY), new Date(NOW.getTime() + 731 * DAY));
    expect(vevents).toHaveLength(parties.reduce((n, p) => n + p.slots.length, 0));
    for (const party of parties) {
      for (const slot of party.slots) {
        const vevent = vevents.find((v) => v.getFirstPropertyValue("uid") === `${party.tag}-${party.kind}-group-${slot.group}@patchparty`)!;
        const event = new ICAL.Event(vevent);
        expect(event.startDate.toJSDate().toISOString()).toBe(slot.startsAt.toISOString());
        expect(event.startDate.zone.tzid).toBe("UTC");
        expect(Number(vevent.getFirstPropertyValue("sequence"))).toBe(party.sequence);
        expect(vevent.getFirstPropertyValue("status")).toBe(party.status === "cancelled" ? "CANCELLED" : "CONFIRMED");
        expect(vevent.getFirstPropertyValue("dtstamp")).toBeTruthy();
      }
    }
  });

  it("are rendered once a minute per content: a moved or cancelled party changes the feed at once", async () => {
    const events = await feedEvents({}, NOW);
    if (!events.ok) throw new Error(events.message);
    const first = renderCalendar(events.value, "http://localhost:3000", NOW);
    expect(renderCalendar(events.value, "http://localhost:3000", new Date(NOW.getTime() + 30_000))).toBe(first);
    const [one, ...rest] = events.value;
    const cancelled = [{ ...one!, party: { ...one!.party, status: "cancelled" as const, sequence: one!.party.sequence + 1 } }, ...rest];
    const changed = renderCalendar(cancelled, "http://localhost:3000", new Date(NOW.getTime() + 30_000));
    expect(changed).not.toBe(first);
    expect(changed).toContain("STATUS:CANCELLED");
    expect(renderCalendar(events.value, "http://localhost:3000", new Date(NOW.getTime() + 61_000))).not.toBe(first); // a new minute, a new DTSTAMP
  });

  it("filter by resource (its environment and group) and by team, and refuse unknown names", async () => {
    const byResource = await feedEvents({ resource: f.web.name }, NOW);
    expect(byResource.ok && byResource.value.every((e) => e.party.kind === "production" && e.group === 2)).toBe(true);
    expect(await feedEvents({ resource: "nope" }, NOW)).toMatchObject({ ok: false, status: 404 });
    const byTeam = await feedEvents({ team: f.teamB.slug }, NOW);
    // Team B has one production resource, in group 1.
    expect(byTeam.ok && [...new Set(byTeam.value.map((e) => `${e.party.kind}:${e.group}`))]).toEqual(["production:1"]);
  });
});

describe("counts", () => {
  it("come from aggregates: current resources for parties to come, outcomes for parties that ran", async () => {
    const parties = await listParties(new Date("2026-08-01T00:00:00Z"), new Date("2026-12-31T00:00:00Z"));
    const counts = await slotCounts(parties, NOW, f.teamA.id);
    const upcoming = parties.find((p) => p.tag === "2026-Q4" && p.kind === "production")!;
    expect(counts.get(partyKey(upcoming))).toEqual({ 1: 1, 2: 2, 3: 1 });
    const ran = parties.find((p) => p.tag === "2026-Q3" && p.kind === "production")!;
    expect(counts.get(partyKey(ran))).toEqual({ 1: 0, 2: 0, 3: 0 });
  });
});
