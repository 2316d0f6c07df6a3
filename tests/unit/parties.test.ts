import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PARTY_RULE,
  nextPartyForResource,
  partiesInRange,
  patchTag,
  parsePatchTag,
  planGeneration,
  quarterOf,
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
