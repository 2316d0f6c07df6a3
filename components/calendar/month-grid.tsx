"use client";
// A client leaf for speed, not interaction: a quarter is ~130 day cells, and drawing them from the
// data of month-cells.ts costs far less server time than sending them as server-rendered elements
// (docs/decisions/010-long-lists.md).
import Link from "next/link";
import { cx } from "../ui/cx";
import type { DayCell } from "./month-cells";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/**
 * A month as a table: weeks in rows, days in cells, each day's slots as links. Below the `sm`
 * breakpoint a full month is a list of the days that have something on them instead: seven
 * columns of chips do not fit a phone.
 */
export function MonthGrid({ title, weeks, compact = false }: { title: string; weeks: DayCell[][]; compact?: boolean }) {
  if (compact) return <MonthTable title={title} weeks={weeks} compact />;
  return (
    <>
      <MonthTable title={title} weeks={weeks} className="hidden sm:table" />
      <MonthList title={title} weeks={weeks} />
    </>
  );
}

/** The phone's month: each day of the month with a party, a window, a freeze or a change of the clocks. */
function MonthList({ title, weeks }: { title: string; weeks: DayCell[][] }) {
  const days = weeks.flat().filter((d) => d.inMonth && (d.parties.length || d.windows.length || d.freezes.length || d.offsetChange));
  return (
    <section aria-label={title} className="sm:hidden" data-testid="month-list">
      {days.length === 0 ? (
        <p className="p-2 text-sm text-slate-500">Nothing planned in {title}.</p>
      ) : (
        <ol className="divide-y divide-slate-100">
          {days.map((day) => (
            <li
              key={day.date}
              data-date={day.date}
              className={cx("flex gap-3 px-1 py-2", day.freezes.length > 0 && "bg-sky-50", day.isToday && "bg-indigo-50/60")}
            >
              <p className="w-12 shrink-0 text-center leading-tight" aria-current={day.isToday ? "date" : undefined}>
                <span className="block text-xs font-semibold uppercase text-slate-600">
                  {WEEKDAYS[(new Date(`${day.date}T00:00:00Z`).getUTCDay() + 6) % 7]}
                </span>
                <span className="block text-lg font-semibold tabular-nums text-slate-900">{day.day}</span>
              </p>
              <div className="min-w-0 grow">
                {day.freezes.length ? (
                  <p className="text-xs font-medium text-sky-800">
                    <span aria-hidden="true">❄</span> Freeze: {day.freezes.join(", ")}
                  </p>
                ) : null}
                {day.offsetChange ? <p className="text-xs font-medium text-amber-700">The clocks change: {day.offsetChange}</p> : null}
                <FullDay day={day} />
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function MonthTable({ title, weeks, compact = false, className }: { title: string; weeks: DayCell[][]; compact?: boolean; className?: string }) {
  return (
    <table className={cx("w-full table-fixed border-collapse text-sm", className)} aria-label={title}>
      <caption className={compact ? "pb-2 text-left text-sm font-semibold text-slate-800" : "sr-only"}>{title}</caption>
      <thead>
        <tr>
          {WEEKDAYS.map((d, i) => (
            <th
              key={d}
              scope="col"
              abbr={WEEKDAY_NAMES[i]}
              className="border-b border-slate-200 py-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500"
            >
              {d}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={week[0]!.date}>
            {week.map((day) => (
              <td
                key={day.date}
                data-date={day.date}
                className={cx(
                  "border border-slate-100 align-top",
                  compact ? "h-10 p-1" : "h-28 p-1.5",
                  !day.inMonth && "bg-slate-50/70 text-slate-500",
                  day.freezes.length > 0 && "bg-sky-50",
                  day.isToday && "bg-indigo-50/60",
                )}
              >
                <div className="flex items-center justify-between gap-1">
                  <span
                    className={cx("text-xs tabular-nums", day.isToday && "rounded-full bg-indigo-600 px-1.5 font-semibold text-white")}
                    aria-current={day.isToday ? "date" : undefined}
                  >
                    {day.day}
                  </span>
                  {day.freezes.length ? (
                    <span className="truncate text-[10px] font-medium text-sky-800" title={`Freeze: ${day.freezes.join(", ")}`} data-testid="freeze-day">
                      <span aria-hidden="true">❄</span>
                      {compact ? <span className="sr-only">Freeze: {day.freezes.join(", ")}</span> : ` ${day.freezes.join(", ")}`}
                    </span>
                  ) : null}
                  {day.offsetChange && !compact ? (
                    <span className="truncate text-[10px] font-medium text-amber-700" title={`The clocks change: ${day.offsetChange}`}>
                      {day.offsetChange}
                    </span>
                  ) : null}
                </div>
                {compact ? <CompactDay day={day} /> : <FullDay day={day} />}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A quarter's small cells: a coloured bar per window and per party, each a link. */
function CompactDay({ day }: { day: DayCell }) {
  if (!day.parties.length && !day.windows.length) return null;
  return (
    <div className="mt-0.5 flex gap-0.5">
      {day.windows.map((w) => (
        <a key={w.key} href={w.href} aria-label={w.label} className="block h-2.5 w-full rounded-sm bg-teal-600" />
      ))}
      {day.parties.map((p) => (
        <a
          key={p.key}
          href={p.href}
          aria-label={p.label}
          className={cx("block h-2.5 w-full rounded-sm", p.kind === "qa" ? "bg-qa" : "bg-prod", p.cancelled && "opacity-40")}
        />
      ))}
    </div>
  );
}

/** A month's cells: each slot as a chip (group, time, resources), then the upgrade windows. */
function FullDay({ day }: { day: DayCell }) {
  return (
    <ul className="mt-1 space-y-0.5">
      {day.parties.map((p) => (
        <li key={p.key}>
          <Link
            href={p.href}
            aria-label={p.label}
            title={p.label}
            className={cx(
              "block truncate rounded px-1.5 py-0.5 text-[11px] leading-4 font-medium ring-1 ring-inset focus-visible:outline-2",
              p.kind === "qa" ? "bg-qa-soft text-qa ring-qa/30" : "bg-prod-soft text-prod ring-prod/30",
              p.cancelled && "line-through opacity-60",
              p.blocked && "ring-2 ring-amber-500",
            )}
          >
            {p.blocked ? <span aria-hidden="true">⚠ </span> : null}
            {p.frozen ? <span aria-hidden="true">❄ </span> : null}
            {p.clash ? <span aria-hidden="true">⚡ </span> : null}
            {p.text}
          </Link>
        </li>
      ))}
      {day.windows.map((w) => (
        <li key={w.key}>
          <a
            href={w.href}
            aria-label={w.label}
            className="block truncate rounded bg-teal-50 px-1.5 py-0.5 text-[11px] leading-4 font-medium text-teal-800 ring-1 ring-inset ring-teal-600/30"
          >
            {w.text}
          </a>
        </li>
      ))}
      {day.moreWindows ? <li className="text-[11px] text-teal-800">+{day.moreWindows} more windows</li> : null}
    </ul>
  );
}
