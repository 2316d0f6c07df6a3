import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimate, forecastDay, forecastWindow, median, SPILL_SHOWN, type ForecastMember, type ForecastWindow } from "@/lib/domain/forecast";

const at = (hhmm: string) => new Date(`2026-12-10T${hhmm}:00Z`);
const time = (d: Date | null) => d?.toISOString().slice(11, 16) ?? null;

const web = { id: "svc-web", name: "web" };
const db = { id: "svc-db", name: "db" };

function member(name: string, over: Partial<ForecastMember> = {}): ForecastMember {
  return { id: `id-${name}`, name, service: null, production: true, cluster: null, history: null, planMinutes: null, ...over };
}

function slot(members: ForecastMember[], over: Partial<ForecastWindow> = {}): ForecastWindow {
  return {
    group: 1,
    label: "Group 1",
    start: at("10:00"),
    end: at("14:00"),
    cutoffMinutes: 30,
    memberTimeoutMinutes: 60,
    safety: { concurrency: 2, concurrencyPercent: null, canaryPercent: 0 },
    members,
    ...over,
  };
}

const history = (medianMinutes: number, runs = 3) => ({ medianMinutes, runs });

describe("a member's expected duration", () => {
  it("is the median of its history, else its plan's downtime, else half the member timeout", () => {
    expect(estimate({ history: history(12, 5), planMinutes: 60 }, 60)).toEqual({ minutes: 12, source: "history", runs: 5 });
    expect(estimate({ history: null, planMinutes: 45 }, 60)).toEqual({ minutes: 45, source: "plan", runs: 0 });
    expect(estimate({ history: null, planMinutes: null }, 60)).toEqual({ minutes: 30, source: "default", runs: 0 });
    expect(estimate({ history: { medianMinutes: 9, runs: 0 }, planMinutes: null }, 40)).toEqual({ minutes: 20, source: "default", runs: 0 });
  });

  it("median: the middle value, or the mean of the middle two", () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
  });
});

describe("one window, worked by hand", () => {
  it("two at a time, in the given order: a and b 10:00–11:00, then c 11:00–11:30 and d 11:00–12:30", () => {
    const f = forecastWindow(
      slot([
        member("a", { history: history(60) }),
        member("b", { planMinutes: 60 }),
        member("c"), // default: half of the 60-minute timeout
        member("d", { history: history(90) }),
      ]),
    );
    expect(f.members.map((m) => [m.name, time(m.start), time(m.finish), m.source])).toEqual([
      ["a", "10:00", "11:00", "history"],
      ["b", "10:00", "11:00", "plan"],
      ["c", "11:00", "11:30", "default"],
      ["d", "11:00", "12:30", "history"],
    ]);
    expect(time(f.expectedFinish)).toBe("12:30");
    expect(time(f.cutoff)).toBe("13:30");
    expect(f.fits).toBe(true);
    expect(f.spillOver).toEqual([]);
    expect(f.estimates).toEqual({ history: 2, plan: 1, default: 1 });
  });

  it("the canary goes first and is waited for; a member due at or after the cutoff does not start", () => {
    // 5 members, canary 10 % → 1; three at a time; 60 minutes each; slot 10:00–12:00, cutoff 11:30.
    const members = ["m1", "m2", "m3", "m4", "m5"].map((n) => member(n, { history: history(60) }));
    const f = forecastWindow(slot(members, { end: at("12:00"), safety: { concurrency: 3, concurrencyPercent: null, canaryPercent: 10 } }));
    expect(f.canary).toBe(1);
    expect(f.members.map((m) => [m.name, time(m.start), m.canary])).toEqual([
      ["m1", "10:00", true],
      ["m2", "11:00", false],
      ["m3", "11:00", false],
      ["m4", "11:00", false],
      ["m5", "12:00", false],
    ]);
    // m2–m4 finish exactly at the end: they fit. m5 would start at 12:00, past the 11:30 cutoff.
    expect(f.spillOver.map((m) => [m.name, m.spill])).toEqual([["m5", "not-started"]]);
    expect(f.fits).toBe(false);
    expect(time(f.expectedFinish)).toBe("13:00");
  });

  it("a member that starts before the cutoff but finishes after the end overruns", () => {
    const members = ["m1", "m2", "m3"].map((n) => member(n, { history: history(70) }));
    const f = forecastWindow(slot(members, { end: at("12:00"), safety: { concurrency: 2, concurrencyPercent: null, canaryPercent: 0 } }));
    // m1, m2 10:00–11:10; m3 11:10 (before the 11:30 cutoff) – 12:20, past the 12:00 end.
    expect(f.spillOver.map((m) => [m.name, m.spill, time(m.finish)])).toEqual([["m3", "overrun", "12:20"]]);
  });

  it("a share of the members at once, rounded up", () => {
    const members = Array.from({ length: 10 }, (_, i) => member(`m${i}`, { history: history(30) }));
    const f = forecastWindow(slot(members, { safety: { concurrency: 1, concurrencyPercent: 25, canaryPercent: 0 } }));
    expect(f.concurrency).toBe(3); // ceil(10 × 25 %)
    expect(time(f.expectedFinish)).toBe("12:00"); // 4 rounds of 30 minutes: 3 + 3 + 3 + 1
  });

  it("a cluster's nodes go one at a time, the others alongside", () => {
    const f = forecastWindow(
      slot([member("k1-a", { cluster: "k1", planMinutes: 30 }), member("k1-b", { cluster: "k1", planMinutes: 30 }), member("s1", { planMinutes: 30 })], {
        safety: { concurrency: 3, concurrencyPercent: null, canaryPercent: 0 },
      }),
    );
    expect(f.members.map((m) => [m.name, time(m.start)])).toEqual([
      ["k1-a", "10:00"],
      ["k1-b", "10:30"],
      ["s1", "10:00"],
    ]);
  });

  it("with a plan: component by component, a cluster secondary first", () => {
    const plan = [
      { name: "clients", downtimeMinutes: 5 },
      { name: "controllers", downtimeMinutes: 60 },
    ];
    const client = { component: "clients", serverType: "client", role: null };
    const controller = (role: "primary" | "secondary") => ({ component: "controllers", serverType: "mc", role });
    const f = forecastWindow(
      slot(
        [
          member("c1", { planMinutes: 5, plan: client }),
          member("c2", { planMinutes: 5, history: history(8), plan: client }),
          member("mc-primary", { cluster: "mc", planMinutes: 60, plan: controller("primary") }),
          member("mc-secondary", { cluster: "mc", planMinutes: 60, plan: controller("secondary") }),
        ],
        { plan, safety: { concurrency: 10, concurrencyPercent: null, canaryPercent: 0 } },
      ),
    );
    // Controllers wait for every client (c2 takes 8 minutes); then one node at a time.
    expect(f.members.map((m) => [m.name, time(m.start), time(m.finish)])).toEqual([
      ["c1", "10:00", "10:05"],
      ["c2", "10:00", "10:08"],
      ["mc-primary", "11:08", "12:08"],
      ["mc-secondary", "10:08", "11:08"],
    ]);
  });

  it("no members: nothing to finish, and it fits", () => {
    const f = forecastWindow(slot([]));
    expect(f.expectedFinish).toBeNull();
    expect(f.fits).toBe(true);
  });
});

describe("services over the day", () => {
  const group = (g: number, members: ForecastMember[]) =>
    slot(members, { group: g, label: `Group ${g}`, start: at(`${8 + 2 * g}:00`), end: at(`${10 + 2 * g}:00`) });

  it("a service whose every production server sits in one group is marked, with the minutes it is wholly down", () => {
    const day = forecastDay(
      [
        group(1, [
          member("web-1", { service: web, history: history(40) }),
          member("web-2", { service: web, history: history(60) }),
          member("db-1", { service: db, history: history(20) }),
        ]),
        group(2, [member("db-2", { service: db, history: history(20) })]),
      ],
      new Map([
        [web.id, 2],
        [db.id, 2],
      ]),
    );
    const [g1, g2] = day.windows;
    expect(g1!.services).toEqual([
      { id: db.id, name: "db", servers: 1, wholeService: false },
      { id: web.id, name: "web", servers: 2, wholeService: true },
    ]);
    expect(g2!.services).toEqual([{ id: db.id, name: "db", servers: 1, wholeService: false }]);
    // Two at a time: web-1 10:00–10:40 and web-2 10:00–11:00 (db-1 waits for web-1: 10:40–11:00).
    expect(day.services).toEqual([
      { id: web.id, name: "web", servers: 2, downMinutes: 100, anyDownMinutes: 60, allDownMinutes: 40, wholeServiceIn: 1 },
      { id: db.id, name: "db", servers: 2, downMinutes: 40, anyDownMinutes: 40, allDownMinutes: 0, wholeServiceIn: null },
    ]);
  });

  it("a service with a production server outside the party (excluded) is not marked", () => {
    const day = forecastDay([group(1, [member("web-1", { service: web }), member("web-2", { service: web })])], new Map([[web.id, 3]]));
    expect(day.windows[0]!.services[0]!.wholeService).toBe(false);
    expect(day.services[0]!.wholeServiceIn).toBeNull();
    expect(day.services[0]!.allDownMinutes).toBe(0);
  });

  it("non-production servers never mark a service", () => {
    const day = forecastDay([group(1, [member("web-qa", { service: web, production: false })])], new Map());
    expect(day.windows[0]!.services[0]!.wholeService).toBe(false);
  });

  it("a server that would not start before the cutoff is not down that day", () => {
    const members = [member("web-1", { service: web, history: history(110) }), member("web-2", { service: web, history: history(30) })];
    // One at a time in 10:00–12:00 (cutoff 11:30): web-2 would start at 11:50.
    const oneAtATime = { ...group(1, members), safety: { concurrency: 1, concurrencyPercent: null, canaryPercent: 0 } };
    const day = forecastDay([oneAtATime], new Map([[web.id, 2]]));
    expect(day.windows[0]!.spillOver.map((m) => m.name)).toEqual(["web-2"]);
    expect(day.services[0]).toMatchObject({ servers: 1, downMinutes: 110, anyDownMinutes: 110, allDownMinutes: 0, wholeServiceIn: 1 });
  });
});

describe("a day at fleet size (the party page at 100,000 resources)", () => {
  it("keeps no list per server: a slot's size, its spill-over counted, and only the first few named", () => {
    // 50,000 servers of one slot, two at a time for an hour each, 10:00–14:00 with the cutoff at 13:30:
    // two start at 10, 11, 12 and 13 o'clock, the rest do not.
    const members = Array.from({ length: 50_000 }, (_, i) => member(`m${String(i).padStart(5, "0")}`, { service: web, history: history(60) }));
    const day = forecastDay([slot(members)], new Map([[web.id, 50_000]]));
    const [w] = day.windows;
    expect(w).not.toHaveProperty("members");
    expect(w!.size).toBe(50_000);
    expect(w!.spill).toEqual({ notStarted: 49_992, overrun: 0 });
    expect(w!.spillOver).toHaveLength(SPILL_SHOWN);
    expect(w!.spillOver[0]).toMatchObject({ name: "m00008", spill: "not-started" });
    expect(day.services).toEqual([{ id: web.id, name: "web", servers: 8, downMinutes: 480, anyDownMinutes: 240, allDownMinutes: 0, wholeServiceIn: 1 }]);
  });

  it("a service of 150,000 production servers in one slot, all at once (no spread of them into Math.min's arguments)", () => {
    const members = Array.from({ length: 150_000 }, (_, i) => member(`m${i}`, { service: web, history: history(30) }));
    const day = forecastDay([slot(members, { safety: { concurrency: 150_000, concurrencyPercent: null, canaryPercent: 0 } })], new Map([[web.id, 150_000]]));
    expect(day.windows[0]!.fits).toBe(true);
    expect(day.services[0]).toMatchObject({ servers: 150_000, anyDownMinutes: 30, allDownMinutes: 30, wholeServiceIn: 1 });
  });
});

describe("properties", () => {
  const members = fc.array(
    fc.record({
      minutes: fc.integer({ min: 1, max: 120 }),
      withHistory: fc.boolean(),
      cluster: fc.option(fc.constantFrom("k1", "k2", "k3"), { nil: null }),
    }),
    { maxLength: 40 },
  );
  const toMembers = (specs: { minutes: number; withHistory: boolean; cluster: string | null }[], clusters: boolean) =>
    specs.map((s, i) =>
      member(`m${String(i).padStart(2, "0")}`, {
        history: s.withHistory ? history(s.minutes) : null,
        planMinutes: s.withHistory ? null : s.minutes,
        cluster: clusters ? s.cluster : null,
      }),
    );

  it("more concurrency never finishes later (no clusters)", () => {
    fc.assert(
      fc.property(members, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 50 }), (specs, concurrency, canaryPercent) => {
        const list = toMembers(specs, false);
        const finish = (c: number) =>
          forecastWindow(slot(list, { safety: { concurrency: c, concurrencyPercent: null, canaryPercent } })).expectedFinish?.getTime() ?? 0;
        expect(finish(concurrency + 1)).toBeLessThanOrEqual(finish(concurrency));
      }),
    );
  });

  it("a member with history takes its median; never more at once than the concurrency; a cluster's nodes never overlap; spill-over as the cutoff and end say", () => {
    fc.assert(
      fc.property(members, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 50 }), (specs, concurrency, canaryPercent) => {
        const list = toMembers(specs, true);
        const f = forecastWindow(slot(list, { safety: { concurrency, concurrencyPercent: null, canaryPercent } }));
        f.members.forEach((m, i) => {
          expect(m.minutes).toBe(specs[i]!.minutes);
          expect(m.source).toBe(specs[i]!.withHistory ? "history" : "plan");
          expect(m.finish.getTime() - m.start.getTime()).toBe(m.minutes * 60_000);
          expect(m.start.getTime()).toBeGreaterThanOrEqual(f.start.getTime());
          const spill = m.start >= f.cutoff ? "not-started" : m.finish > f.end ? "overrun" : null;
          expect(m.spill).toBe(spill);
        });
        for (const m of f.members) {
          const t = m.start.getTime();
          const inFlight = f.members.filter((o) => o.start.getTime() <= t && o.finish.getTime() > t);
          expect(inFlight.length).toBeLessThanOrEqual(concurrency);
          const cluster = list.find((x) => x.id === m.id)!.cluster;
          if (cluster) expect(inFlight.filter((o) => list.find((x) => x.id === o.id)!.cluster === cluster)).toHaveLength(1);
        }
        expect(f.fits).toBe(f.members.every((m) => m.spill === null));
        expect(f.members.filter((m) => m.canary)).toHaveLength(f.canary);
      }),
    );
  });
});
