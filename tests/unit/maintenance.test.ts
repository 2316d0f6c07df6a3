import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextWindows, openWindow, scheduleRules, windowsBetween, type CustomSchedule, type Schedule, type ScheduleSpec } from "@/lib/domain";

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
  const custom = (c: Partial<CustomSchedule>): ScheduleSpec => ({ preset: "custom", custom: { minutes: [0], hours: [0], weekdays: "every", monthDays: "every", months: "every", ...c } });

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

describe("rebasing long-running schedules", () => {
  it("gives the same windows as walking from the schedule's first day (property)", async () => {
    const { rrulestr } = await import("rrule");
    fc.assert(
      fc.property(
        fc.constantFrom<ScheduleSpec>({ preset: "weekly-sunday" }, { preset: "biweekly" }, { preset: "monthly-1st" }, { preset: "bimonthly-1st" }, { preset: "custom", custom: { minutes: [15], hours: [1, 13], weekdays: [2], monthDays: [10, 31], months: "every" } }),
        fc.date({ min: new Date("2020-01-01"), max: new Date("2026-01-01"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 3 * 365 }),
        (spec, start, days) => {
          const dtstart = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
          const rules = scheduleRules(spec, dtstart);
          const from = new Date(dtstart.getTime() + days * 86_400_000 + 3_600_000);
          const fast = nextWindows([{ id: "s", name: "s", rules, windowHours: 1 }], from, 4).map((w) => w.start.toISOString());
          // A day matching both rules is one occurrence, as in an RRULE set.
          const slow = [...new Set(rules
            .flatMap((r) => {
              const rule = rrulestr(r);
              const out: Date[] = [];
              for (let at = rule.after(new Date(from.getTime() - 3_600_000), true); at && out.length < 6; at = rule.after(at, false)) out.push(at);
              return out;
            })
            .filter((d) => d.getTime() + 3_600_000 > from.getTime())
            .sort((a, b) => a.getTime() - b.getTime())
            .map((d) => d.toISOString()))]
            .slice(0, 4);
          expect(fast).toEqual(slow);
        },
      ),
      { numRuns: 150 },
    );
  });
});
