import ICAL from "ical.js";
import { beforeAll, describe, expect, it } from "vitest";
import { feedEvents, renderCalendar } from "@/lib/data/calendar-feed";
import { cancelParty, moveParty, previewRuleChange, ruleFromInput, savePartyRule } from "@/lib/data/party-changes";
import { getParty, slotCounts } from "@/lib/data/party-detail";
import { generateParties, listParties } from "@/lib/data/parties";
import { db } from "@/lib/db";
import { DEFAULT_PARTY_RULE, partyKey } from "@/lib/domain";
import { makeFleet } from "./fixtures/fleet";

const NOW = new Date("2026-11-25T10:00:00Z");
const DAY = 86_400_000;
let f: Awaited<ReturnType<typeof makeFleet>>;

const ruleInput = (
  changes: Partial<{
    qaMonthOfQuarter: 1 | 2 | 3;
    qaThursdayOfMonth: 1 | 2 | 3 | 4 | -1;
    productionMinGapDays: number;
    revision: number;
    moveAnnounced: boolean;
  }> = {},
) => ({
  timeZone: DEFAULT_PARTY_RULE.timeZone,
  qaMonthOfQuarter: changes.qaMonthOfQuarter ?? DEFAULT_PARTY_RULE.qaMonthOfQuarter,
  qaThursdayOfMonth: changes.qaThursdayOfMonth ?? DEFAULT_PARTY_RULE.qaThursdayOfMonth,
  businessHours: DEFAULT_PARTY_RULE.businessHours,
  productionMinGapDays: changes.productionMinGapDays ?? DEFAULT_PARTY_RULE.productionMinGapDays,
  qaSlots: DEFAULT_PARTY_RULE.qaSlots.map(({ start, end }) => ({ start, end })) as never,
  productionSlots: DEFAULT_PARTY_RULE.productionSlots.map(({ start, end }) => ({ start, end })) as never,
  revision: changes.revision,
  moveAnnounced: changes.moveAnnounced,
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
    expect(again).toEqual({ ok: true, value: { created: 0, moved: 0, movedParties: [], kept: [] } });
    expect(await savePartyRule(f.admin, ruleInput({ qaThursdayOfMonth: 3, revision }), NOW)).toMatchObject({ ok: false, status: 409 });
    expect(await db.party.findMany({ where: { startsAt: { lte: NOW } }, include: { slots: true }, orderBy: { id: "asc" } })).toEqual(past);
    const q1 = await getParty("2027-Q1", "qa");
    expect(q1?.localDate).toBe("2027-02-18");
    expect(q1?.stored && q1.sequence).toBe(1);
    // Back to the default rule for the other tests.
    expect((await savePartyRule(f.admin, ruleInput(), NOW)).ok).toBe(true);
    expect((await getParty("2027-Q1", "qa"))?.localDate).toBe("2027-02-11");
  });

  it("keeps a quarter whose QA party already ran, derives its production party from it, and moves both parties of the last stored quarter", async () => {
    // QA on the first Thursday of the quarter's third month: 2026-Q4's would be 3 December, ahead
    // of NOW, but its QA party ran on 12 November (it was stored as a past party, outside the window
    // the parties are stored for: saving used to create a second 2026-Q4 QA party and answer 500).
    const before = await Promise.all([getParty("2026-Q4", "qa"), getParty("2026-Q4", "production")]);
    expect(before.map((p) => p?.localDate)).toEqual(["2026-11-12", "2026-12-06"]);
    const saved = await savePartyRule(f.admin, ruleInput({ qaMonthOfQuarter: 3, qaThursdayOfMonth: 1 }), NOW);
    expect(saved.ok).toBe(true);
    const dates = async (tag: string) => (await Promise.all([getParty(tag, "qa"), getParty(tag, "production")])).map((p) => p?.stored && p.localDate);
    // The QA party that ran stays; its production party is the rule's Sunday after it (unchanged here).
    expect(await dates("2026-Q4")).toEqual(["2026-11-12", "2026-12-06"]);
    expect(await dates("2027-Q1")).toEqual(["2027-03-04", "2027-03-28"]);
    // 2028-Q4's new QA day (7 December) is past the two-year horizon (24 November 2028): the pair moves together.
    expect(await dates("2028-Q4")).toEqual(["2028-12-07", "2028-12-31"]);
    const pairs = await db.party.groupBy({ by: ["tag", "kind"], _count: { _all: true } });
    expect(pairs.every((p) => p._count._all === 1)).toBe(true);
    expect((await savePartyRule(f.admin, ruleInput(), NOW)).ok).toBe(true);
    expect(await dates("2028-Q4")).toEqual(["2028-11-09", "2028-12-03"]);
  });

  it("keeps parties announced to customers, less than 14 days away or approved on their dates unless told to move them, and says which", async () => {
    const party = async (tag: string) => (await getParty(tag, "production"))!;
    const [near, announced, approved] = [await party("2026-Q4"), await party("2027-Q1"), await party("2027-Q3")];
    expect([near, announced, approved].map((p) => p.localDate)).toEqual(["2026-12-06", "2027-03-07", "2027-09-05"]);
    const notice = await db.notification.create({
      data: {
        dedupeKey: `test:announce:${announced.id}`,
        kind: "announce",
        recipient: "desk@example.test",
        subject: "Planned maintenance",
        body: "Told.",
        partyId: announced.id,
        windowStart: announced.startsAt,
        windowEnd: announced.endsAt,
        state: "SENT",
      },
    });
    const change = await db.changeRequest.create({
      data: {
        title: "2027-Q3 production",
        partyId: approved.id!,
        scope: {},
        plannedStart: approved.startsAt,
        plannedEnd: approved.endsAt,
        rollbackPlan: "Snapshots.",
        acceptanceCriteria: "Healthy.",
        contacts: "Desk.",
        state: "APPROVED",
        requestedById: f.admin.id,
      },
    });
    const ids = [near.id!, announced.id!, approved.id!];
    try {
      // Production a week later (28 days after QA instead of 21): every production party still to come would move.
      const preview = await previewRuleChange(ruleFromInput(ruleInput({ productionMinGapDays: 28 }) as never), NOW, false);
      const move = (tag: string) => preview.moves.find((m) => m.tag === tag && m.kind === "production");
      expect(move("2026-Q4")).toMatchObject({ soon: true, from: { localDate: "2026-12-06" }, to: { localDate: "2026-12-13" } });
      expect(move("2027-Q1")).toMatchObject({ announced: true, soon: false, to: { localDate: "2027-03-14" } });
      expect(move("2027-Q3")).toMatchObject({ approved: true, soon: false, to: { localDate: "2027-09-12" } });
      expect(move("2027-Q4")).toMatchObject({ announced: false, soon: false, approved: false, to: { localDate: "2027-12-12" } });
      expect(preview.kept.map((k) => k.tag)).toEqual(expect.arrayContaining(["2026-Q4", "2027-Q1", "2027-Q3"]));
      expect(preview.kept.map((k) => k.tag)).not.toContain("2027-Q4");
      // Ticked ("moveAnnounced"): they move too.
      const ticked = await savePartyRule(f.admin, ruleInput({ productionMinGapDays: 28, moveAnnounced: true }), NOW);
      expect(ticked.ok && ticked.value.kept).toEqual([]);
      expect((await Promise.all(["2026-Q4", "2027-Q1", "2027-Q3"].map(party))).map((p) => p.localDate)).toEqual(["2026-12-13", "2027-03-14", "2027-09-12"]);
      // The approved change of the party that moved goes back to the approvers (issue 16, point 3).
      const drifted = await db.changeRequest.findUniqueOrThrow({ where: { id: change.id } });
      expect(drifted).toMatchObject({ state: "SUBMITTED", decidedById: null, plannedStart: (await party("2027-Q3")).startsAt });
      expect(drifted.driftNote).toMatch(/^Its window moved from 2027-09-05 .* to 2027-09-12 /);
      expect((await savePartyRule(f.admin, ruleInput({ moveAnnounced: true }), NOW)).ok).toBe(true);
      expect((await party("2026-Q4")).localDate).toBe("2026-12-06");
      await db.changeRequest.update({ where: { id: change.id }, data: { state: "APPROVED", driftNote: null } });
      // Not ticked: they keep their dates, marked so that the daily generation leaves them too; the rest move.
      const saved = await savePartyRule(f.admin, ruleInput({ productionMinGapDays: 28 }), NOW);
      if (!saved.ok) throw new Error(saved.message);
      expect(saved.value.kept.map((k) => `${k.tag} ${k.kind}`)).toEqual(
        expect.arrayContaining(["2026-Q4 production", "2027-Q1 production", "2027-Q3 production"]),
      );
      expect(saved.value.movedParties.map((m) => `${m.tag} ${m.kind} ${m.to.localDate}`)).toContain("2027-Q4 production 2027-12-12");
      const kept = await Promise.all(["2026-Q4", "2027-Q1", "2027-Q3"].map(party));
      expect(kept.map((p) => p.localDate)).toEqual(["2026-12-06", "2027-03-07", "2027-09-05"]);
      expect(kept[0]!.manualReason).toMatch(/^Kept on its date when the party rule changed on 2026-11-25: .*it is less than 14 days away/);
      expect(kept[1]!.manualReason).toContain("customers were told of its date");
      expect(kept[2]!.manualReason).toContain("its change is approved");
      expect((await party("2027-Q4")).localDate).toBe("2027-12-12");
      expect(await db.auditEvent.count({ where: { action: "party.keep", entityId: { in: ids } } })).toBe(3);
      await generateParties(NOW, new Date(NOW.getTime() + 730 * DAY), NOW, { id: null, label: "test" });
      expect((await Promise.all(["2026-Q4", "2027-Q1", "2027-Q3"].map(party))).map((p) => p.localDate)).toEqual(["2026-12-06", "2027-03-07", "2027-09-05"]);
    } finally {
      await db.notification.delete({ where: { id: notice.id } });
      await db.changeRequest.delete({ where: { id: change.id } });
      await db.notification.deleteMany({ where: { dedupeKey: { startsWith: `change:${change.id}:` } } });
      await db.party.updateMany({ where: { id: { in: ids } }, data: { manualReason: null } });
      expect((await savePartyRule(f.admin, ruleInput({ moveAnnounced: true }), NOW)).ok).toBe(true);
    }
  });

  it("refuses a rule whose slots of one party overlap, naming them", async () => {
    const overlapping = {
      ...ruleInput(),
      productionSlots: [
        { start: "06:00", end: "10:30" },
        { start: "10:00", end: "14:00" },
        { start: "14:00", end: "18:00" },
      ] as never,
    };
    expect(await savePartyRule(f.admin, overlapping, NOW)).toMatchObject({
      ok: false,
      status: 400,
      message: "productionSlots.2: group 2's production slot (10:00–14:00) overlaps group 1's (06:00–10:30)",
    });
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
    const events = await feedEvents({}, null, NOW);
    if (!events.ok) throw new Error(events.message);
    const text = renderCalendar(events.value, "http://localhost:3000", NOW);
    const vevents = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent");
    const parties = await listParties(new Date(NOW.getTime() - 366 * DAY), new Date(NOW.getTime() + 731 * DAY));
    expect(vevents).toHaveLength(parties.reduce((n, p) => n + p.slots.length, 0));
    // A production party still to come is TENTATIVE until its change is approved (and while it is held): issue 18.
    const approved = new Set(
      (
        await db.changeRequest.findMany({
          where: { partyId: { in: parties.flatMap((p) => (p.id ? [p.id] : [])) }, state: "APPROVED" },
          select: { partyId: true },
        })
      ).map((c) => c.partyId),
    );
    const status = (party: (typeof parties)[number]) =>
      party.status === "cancelled"
        ? "CANCELLED"
        : party.kind === "production" && party.endsAt > NOW && (party.held || !party.id || !approved.has(party.id))
          ? "TENTATIVE"
          : "CONFIRMED";
    expect(parties.some((p) => status(p) === "TENTATIVE")).toBe(true);
    expect(parties.some((p) => status(p) === "CONFIRMED" && p.kind === "production")).toBe(true);
    for (const party of parties) {
      for (const slot of party.slots) {
        const vevent = vevents.find((v) => v.getFirstPropertyValue("uid") === `${party.tag}-${party.kind}-group-${slot.group}@patchparty`)!;
        const event = new ICAL.Event(vevent);
        expect(event.startDate.toJSDate().toISOString()).toBe(slot.startsAt.toISOString());
        expect(event.startDate.zone.tzid).toBe("UTC");
        expect(Number(vevent.getFirstPropertyValue("sequence"))).toBe(party.sequence);
        expect(vevent.getFirstPropertyValue("status")).toBe(status(party));
        expect(vevent.getFirstPropertyValue("dtstamp")).toBeTruthy();
      }
    }
  });

  it("are rendered once a minute per content: a moved or cancelled party changes the feed at once", async () => {
    const events = await feedEvents({}, null, NOW);
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
    const byResource = await feedEvents({ resource: f.web.name }, null, NOW);
    expect(byResource.ok && byResource.value.every((e) => e.party.kind === "production" && e.group === 2)).toBe(true);
    expect(await feedEvents({ resource: "nope" }, null, NOW)).toMatchObject({ ok: false, status: 404 });
    const byTeam = await feedEvents({ team: f.teamB.slug }, null, NOW);
    // Team B has one production resource, in group 1.
    expect(byTeam.ok && [...new Set(byTeam.value.map((e) => `${e.party.kind}:${e.group}`))]).toEqual(["production:1"]);
  });
});

describe("counts", () => {
  it("come from aggregates: current resources for parties to come, outcomes for parties that ran", async () => {
    const parties = await listParties(new Date("2026-08-01T00:00:00Z"), new Date("2026-12-31T00:00:00Z"));
    const counts = await slotCounts(parties, NOW, [f.teamA.id]);
    const upcoming = parties.find((p) => p.tag === "2026-Q4" && p.kind === "production")!;
    expect(counts.get(partyKey(upcoming))).toEqual({ 1: 1, 2: 2, 3: 1 });
    const ran = parties.find((p) => p.tag === "2026-Q3" && p.kind === "production")!;
    expect(counts.get(partyKey(ran))).toEqual({ 1: 0, 2: 0, 3: 0 });
  });
});
