// Upgrade schedules of maintenance policies (product.md "Maintenance policy"): presets and
// custom cron-like choices as RFC 5545 recurrence rules, all in UTC, and the windows they open.
import * as rruleModule from "rrule";

import type { SchedulePreset } from "./schedule-presets";

// rrule ships CommonJS without an exports map: Node's ESM loader (tsx scripts) only sees its
// default export, bundlers see the named ones. Take whichever holds the classes.
const rrule = (
  "RRule" in rruleModule && rruleModule.RRule ? rruleModule : (rruleModule as unknown as { default: typeof rruleModule }).default
) as typeof rruleModule;
const { RRule, rrulestr } = rrule;
type RRule = InstanceType<typeof RRule>;

export { SCHEDULE_PRESETS, WINDOW_HOURS, type SchedulePreset } from "./schedule-presets";

type Every<T> = T[] | "every";

/** A custom choice as the editor offers it; weekdays 0 = Sunday … 6 = Saturday (as cron). */
export type CustomSchedule = {
  minutes: Every<number>;
  hours: Every<number>;
  weekdays: Every<number>;
  monthDays: Every<number>;
  months: Every<number>;
};

export type ScheduleSpec = { preset: SchedulePreset } | { preset: "custom"; custom: CustomSchedule };

const RRULE_WEEKDAYS = [RRule.SU, RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA];
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The recurrence rules of a schedule, as RRULE text with a UTC DTSTART. Several rules are a
 * union (an RRULE set): a custom choice with both days of the month and days of the week matches
 * a day that is either, as cron does and as the seed's "in addition to" says.
 */
export function scheduleRules(spec: ScheduleSpec, dtstart: Date): string[] {
  const base = { dtstart, tzid: undefined, byhour: [0], byminute: [0], bysecond: [0] };
  const text = (options: Partial<ConstructorParameters<typeof RRule>[0]>) => new RRule({ ...base, ...options }).toString();
  switch (spec.preset) {
    case "weekly-sunday":
      return [text({ freq: RRule.WEEKLY, byweekday: [RRule.SU] })];
    case "biweekly":
      return [text({ freq: RRule.WEEKLY, interval: 2, byweekday: [RRule.SU] })];
    case "monthly-1st":
      return [text({ freq: RRule.MONTHLY, bymonthday: [1] })];
    case "bimonthly-1st":
      return [text({ freq: RRule.MONTHLY, interval: 2, bymonthday: [1] })];
    case "custom": {
      const c = spec.custom;
      const common = {
        freq: RRule.DAILY,
        byminute: c.minutes === "every" ? range(0, 59) : [...c.minutes].sort((a, b) => a - b),
        byhour: c.hours === "every" ? range(0, 23) : [...c.hours].sort((a, b) => a - b),
        ...(c.months === "every" ? {} : { bymonth: [...c.months].sort((a, b) => a - b) }),
      };
      const byMonthDay = c.monthDays === "every" ? null : { bymonthday: [...c.monthDays].sort((a, b) => a - b) };
      const byWeekday = c.weekdays === "every" ? null : { byweekday: [...c.weekdays].sort((a, b) => a - b).map((d) => RRULE_WEEKDAYS[d]!) };
      if (byMonthDay && byWeekday) return [text({ ...common, ...byMonthDay }), text({ ...common, ...byWeekday })];
      return [text({ ...common, ...(byMonthDay ?? {}), ...(byWeekday ?? {}) })];
    }
  }
}

const MAX_DAY = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when a custom choice names no day that exists (the 31st of February, say): it would never fire. */
export function neverFires(c: CustomSchedule): boolean {
  const days = c.monthDays;
  if (!Array.isArray(days) || c.weekdays !== "every") return false;
  const months = c.months === "every" ? range(1, 12) : c.months;
  return Array.isArray(months) && !months.some((m) => days.some((d) => d <= (MAX_DAY[m - 1] ?? 31)));
}

export type Schedule = { id: string; name: string; rules: string[]; windowHours: number };
export type Window = { scheduleId: string; scheduleName: string; start: Date; end: Date };

const DAY_MS = 86_400_000;

/**
 * The same rule with its DTSTART moved forward by whole periods to just before `near` (two
 * days, the longest window and then some): rrule walks from DTSTART, and a schedule made
 * years ago would otherwise be walked occurrence by occurrence on every question. Whole
 * periods keep "every two weeks" and "every two months" in step with the original start.
 */
function rebase(rule: RRule, near: Date): RRule {
  const options = rule.origOptions;
  const dtstart = options.dtstart;
  const target = near.getTime() - 2 * DAY_MS;
  if (!dtstart || dtstart.getTime() >= target) return rule;
  const interval = options.interval ?? 1;
  let moved: Date;
  if (options.freq === RRule.MONTHLY) {
    const months = (new Date(target).getUTCFullYear() - dtstart.getUTCFullYear()) * 12 + new Date(target).getUTCMonth() - dtstart.getUTCMonth() - 1;
    const whole = Math.max(0, Math.floor(months / interval) * interval);
    moved = new Date(Date.UTC(dtstart.getUTCFullYear(), dtstart.getUTCMonth() + whole, 1, dtstart.getUTCHours(), dtstart.getUTCMinutes()));
  } else {
    const period = (options.freq === RRule.WEEKLY ? 7 : 1) * interval * DAY_MS;
    moved = new Date(dtstart.getTime() + Math.floor((target - dtstart.getTime()) / period) * period);
  }
  return new RRule({ ...options, dtstart: moved });
}

/**
 * A schedule's rules, each rebased near `near`. They are walked one by one and merged here rather
 * than as an RRuleSet: a set walks its rules in turn, so a walk that stops early (as these do)
 * would miss the later rules' dates.
 */
function rulesNear(rules: string[], near: Date): RRule[] {
  return rules.map((rule) => rebase(rrulestr(rule) as RRule, near));
}

/** The starts of one schedule's windows that `walk` yields for each rule, merged: in order, once each. */
function merged(rules: RRule[], walk: (rule: RRule) => Date[]): Date[] {
  if (rules.length === 1) return walk(rules[0]!);
  const byTime = new Map<number, Date>();
  for (const rule of rules) for (const d of walk(rule)) byTime.set(d.getTime(), d);
  return [...byTime.values()].sort((a, b) => a.getTime() - b.getTime());
}

const byStart = (a: Window, b: Window) => a.start.getTime() - b.start.getTime() || a.scheduleName.localeCompare(b.scheduleName);

/** The next `count` windows of a policy's schedules that end after `from`, in time order. */
export function nextWindows(schedules: Schedule[], from: Date, count: number): Window[] {
  const windows: Window[] = [];
  for (const schedule of schedules) {
    const length = schedule.windowHours * 3_600_000;
    // A window that opened before `from` and is still open counts.
    const starts = merged(rulesNear(schedule.rules, from), (rule) => {
      const found: Date[] = [];
      rule.all((start) => {
        if (start.getTime() + length > from.getTime()) found.push(start);
        return found.length < count;
      });
      return found;
    });
    for (const start of starts.slice(0, count))
      windows.push({ scheduleId: schedule.id, scheduleName: schedule.name, start, end: new Date(start.getTime() + length) });
  }
  return windows.sort(byStart).slice(0, count);
}

/** The window open at `at`, if any (the one that opened last when several overlap). */
export function openWindow(schedules: Schedule[], at: Date): Window | null {
  let open: Window | null = null;
  for (const schedule of schedules) {
    for (const rule of rulesNear(schedule.rules, at)) {
      const start = rule.before(at, true);
      if (!start) continue;
      const end = new Date(start.getTime() + schedule.windowHours * 3_600_000);
      if (end > at && (!open || start > open.start)) open = { scheduleId: schedule.id, scheduleName: schedule.name, start, end };
    }
  }
  return open;
}

/**
 * The windows that overlap [from, to), in time order, at most `limit` (a schedule firing every
 * minute is capped). Walks each rule once over the range, never past `to`.
 */
export function windowsBetween(schedules: Schedule[], from: Date, to: Date, limit = 400): Window[] {
  const windows: Window[] = [];
  for (const schedule of schedules) {
    const length = schedule.windowHours * 3_600_000;
    const starts = merged(rulesNear(schedule.rules, from), (rule) => rule.between(new Date(from.getTime() - length), to, true, (_date, i) => i < limit));
    for (const start of starts) {
      if (start.getTime() + length > from.getTime() && start < to)
        windows.push({ scheduleId: schedule.id, scheduleName: schedule.name, start, end: new Date(start.getTime() + length) });
    }
  }
  return windows.sort(byStart).slice(0, limit);
}
