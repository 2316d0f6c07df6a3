import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PARTY_RULE,
  nextPartyForResource,
  partiesInRange,
  patchTag,
  parsePatchTag,
  partiesOfQuarter,
  partyKey,
  planGeneration,
  productionAfter,
  quarterOf,
  type GenerationPlan,
  type PartyRule,
  type PlannedParty,
  type StoredParty,
} from "@/lib/domain";

const from = new Date("2025-01-01T00:00:00Z");
const to = new Date("2028-01-01T00:00:00Z");

let ids = 0;
const store = (parties: PlannedParty[], extra: Partial<StoredParty> = {}): StoredParty[] =>
  parties.map((p) => ({ ...p, id: `p${++ids}`, status: "planned", sequence: 0, manualReason: null, held: null, ...extra }));

describe("quarters and tags", () => {
  it("names a quarter YYYY-Qn in the organisation's zone", () => {
    expect(patchTag({ year: 2022, quarter: 4 })).toBe("2022-Q4");
    // 23:30 UTC on 31 March is already April (Q2) in Paris.
    expect(quarterOf(new Date("2026-03-31T23:30:00Z"), "Europe/Paris")).toEqual({ year: 2026, quarter: 2 });
    expect(quarterOf(new Date("2026-03-31T23:30:00Z"), "UTC")).toEqual({ year: 2026, quarter: 1 });
    expect(parsePatchTag("2022-Q4")).toEqual({ year: 2022, quarter: 4 });
    expect(parsePatchTag("2022-Q5")).toBeNull();
    expect(parsePatchTag("22-Q1")).toBeNull();
  });
});

describe("generation", () => {
  const now = new Date("2026-11-25T10:00:00Z");

  it("creates only future parties, and nothing the second time", () => {
    const plan = planGeneration(DEFAULT_PARTY_RULE, [], from, to, now);
    expect(plan.create.every((p) => p.startsAt > now)).toBe(true);
    expect(plan.create.map((p) => `${p.tag} ${p.kind}`)).toContain("2026-Q4 production");
    expect(plan.create.map((p) => `${p.tag} ${p.kind}`)).not.toContain("2026-Q4 qa");
    const again = planGeneration(DEFAULT_PARTY_RULE, store(plan.create), from, to, now);
    expect(again).toEqual({ create: [], move: [] });
  });

  it("loads history only when asked to", () => {
    const plan = planGeneration(DEFAULT_PARTY_RULE, [], from, to, now, { includePast: true });
    expect(plan.create).toHaveLength(24);
  });

  it("moves future rule-made parties when the rule changes, never past or hand-placed ones", () => {
    const all = store(planGeneration(DEFAULT_PARTY_RULE, [], from, to, now, { includePast: true }).create);
    const handPlaced = all.find((p) => p.tag === "2027-Q2" && p.kind === "qa")!;
    handPlaced.manualReason = "Moved for the data-centre move";
    const rule: PartyRule = { ...DEFAULT_PARTY_RULE, qaThursdayOfMonth: 3 };
    const plan = planGeneration(rule, all, from, to, now);
    expect(plan.create).toEqual([]);
    const moved = plan.move.map((m) => `${m.party.tag} ${m.party.kind}`);
    expect(moved).toContain("2027-Q1 qa");
    expect(moved).not.toContain("2027-Q2 qa");
    for (const m of plan.move) {
      const before = all.find((p) => p.id === m.id)!;
      expect(before.startsAt > now).toBe(true);
      expect(m.sequence).toBe(before.sequence + 1);
    }
  });

  it("is idempotent for any rule and any clock (property)", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2000-01-01"), max: new Date("2090-01-01"), noInvalidDate: true }),
        fc.constantFrom(1 as const, 2 as const, 3 as const),
        fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const, -1 as const),
        (clock, month, thursday) => {
          const rule = { ...DEFAULT_PARTY_RULE, qaMonthOfQuarter: month, qaThursdayOfMonth: thursday };
          const start = new Date(clock.getTime() - 400 * 86_400_000);
          const end = new Date(clock.getTime() + 400 * 86_400_000);
          const first = planGeneration(rule, [], start, end, clock);
          const second = planGeneration(rule, store(first.create), start, end, clock);
          expect(second.create).toHaveLength(0);
          expect(second.move).toHaveLength(0);
        },
      ),
      { numRuns: 200 },
    );
    // 400 plans of two years each, every party's zone arithmetic done afresh (the domain keeps
    // nothing; the app keeps projections in lib/cache): seconds of work on a busy machine.
  }, 60_000);

  it("lists stored parties as stored and fills the rest from the rule", () => {
    const stored = store(planGeneration(DEFAULT_PARTY_RULE, [], from, to, now).create.slice(0, 1), { status: "cancelled" });
    const listed = partiesInRange(DEFAULT_PARTY_RULE, stored, from, to);
    expect(listed).toHaveLength(24);
    expect(listed.filter((p) => p.stored)).toHaveLength(1);
    expect(listed.find((p) => p.stored)?.status).toBe("cancelled");
  });
});

const DAY = 86_400_000;
/** The stored parties after a plan is carried out, as generateParties carries it out. */
const apply = (stored: readonly StoredParty[], plan: GenerationPlan): StoredParty[] => [
  ...stored.map((p) => {
    const move = plan.move.find((m) => m.id === p.id);
    return move ? { ...p, ...move.party, sequence: move.sequence } : p;
  }),
  ...store(plan.create),
];
const times = (p: PlannedParty) => [
  p.localDate,
  p.startsAt.toISOString(),
  p.endsAt.toISOString(),
  ...p.slots.map((s) => `${s.group} ${s.startsAt.toISOString()}–${s.endsAt.toISOString()}`),
];

describe("a rule change (issue 16)", () => {
  // With and without DST, whole, half-hour and 45-minute offsets, both hemispheres.
  const zones = [
    "Europe/Paris",
    "America/New_York",
    "America/St_Johns",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Eucla",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "UTC",
  ];
  const ruleArb = fc
    .record({
      timeZone: fc.constantFrom(...zones),
      qaMonthOfQuarter: fc.constantFrom(1 as const, 2 as const, 3 as const),
      qaThursdayOfMonth: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const, -1 as const),
      productionMinGapDays: fc.integer({ min: 1, max: 60 }),
    })
    .map((r): PartyRule => ({ ...DEFAULT_PARTY_RULE, ...r }));

  it("keeps the quarter whose QA party ran, derives its production party from it, and moves the last stored pair together", () => {
    const now = new Date("2026-11-25T10:00:00Z");
    const horizon = new Date(now.getTime() + 730 * DAY);
    const stored = store(planGeneration(DEFAULT_PARTY_RULE, [], new Date(now.getTime() - 400 * DAY), horizon, now, { includePast: true }).create);
    // Pairs are stored whole: 2028-Q4's production party (3 December) lies past the horizon (24 November 2028), its QA party (9 November) before it.
    expect(stored.filter((p) => p.tag === "2028-Q4").map((p) => p.localDate)).toEqual(["2028-11-09", "2028-12-03"]);
    const rule: PartyRule = { ...DEFAULT_PARTY_RULE, qaMonthOfQuarter: 3, qaThursdayOfMonth: 1 };
    const plan = planGeneration(rule, stored, now, horizon, now);
    // 2026-Q4's QA party ran on 12 November: it is not created again on 3 December.
    expect(plan.create).toEqual([]);
    const saved = apply(stored, plan);
    const dates = (tag: string) => saved.filter((p) => p.tag === tag).map((p) => `${p.kind} ${p.localDate}`);
    expect(dates("2026-Q4")).toEqual(["qa 2026-11-12", "production 2026-12-06"]);
    expect(dates("2027-Q1")).toEqual(["qa 2027-03-04", "production 2027-03-28"]);
    expect(dates("2028-Q4")).toEqual(["qa 2028-12-07", "production 2028-12-31"]);
    expect(planGeneration(rule, saved, now, horizon, now)).toEqual({ create: [], move: [] });
  });

  it("a production party follows its QA party placed by hand, and a cancelled QA party's quarter follows the rule", () => {
    const now = new Date("2026-11-25T10:00:00Z");
    const horizon = new Date(now.getTime() + 730 * DAY);
    const stored = store(planGeneration(DEFAULT_PARTY_RULE, [], now, horizon, now).create);
    const handPlaced = stored.find((p) => p.tag === "2027-Q2" && p.kind === "qa")!;
    Object.assign(handPlaced, {
      ...partiesOfQuarter({ ...DEFAULT_PARTY_RULE, qaThursdayOfMonth: 4 }, { year: 2027, quarter: 2 })[0],
      manualReason: "Data-centre move",
    });
    stored.find((p) => p.tag === "2027-Q3" && p.kind === "qa")!.status = "cancelled";
    const saved = apply(stored, planGeneration(DEFAULT_PARTY_RULE, stored, now, horizon, now));
    const production = (tag: string) => saved.find((p) => p.tag === tag && p.kind === "production")!.localDate;
    expect(handPlaced.localDate).toBe("2027-05-27");
    expect(production("2027-Q2")).toBe(productionAfter(DEFAULT_PARTY_RULE, "2027-Q2", "2027-05-27").localDate);
    expect(production("2027-Q2")).toBe("2027-06-20");
    expect(production("2027-Q3")).toBe(partiesOfQuarter(DEFAULT_PARTY_RULE, { year: 2027, quarter: 3 })[1].localDate);
  });

  it("after any save, every future rule-made party is the new rule's, the rest stay, pairs are whole and no party is made twice (property)", () => {
    fc.assert(
      fc.property(
        ruleArb,
        ruleArb,
        fc.date({ min: new Date("2000-01-01"), max: new Date("2090-01-01"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 30, max: 1100 }),
        (before, after, start, daysLater, horizonDays) => {
          const horizon = (t: Date) => new Date(t.getTime() + horizonDays * DAY);
          // Stored under the first rule, with history, then kept up by the daily job until the save.
          let stored = apply([], planGeneration(before, [], new Date(start.getTime() - 400 * DAY), horizon(start), start, { includePast: true }));
          const now = new Date(start.getTime() + daysLater * DAY);
          stored = apply(stored, planGeneration(before, stored, now, horizon(now), now));
          const plan = planGeneration(after, stored, now, horizon(now), now);
          const existing = new Set(stored.map(partyKey));
          expect(plan.create.filter((p) => existing.has(partyKey(p)))).toEqual([]);
          const saved = apply(stored, plan);
          expect(new Set(saved.map(partyKey)).size).toBe(saved.length);
          const was = (tag: string, kind: string) => stored.find((p) => p.tag === tag && p.kind === kind);
          for (const tag of new Set(saved.map((p) => p.tag))) {
            const [ruleQa] = partiesOfQuarter(after, parsePatchTag(tag)!);
            const qa = saved.find((p) => p.tag === tag && p.kind === "qa");
            const production = saved.find((p) => p.tag === tag && p.kind === "production");
            // The QA party that ran (or whose new day has passed) stays; any other is the rule's.
            const qaBefore = was(tag, "qa");
            if (qa) expect(times(qa)).toEqual(times(qaBefore && (qaBefore.startsAt <= now || ruleQa.startsAt <= now) ? qaBefore : ruleQa));
            // The production party is the rule's Sunday after the QA party that ran or will run.
            const wanted = productionAfter(after, tag, (qa ?? ruleQa).localDate);
            const productionBefore = was(tag, "production");
            if (production) {
              const kept = productionBefore && (productionBefore.startsAt <= now || wanted.startsAt <= now);
              expect(times(production)).toEqual(times(kept ? productionBefore : wanted));
            }
            // A QA party still to come always has its production party stored with it.
            if (qa && qa.startsAt > now) expect(production).toBeDefined();
          }
          expect(planGeneration(after, saved, now, horizon(now), now)).toEqual({ create: [], move: [] });
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});

describe("which party a resource takes part in", () => {
  const now = new Date("2026-11-25T10:00:00Z");
  const parties = partiesInRange(DEFAULT_PARTY_RULE, [], now, new Date("2027-12-31T00:00:00Z"));

  it("a production resource goes to the next production party, in its group's slot", () => {
    const result = nextPartyForResource({ environment: "production", patchGroup: 2, excluded: false }, parties, now);
    expect(result.state).toBe("scheduled");
    if (result.state !== "scheduled") return;
    expect(result.party.kind).toBe("production");
    expect(result.party.localDate).toBe("2026-12-06");
    expect(result.slot.group).toBe(2);
    expect(result.slot.startsAt.toISOString()).toBe("2026-12-06T09:00:00.000Z");
  });

  it("a non-production resource goes to the next QA party", () => {
    const result = nextPartyForResource({ environment: "non-production", patchGroup: 1, excluded: false }, parties, now);
    expect(result.state === "scheduled" && result.party.kind === "qa" && result.party.localDate).toBe("2027-02-11");
  });

  it("an excluded resource has no party", () => {
    expect(nextPartyForResource({ environment: "production", patchGroup: 1, excluded: true }, parties, now)).toEqual({ state: "excluded" });
  });

  it("skips a cancelled party, and counts a slot still running", () => {
    const [first, ...rest] = parties.filter((p) => p.kind === "production");
    const cancelled = [{ ...first!, status: "cancelled" as const }, ...rest];
    const result = nextPartyForResource({ environment: "production", patchGroup: 1, excluded: false }, cancelled, now);
    expect(result.state === "scheduled" && result.party.tag).toBe("2027-Q1");
    const during = new Date("2026-12-06T06:00:00Z");
    const running = nextPartyForResource({ environment: "production", patchGroup: 1, excluded: false }, parties, during);
    expect(running.state === "scheduled" && running.party.tag).toBe("2026-Q4");
  });
});
