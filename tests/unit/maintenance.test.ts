import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { neverFires, nextWindows, openWindow, scheduleRules, windowsBetween, type CustomSchedule, type Schedule, type ScheduleSpec } from "@/lib/domain";

const DTSTART = new Date("2026-11-01T00:00:00Z"); // a Sunday
const FROM = new Date("2026-11-25T10:00:00Z");

const schedule = (spec: ScheduleSpec, windowHours = 4, name = "s"): Schedule => ({ id: name, name, rules: scheduleRules(spec, DTSTART), windowHours });
const starts = (spec: ScheduleSpec, count = 3, from = FROM) => nextWindows([schedule(spec)], from, count).map((w) => w.start.toISOString());

describe("schedule presets (UTC)", () => {
  it("every week on Sunday at midnight", () => {
    expect(starts({ preset: "weekly-sunday" })).toEqual(["2026-11-29T00:00:00.000Z", "2026-12-06T00:00:00.000Z", "2026-12-13T00:00:00.000Z"]);
  });
  it("every two weeks at midnight, counted from the schedule's start", () => {
    expect(starts({ preset: "biweekly" })).toEqual(["2026-11-29T00:00:00.000Z", "2026-12-13T00:00:00.000Z", "2026-12-27T00:00:00.000Z"]);
  });
  it("every month on the 1st, and every two months on the 1st", () => {
    expect(starts({ preset: "monthly-1st" })).toEqual(["2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z", "2027-02-01T00:00:00.000Z"]);
    expect(starts({ preset: "bimonthly-1st" })).toEqual(["2027-01-01T00:00:00.000Z", "2027-03-01T00:00:00.000Z", "2027-05-01T00:00:00.000Z"]);
  });
});

describe("custom schedules", () => {
  const custom = (c: Partial<CustomSchedule>): ScheduleSpec => ({
    preset: "custom",
    custom: { minutes: [0], hours: [0], weekdays: "every", monthDays: "every", months: "every", ...c },
  });

  it("a day of the month and a day of the week: a day matching either counts (as cron)", () => {
    expect(starts(custom({ minutes: [30], hours: [2], weekdays: [1], monthDays: [15] }), 4, new Date("2026-12-01T00:00:00Z"))).toEqual([
      "2026-12-07T02:30:00.000Z",
      "2026-12-14T02:30:00.000Z",
      "2026-12-15T02:30:00.000Z",
      "2026-12-21T02:30:00.000Z",
    ]);
    expect(scheduleRules(custom({ weekdays: [1], monthDays: [15] }), DTSTART)).toHaveLength(2);
  });

  it("several hours and months; every minute of an hour", () => {
    expect(starts(custom({ hours: [6, 18], months: [1, 7] }), 3)).toEqual(["2027-01-01T06:00:00.000Z", "2027-01-01T18:00:00.000Z", "2027-01-02T06:00:00.000Z"]);
    expect(starts(custom({ minutes: "every", hours: [3] }), 2)).toEqual(["2026-11-26T03:00:00.000Z", "2026-11-26T03:01:00.000Z"]);
  });

  it("DST never shifts a UTC schedule, whatever the date (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 3 }),
        fc.date({ min: new Date("2000-01-01"), max: new Date("2090-01-01"), noInvalidDate: true }),
        (minutes, hours, from) => {
          const windows = nextWindows([schedule(custom({ minutes, hours }), 1)], from, 12);
          expect(windows).toHaveLength(12);
          for (const w of windows) {
            expect(minutes).toContain(w.start.getUTCMinutes());
            expect(hours).toContain(w.start.getUTCHours());
            expect(w.start.getUTCSeconds()).toBe(0);
            expect(w.end.getTime() - w.start.getTime()).toBe(3_600_000);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("windows", () => {
  const sundays = schedule({ preset: "weekly-sunday" }, 4, "sundays");
  const firsts = schedule({ preset: "monthly-1st" }, 24, "firsts");

  it("merges the schedules of a policy in time order, and counts a window still open", () => {
    const windows = nextWindows([sundays, firsts], new Date("2026-11-29T02:00:00Z"), 3);
    expect(windows.map((w) => [w.scheduleName, w.start.toISOString()])).toEqual([
      ["sundays", "2026-11-29T00:00:00.000Z"],
      ["firsts", "2026-12-01T00:00:00.000Z"],
      ["sundays", "2026-12-06T00:00:00.000Z"],
    ]);
  });

  it("lists the windows overlapping a range (for the calendar)", () => {
    const december = windowsBetween([sundays, firsts], new Date("2026-12-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z"));
    expect(december.map((w) => w.start.toISOString().slice(0, 10))).toEqual(["2026-12-01", "2026-12-06", "2026-12-13", "2026-12-20", "2026-12-27"]);
  });

  it("knows whether a window is open at an instant, and until when", () => {
    expect(openWindow([sundays], new Date("2026-11-29T03:59:59Z"))?.end.toISOString()).toBe("2026-11-29T04:00:00.000Z");
    expect(openWindow([sundays], new Date("2026-11-29T04:00:00Z"))).toBeNull();
    expect(openWindow([sundays, firsts], new Date("2026-12-01T12:00:00Z"))?.scheduleName).toBe("firsts");
  });
});

describe("month ends and long windows", () => {
  const custom = (c: Partial<CustomSchedule>): ScheduleSpec => ({
    preset: "custom",
    custom: { minutes: [0], hours: [0], weekdays: "every", monthDays: "every", months: "every", ...c },
  });

  it("a choice naming no real day is recognised (it would never fire)", () => {
    const c = (monthDays: number[], months: number[] | "every"): CustomSchedule => ({ minutes: [0], hours: [0], weekdays: "every", monthDays, months });
    expect(neverFires(c([30, 31], [2]))).toBe(true);
    expect(neverFires(c([29], [2]))).toBe(false);
    expect(neverFires(c([31], [4, 6, 9, 11]))).toBe(true);
    expect(neverFires(c([31], "every"))).toBe(false);
    expect(neverFires({ ...c([31], [2]), weekdays: [1] })).toBe(false); // Mondays in February still count
  });

  it("the 31st fires only in months that have one; the 29th–31st skip a short February", () => {
    expect(starts(custom({ monthDays: [31] }), 4, new Date("2027-01-01T00:00:00Z"))).toEqual([
      "2027-01-31T00:00:00.000Z",
      "2027-03-31T00:00:00.000Z",
      "2027-05-31T00:00:00.000Z",
      "2027-07-31T00:00:00.000Z",
    ]);
    const late = starts(custom({ monthDays: [29, 30, 31], months: [2, 3] }), 4, new Date("2027-01-01T00:00:00Z"));
    expect(late).toEqual(["2027-03-29T00:00:00.000Z", "2027-03-30T00:00:00.000Z", "2027-03-31T00:00:00.000Z", "2028-02-29T00:00:00.000Z"]);
  });

  it("a 24-hour window across midnight is open until the next day, and counts in a range it overlaps", () => {
    const nightly = schedule(custom({ hours: [22], weekdays: [5] }), 24, "friday-night"); // Fridays 22:00 for a day
    expect(openWindow([nightly], new Date("2026-11-28T21:59:59Z"))?.start.toISOString()).toBe("2026-11-27T22:00:00.000Z");
    expect(openWindow([nightly], new Date("2026-11-28T22:00:00Z"))).toBeNull();
    const saturday = windowsBetween([nightly], new Date("2026-11-28T00:00:00Z"), new Date("2026-11-29T00:00:00Z"));
    expect(saturday.map((w) => [w.start.toISOString(), w.end.toISOString()])).toEqual([["2026-11-27T22:00:00.000Z", "2026-11-28T22:00:00.000Z"]]);
  });

  it("a range of windows agrees with walking them one by one (property), and stops at the range's end", () => {
    const every = schedule(custom({ minutes: "every", hours: "every" }), 1, "every-minute");
    const started = performance.now();
    expect(windowsBetween([every], FROM, new Date(FROM.getTime() + 3_600_000), 100_000)).toHaveLength(60 + 59); // the hour's starts and the ones still open at FROM
    expect(performance.now() - started).toBeLessThan(5_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 24 }), (offsetDays, days, hours) => {
        const from = new Date(DTSTART.getTime() + offsetDays * 86_400_000 + 3_600_000 * (offsetDays % 24));
        const to = new Date(from.getTime() + days * 86_400_000);
        const policy = [schedule({ preset: "weekly-sunday" }, hours, "a"), schedule({ preset: "bimonthly-1st" }, hours, "b")];
        const walked = nextWindows(policy, from, 60).filter((w) => w.start < to);
        expect(windowsBetween(policy, from, to)).toEqual(walked);
      }),
      { numRuns: 60 },
    );
  });
});

describe("rebasing long-running schedules", () => {
  it("gives the same windows as walking from the schedule's first day (property)", async () => {
    const { rrulestr } = await import("rrule");
    fc.assert(
      fc.property(
        fc.constantFrom<ScheduleSpec>(
          { preset: "weekly-sunday" },
          { preset: "biweekly" },
          { preset: "monthly-1st" },
          { preset: "bimonthly-1st" },
          { preset: "custom", custom: { minutes: [15], hours: [1, 13], weekdays: [2], monthDays: [10, 31], months: "every" } },
        ),
        fc.date({ min: new Date("2020-01-01"), max: new Date("2026-01-01"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 3 * 365 }),
        (spec, start, days) => {
          const dtstart = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
          const rules = scheduleRules(spec, dtstart);
          const from = new Date(dtstart.getTime() + days * 86_400_000 + 3_600_000);
          const fast = nextWindows([{ id: "s", name: "s", rules, windowHours: 1 }], from, 4).map((w) => w.start.toISOString());
          // A day matching both rules is one occurrence, as in an RRULE set.
          const slow = [
            ...new Set(
              rules
                .flatMap((r) => {
                  const rule = rrulestr(r);
                  const out: Date[] = [];
                  for (let at = rule.after(new Date(from.getTime() - 3_600_000), true); at && out.length < 6; at = rule.after(at, false)) out.push(at);
                  return out;
                })
                .filter((d) => d.getTime() + 3_600_000 > from.getTime())
                .sort((a, b) => a.getTime() - b.getTime())
                .map((d) => d.toISOString()),
            ),
          ].slice(0, 4);
          expect(fast).toEqual(slow);
        },
      ),
      { numRuns: 150 },
    );
  });
});
