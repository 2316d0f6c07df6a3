import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { DEFAULT_PARTY_RULE, minutesOfDay, partiesOfQuarter, partyRuleProblems, projectParties, quarterOf, type PartyRule } from "@/lib/domain";

const iso = (d: Date) => d.toISOString();

describe("the default party rule", () => {
  it("puts 2026-Q4's QA party on the second Thursday of November, Paris business hours", () => {
    const [qa, production] = partiesOfQuarter(DEFAULT_PARTY_RULE, { year: 2026, quarter: 4 });
    expect(qa.tag).toBe("2026-Q4");
    expect(qa.localDate).toBe("2026-11-12");
    // Paris is UTC+1 in November.
    expect(iso(qa.startsAt)).toBe("2026-11-12T08:00:00.000Z");
    expect(iso(qa.endsAt)).toBe("2026-11-12T17:00:00.000Z");
    expect(qa.slots.map((s) => [s.group, iso(s.startsAt), iso(s.endsAt)])).toEqual([
      [1, "2026-11-12T08:00:00.000Z", "2026-11-12T11:00:00.000Z"],
      [2, "2026-11-12T11:00:00.000Z", "2026-11-12T14:00:00.000Z"],
      [3, "2026-11-12T14:00:00.000Z", "2026-11-12T17:00:00.000Z"],
    ]);
    // 24 days after a Thursday is the first Sunday at least three weeks later.
    expect(production.localDate).toBe("2026-12-06");
    expect(production.tag).toBe("2026-Q4");
    expect(iso(production.slots[0]!.startsAt)).toBe("2026-12-06T05:00:00.000Z");
  });

  it("follows summer time: 2026-Q2's QA party starts at 07:00 UTC", () => {
    const [qa, production] = partiesOfQuarter(DEFAULT_PARTY_RULE, { year: 2026, quarter: 2 });
    expect(qa.localDate).toBe("2026-05-14");
    expect(iso(qa.startsAt)).toBe("2026-05-14T07:00:00.000Z");
    expect(production.localDate).toBe("2026-06-07");
  });

  it("can choose the last Thursday of the quarter's third month; production then falls in the next quarter", () => {
    const rule: PartyRule = { ...DEFAULT_PARTY_RULE, qaMonthOfQuarter: 3, qaThursdayOfMonth: -1 };
    const [qa, production] = partiesOfQuarter(rule, { year: 2026, quarter: 1 });
    expect(qa.localDate).toBe("2026-03-26");
    expect(production.localDate).toBe("2026-04-19");
    expect(production.tag).toBe("2026-Q1");
    // Projecting the next quarter still finds it.
    const found = projectParties(rule, new Date("2026-04-01T00:00:00Z"), new Date("2026-05-01T00:00:00Z"));
    expect(found.map((p) => `${p.tag} ${p.kind}`)).toEqual(["2026-Q1 production"]);
  });

  it("projects the parties of a range in time order, cut at its edges", () => {
    const parties = projectParties(DEFAULT_PARTY_RULE, new Date("2026-01-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z"));
    expect(parties.map((p) => `${p.localDate} ${p.kind}`)).toEqual([
      "2026-02-12 qa",
      "2026-03-08 production",
      "2026-05-14 qa",
      "2026-06-07 production",
      "2026-08-13 qa",
      "2026-09-06 production",
      "2026-11-12 qa",
      "2026-12-06 production",
    ]);
    expect(projectParties(DEFAULT_PARTY_RULE, new Date("2026-02-12T12:00:00Z"), new Date("2026-02-12T13:00:00Z"))).toHaveLength(1);
    expect(projectParties(DEFAULT_PARTY_RULE, new Date("2026-02-13T00:00:00Z"), new Date("2026-03-01T00:00:00Z"))).toHaveLength(0);
  });

  it("is a valid rule, and the checks catch a slot outside business hours", () => {
    expect(partyRuleProblems(DEFAULT_PARTY_RULE)).toEqual([]);
    const bad: PartyRule = {
      ...DEFAULT_PARTY_RULE,
      timeZone: "Mars/Olympus",
      qaSlots: [{ group: 1, start: "07:00", end: "12:00" }, ...DEFAULT_PARTY_RULE.qaSlots.slice(1)],
    };
    expect(partyRuleProblems(bad).map((p) => p.path)).toEqual(["timeZone", "qaSlots.1"]);
  });
});

const zones = ["Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC", "Pacific/Auckland", "America/Sao_Paulo"];

const ruleArb = fc.record({
  timeZone: fc.constantFrom(...zones),
  qaMonthOfQuarter: fc.constantFrom(1 as const, 2 as const, 3 as const),
  qaThursdayOfMonth: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const, -1 as const),
  productionMinGapDays: fc.integer({ min: 1, max: 60 }),
});

describe("party rule properties (fast-check, across DST changes and leap years)", () => {
  it("every QA party is a Thursday inside local business hours, tagged with its quarter", () => {
    fc.assert(
      fc.property(ruleArb, fc.integer({ min: 1990, max: 2100 }), fc.constantFrom(1, 2, 3, 4), (partial, year, quarter) => {
        const rule = { ...DEFAULT_PARTY_RULE, ...partial };
        const [qa] = partiesOfQuarter(rule, { year, quarter: quarter as 1 | 2 | 3 | 4 });
        const start = DateTime.fromJSDate(qa.startsAt, { zone: rule.timeZone });
        const end = DateTime.fromJSDate(qa.endsAt, { zone: rule.timeZone });
        expect(start.weekday).toBe(4);
        expect(start.toISODate()).toBe(qa.localDate);
        expect(start.hour * 60 + start.minute).toBeGreaterThanOrEqual(minutesOfDay(rule.businessHours.start));
        expect(end.hour * 60 + end.minute).toBeLessThanOrEqual(minutesOfDay(rule.businessHours.end));
        expect(end.toISODate()).toBe(qa.localDate);
        expect(qa.tag).toBe(`${year}-Q${quarter}`);
        expect(quarterOf(qa.startsAt, rule.timeZone)).toEqual({ year, quarter });
      }),
      { numRuns: 500 },
    );
  });

  it("every production party is the first Sunday at least the gap after its QA party", () => {
    fc.assert(
      fc.property(ruleArb, fc.integer({ min: 1990, max: 2100 }), fc.constantFrom(1, 2, 3, 4), (partial, year, quarter) => {
        const rule = { ...DEFAULT_PARTY_RULE, ...partial };
        const [qa, production] = partiesOfQuarter(rule, { year, quarter: quarter as 1 | 2 | 3 | 4 });
        const qaDay = DateTime.fromISO(qa.localDate, { zone: "UTC" });
        const prodDay = DateTime.fromISO(production.localDate, { zone: "UTC" });
        const gap = prodDay.diff(qaDay, "days").days;
        expect(prodDay.weekday).toBe(7);
        expect(gap).toBeGreaterThanOrEqual(rule.productionMinGapDays);
        expect(gap).toBeLessThan(rule.productionMinGapDays + 7);
        expect(DateTime.fromJSDate(production.startsAt, { zone: rule.timeZone }).toISODate()).toBe(production.localDate);
        expect(production.tag).toBe(qa.tag);
        // With the default three weeks, a Thursday's Sunday is exactly 24 days later.
        if (rule.productionMinGapDays === 21) expect(gap).toBe(24);
      }),
      { numRuns: 500 },
    );
  });

  it("every slot keeps its wall-clock times, whatever DST does that day", () => {
    fc.assert(
      fc.property(ruleArb, fc.integer({ min: 1990, max: 2100 }), fc.constantFrom(1, 2, 3, 4), (partial, year, quarter) => {
        const rule = { ...DEFAULT_PARTY_RULE, ...partial };
        for (const party of partiesOfQuarter(rule, { year, quarter: quarter as 1 | 2 | 3 | 4 })) {
          const slotRules = party.kind === "qa" ? rule.qaSlots : rule.productionSlots;
          for (const slot of party.slots) {
            const wanted = slotRules.find((s) => s.group === slot.group)!;
            expect(DateTime.fromJSDate(slot.startsAt, { zone: rule.timeZone }).toFormat("HH:mm")).toBe(wanted.start);
            expect(slot.endsAt.getTime()).toBeGreaterThan(slot.startsAt.getTime());
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("four of each kind per year, never overlapping, in order", () => {
    fc.assert(
      fc.property(ruleArb, fc.integer({ min: 1990, max: 2100 }), (partial, year) => {
        const rule = { ...DEFAULT_PARTY_RULE, ...partial };
        const parties = [1, 2, 3, 4].flatMap((q) => partiesOfQuarter(rule, { year, quarter: q as 1 | 2 | 3 | 4 }));
        expect(parties.filter((p) => p.kind === "qa")).toHaveLength(4);
        expect(parties.filter((p) => p.kind === "production")).toHaveLength(4);
        expect(new Set(parties.map((p) => `${p.tag}:${p.kind}`)).size).toBe(8);
        for (let i = 1; i < parties.length; i++) {
          expect(parties[i]!.startsAt.getTime()).toBeGreaterThan(parties[i - 1]!.endsAt.getTime());
        }
      }),
      { numRuns: 200 },
    );
  });
});
