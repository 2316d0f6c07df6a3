import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  activeFreezes,
  DEFAULT_PARTY_RULE,
  firstDayClear,
  freezeHolds,
  freezesOver,
  frozenTeams,
  partyFreezes,
  partyOnDay,
  windowConflicts,
  type Freeze,
} from "@/lib/domain";

const at = (iso: string) => new Date(iso);
const freeze = (over: Partial<Freeze> & Pick<Freeze, "startsAt" | "endsAt">): Freeze => ({
  id: over.name ?? "f",
  name: "Year end",
  reason: "Trading peak",
  scope: "all",
  teamIds: [],
  ...over,
});

describe("freeze periods", () => {
  // 2027-12-05 is a Sunday: the production party's slots run 06:00–18:00 Paris (05:00–17:00 UTC).
  const production = partyOnDay(DEFAULT_PARTY_RULE, "2027-Q4", "production", "2027-12-05");
  const qa = partyOnDay(DEFAULT_PARTY_RULE, "2027-Q4", "qa", "2027-11-11");

  it("flags a party whose slots overlap a freeze of its environment, once, and not one that only touches it", () => {
    const yearEnd = freeze({ id: "y", startsAt: at("2027-12-01T00:00:00Z"), endsAt: at("2028-01-03T00:00:00Z") });
    expect(partyFreezes(production, [yearEnd])).toEqual([{ kind: "freeze", id: "y", name: "Year end" }]);
    expect(partyFreezes(qa, [yearEnd])).toEqual([]);
    // Ends when group 1's slot starts (05:00 UTC): touching is not overlapping.
    const before = freeze({ id: "b", startsAt: at("2027-12-04T00:00:00Z"), endsAt: at("2027-12-05T05:00:00Z") });
    expect(partyFreezes(production, [before])).toEqual([]);
    // Production-only freezes leave QA parties alone, and the other way round.
    const nonProduction = freeze({ id: "n", scope: "non-production", startsAt: at("2027-11-01T00:00:00Z"), endsAt: at("2027-12-31T00:00:00Z") });
    expect(partyFreezes(production, [nonProduction])).toEqual([]);
    expect(partyFreezes(qa, [nonProduction]).map((c) => c.id)).toEqual(["n"]);
  });

  it("holds a team's servers only when it names the team, and says which teams are frozen now", () => {
    const teams = freeze({ id: "t", scope: "production", teamIds: ["payments"], startsAt: at("2027-12-01T00:00:00Z"), endsAt: at("2027-12-10T00:00:00Z") });
    expect(freezeHolds(teams, { environment: "production", teamId: "payments" })).toBe(true);
    expect(freezeHolds(teams, { environment: "production", teamId: "search" })).toBe(false);
    expect(freezeHolds(teams, { environment: "non-production", teamId: "payments" })).toBe(false);
    const inside = at("2027-12-05T06:00:00Z");
    expect(frozenTeams([teams], "production", inside)).toEqual(new Set(["payments"]));
    expect(frozenTeams([teams], "non-production", inside)).toEqual(new Set());
    expect(frozenTeams([teams], "production", at("2027-12-10T00:00:00Z"))).toEqual(new Set()); // over at its end
    const all = freeze({ id: "a", startsAt: at("2027-12-05T00:00:00Z"), endsAt: at("2027-12-06T00:00:00Z") });
    expect(frozenTeams([teams, all], "production", inside)).toBe("all");
    expect(activeFreezes([teams, all], at("2027-12-08T00:00:00Z")).map((f) => f.id)).toEqual(["t"]);
    // An upgrade window of search servers is clear of the payments freeze; of payments servers it is not.
    const window = { startsAt: at("2027-12-05T00:00:00Z"), endsAt: at("2027-12-05T04:00:00Z") };
    expect(freezesOver(window, ["production"], [teams], new Set(["search"]))).toEqual([]);
    expect(freezesOver(window, ["production"], [teams], new Set(["payments", "search"])).map((c) => c.id)).toEqual(["t"]);
  });

  it("finds the first day after a party's own whose slots are clear of every freeze that holds it", () => {
    const yearEnd = freeze({ id: "y", startsAt: at("2027-12-01T00:00:00Z"), endsAt: at("2027-12-08T00:00:00Z") });
    const clear = firstDayClear(DEFAULT_PARTY_RULE, production, [yearEnd]);
    expect(clear?.localDate).toBe("2027-12-08");
    expect(partyFreezes(clear!, [yearEnd])).toEqual([]);
    expect(
      firstDayClear(DEFAULT_PARTY_RULE, production, [freeze({ startsAt: at("2027-01-01T00:00:00Z"), endsAt: at("2028-12-31T00:00:00Z") })], 30),
    ).toBeNull();
  });

  it("property: a day it proposes is after the party's, clear, and every day before it is frozen", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 40 * 24 }),
        fc.constantFrom("all", "production", "non-production"),
        (startDay, hours, scope) => {
          const startsAt = new Date(Date.UTC(2027, 11, startDay) + 3_600_000 * 3);
          const f = freeze({ startsAt, endsAt: new Date(startsAt.getTime() + hours * 3_600_000), scope: scope as Freeze["scope"] });
          const found = firstDayClear(DEFAULT_PARTY_RULE, production, [f]);
          expect(found).not.toBeNull();
          expect(found!.localDate > production.localDate).toBe(true);
          expect(partyFreezes(found!, [f])).toEqual([]);
          for (let d = new Date(`${production.localDate}T12:00:00Z`); ; d = new Date(d.getTime() + 86_400_000)) {
            const day = d.toISOString().slice(0, 10);
            if (day <= production.localDate) continue;
            if (day >= found!.localDate) break;
            expect(partyFreezes(partyOnDay(DEFAULT_PARTY_RULE, "2027-Q4", "production", day), [f]).length).toBe(1);
          }
        },
      ),
    );
  });
});

describe("conflicts between party slots and upgrade windows", () => {
  const at = (iso: string) => new Date(iso);
  const party = {
    tag: "2027-Q1",
    kind: "production" as const,
    cancelled: false,
    slots: [
      { group: 1, startsAt: at("2027-03-07T05:00:00Z"), endsAt: at("2027-03-07T09:00:00Z") },
      { group: 2, startsAt: at("2027-03-07T09:00:00Z"), endsAt: at("2027-03-07T13:00:00Z") },
      { group: 3, startsAt: at("2027-03-07T13:00:00Z"), endsAt: at("2027-03-07T17:00:00Z") },
    ],
  };
  const kafka = { id: "k", name: "kafka", windows: [{ scheduleName: "Sunday night", start: at("2027-03-07T00:00:00Z"), end: at("2027-03-07T08:00:00Z") }] };
  const scope = (group: number, servers: number, environment: "production" | "non-production" = "production") => ({
    templateId: "k",
    environment,
    group,
    servers,
    names: Array.from({ length: Math.min(servers, 5) }, (_, i) => `broker-${group}-${i}`),
  });

  it("lists a slot that patches the template's servers while its window is open, with a group whose slot misses the window as the fix", () => {
    const found = windowConflicts([party], [kafka], [scope(1, 85), scope(2, 3)]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      kind: "template-window",
      group: 1,
      servers: 85,
      template: { id: "k", name: "kafka" },
      party: { tag: "2027-Q1", kind: "production" },
    });
    expect(found[0]!.fix).toBe(
      "Move these servers to group 2 (its slot, 09:00–13:00 UTC, misses the window), or change the schedule of kafka's policy so that its window misses group 1's slot.",
    );
  });

  it("ignores other environments, cancelled parties, groups without the template's servers and windows that only touch a slot", () => {
    expect(windowConflicts([party], [kafka], [scope(1, 85, "non-production")])).toEqual([]);
    expect(windowConflicts([{ ...party, cancelled: true }], [kafka], [scope(1, 85)])).toEqual([]);
    expect(windowConflicts([party], [kafka], [scope(3, 10)])).toEqual([]);
    const touching = { ...kafka, windows: [{ scheduleName: "x", start: at("2027-03-07T17:00:00Z"), end: at("2027-03-07T20:00:00Z") }] };
    expect(windowConflicts([party], [touching], [scope(3, 10)])).toEqual([]);
  });

  it("suggests excluding the servers when every slot of the party overlaps a window", () => {
    const allDay = { ...kafka, windows: [{ scheduleName: "all day", start: at("2027-03-07T00:00:00Z"), end: at("2027-03-08T00:00:00Z") }] };
    const found = windowConflicts([party], [allDay], [scope(1, 2), scope(3, 1)]);
    expect(found.map((c) => c.group)).toEqual([1, 3]);
    expect(found[0]!.fix).toMatch(/^Exclude these servers from the 2027-Q1 production party, or change the schedule/);
  });
});
