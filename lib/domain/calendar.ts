// Date maths of the calendar views. Pure: the zone and the anchor day are arguments.
import { DateTime } from "luxon";

export type CalendarView = "month" | "quarter" | "agenda";

export type CalendarDay = {
  /** "YYYY-MM-DD" in the view's zone. */
  date: string;
  inMonth: boolean;
  isToday: boolean;
  start: Date;
  end: Date;
  /** Set when the zone's UTC offset changes during the day (DST), e.g. "UTC+01:00 → UTC+02:00". */
  offsetChange: string | null;
};

const offsetLabel = (dt: DateTime) => (dt.offset === 0 ? "UTC+00:00" : `UTC${dt.toFormat("ZZ")}`);

function day(local: DateTime, month: number, today: string): CalendarDay {
  const start = local.startOf("day");
  const end = start.plus({ days: 1 });
  const endOfDay = end.minus({ milliseconds: 1 });
  return {
    date: start.toISODate() ?? "",
    inMonth: start.month === month,
    isToday: start.toISODate() === today,
    start: start.toJSDate(),
    end: end.toJSDate(),
    offsetChange: start.offset !== endOfDay.offset ? `${offsetLabel(start)} → ${offsetLabel(endOfDay)}` : null,
  };
}

/** The weeks (Monday first) that show one month, in `zone`. Kept by lib/cache (keptMonthGrid) for pages. */
export function monthGrid(year: number, month: number, zone: string, now: Date): CalendarDay[][] {
  return buildMonthGrid(year, month, zone, DateTime.fromJSDate(now, { zone }).toISODate() ?? "");
}

/** A month grid's own days: Monday of the week of the 1st up to the Sunday of the week of the last day. */
function gridBounds(year: number, month: number, zone: string) {
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone });
  const last = first.endOf("month");
  return { first: first.minus({ days: first.weekday - 1 }), last: last.plus({ days: 7 - last.weekday }).startOf("day") };
}

/** A month grid with `today` ("YYYY-MM-DD") marked. */
export function buildMonthGrid(year: number, month: number, zone: string, today: string): CalendarDay[][] {
  const { first, last } = gridBounds(year, month, zone);
  const weeks: CalendarDay[][] = [];
  for (let cursor = first; cursor <= last; cursor = cursor.plus({ weeks: 1 })) {
    weeks.push(Array.from({ length: 7 }, (_, i) => day(cursor.plus({ days: i }), month, today)));
  }
  return weeks;
}

export type ViewRange = { from: Date; to: Date; anchor: string; title: string; previous: string; next: string; today: string };

/** The instants a view shows, its title, and the anchors of the previous and next pages. */
export function viewRange(view: CalendarView, anchor: string, zone: string, now: Date): ViewRange {
  const parsed = DateTime.fromISO(anchor, { zone });
  const at = (parsed.isValid ? parsed : DateTime.fromJSDate(now, { zone })).startOf("month");
  const today = DateTime.fromJSDate(now, { zone }).toFormat("yyyy-MM");
  if (view === "month") {
    const { first, last } = gridBounds(at.year, at.month, zone);
    return {
      from: first.startOf("day").toJSDate(),
      to: last.plus({ days: 1 }).startOf("day").toJSDate(),
      anchor: at.toFormat("yyyy-MM"),
      title: at.toFormat("LLLL yyyy"),
      previous: at.minus({ months: 1 }).toFormat("yyyy-MM"),
      next: at.plus({ months: 1 }).toFormat("yyyy-MM"),
      today,
    };
  }
  const start = view === "quarter" ? at.startOf("quarter") : at;
  const months = view === "quarter" ? 3 : 6;
  const end = start.plus({ months });
  return {
    from: start.toJSDate(),
    to: end.toJSDate(),
    anchor: start.toFormat("yyyy-MM"),
    title: view === "quarter" ? `Q${start.quarter} ${start.year}` : `${start.toFormat("LLL yyyy")} – ${end.minus({ days: 1 }).toFormat("LLL yyyy")}`,
    previous: start.minus({ months }).toFormat("yyyy-MM"),
    next: end.toFormat("yyyy-MM"),
    today,
  };
}

/** How a caller gets a month's grid: `monthGrid`, or a kept one (lib/cache). */
export type MonthGridOf = (year: number, month: number, zone: string, now: Date) => readonly (readonly CalendarDay[])[];

/** The months of a quarter view, each as a month grid. */
export function quarterGrids(anchor: string, zone: string, now: Date, grid: MonthGridOf = monthGrid) {
  const start = DateTime.fromISO(anchor, { zone }).startOf("quarter");
  return [0, 1, 2].map((i) => {
    const m = start.plus({ months: i });
    return { year: m.year, month: m.month, title: m.toFormat("LLLL yyyy"), weeks: grid(m.year, m.month, zone, now) };
  });
}

/** The local day ("YYYY-MM-DD") an instant falls on in `zone`. */
export function localDay(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate() ?? "";
}
