import { localDay, partyKey, type CalendarDay, type CalendarParty } from "@/lib/domain";
import type { SlotCounts } from "@/lib/data/parties";
import { formatRange } from "@/lib/format";
import { cx } from "../ui/cx";
import { SlotChip } from "./slot-chip";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

export type WindowView = { policyId: string; policyName: string; scheduleName: string; start: Date; end: Date };

type Props = { title: string; weeks: CalendarDay[][]; parties: CalendarParty[]; counts: Map<string, SlotCounts>; zone: string; compact?: boolean; windows?: WindowView[]; blocked?: Set<string> };

const WINDOWS_SHOWN = 2;

/** A month as a table: weeks in rows, days in cells, each day's slots as links. */
export function MonthGrid({ title, weeks, parties, counts, zone, compact = false, windows = [], blocked = new Set() }: Props) {
  const windowsByDay = new Map<string, WindowView[]>();
  for (const w of windows) {
    const key = localDay(w.start, zone);
    windowsByDay.set(key, [...(windowsByDay.get(key) ?? []), w]);
  }
  const byDay = new Map<string, { party: CalendarParty; slot: CalendarParty["slots"][number] }[]>();
  for (const party of parties) {
    for (const slot of party.slots) {
      const key = localDay(slot.startsAt, zone);
      const list = byDay.get(key) ?? [];
      list.push({ party, slot });
      byDay.set(key, list);
    }
  }
  return (
    <table className="w-full table-fixed border-collapse text-sm" aria-label={title}>
      <caption className={compact ? "pb-2 text-left text-sm font-semibold text-slate-800" : "sr-only"}>{title}</caption>
      <thead>
        <tr>
          {WEEKDAYS.map((d, i) => (
            <th key={d} scope="col" abbr={WEEKDAY_NAMES[i]} className="border-b border-slate-200 py-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">
              {d}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={week[0]!.date}>
            {week.map((day) => {
              const events = byDay.get(day.date) ?? [];
              const dayWindows = windowsByDay.get(day.date) ?? [];
              const dayNumber = Number(day.date.slice(8));
              return (
                <td
                  key={day.date}
                  data-date={day.date}
                  className={cx(
                    "border border-slate-100 align-top",
                    compact ? "h-10 p-1" : "h-28 p-1.5",
                    !day.inMonth && "bg-slate-50/70 text-slate-400",
                    day.isToday && "bg-indigo-50/60",
                  )}
                >
                  <div className="flex items-center justify-between gap-1">
                    <span className={cx("text-xs tabular-nums", day.isToday && "rounded-full bg-indigo-600 px-1.5 font-semibold text-white")} aria-current={day.isToday ? "date" : undefined}>
                      {dayNumber}
                    </span>
                    {day.offsetChange && !compact ? (
                      <span className="truncate text-[10px] font-medium text-amber-700" title={`The clocks change: ${day.offsetChange}`}>
                        {day.offsetChange}
                      </span>
                    ) : null}
                  </div>
                  {compact ? (
                    events.length || dayWindows.length ? (
                      <div className="mt-0.5 flex gap-0.5">
                        {dayWindows.length ? (
                          <a
                            href={`/policies/${dayWindows[0]!.policyId}`}
                            aria-label={`${dayWindows.length} upgrade window${dayWindows.length > 1 ? "s" : ""}: ${[...new Set(dayWindows.map((w) => w.policyName))].join(", ")}`}
                            className="block h-2.5 w-full rounded-sm bg-teal-600"
                          />
                        ) : null}
                        {[...new Set(events.map((e) => e.party))].map((party) => (
                          <a
                            key={partyKey(party)}
                            href={`/parties/${party.tag}/${party.kind}`}
                            aria-label={`${party.kind === "qa" ? "QA" : "Production"} Patch Party ${party.tag}${blocked.has(partyKey(party)) ? ", blocked: change not approved" : ""}`}
                            className={cx("block h-2.5 w-full rounded-sm", party.kind === "qa" ? "bg-qa" : "bg-prod", party.status === "cancelled" && "opacity-40")}
                          />
                        ))}
                      </div>
                    ) : null
                  ) : (
                    <ul className="mt-1 space-y-0.5">
                      {events.map(({ party, slot }) => (
                        <li key={`${partyKey(party)}-${slot.group}`}>
                          <SlotChip party={party} slot={slot} count={counts.get(partyKey(party))?.[slot.group] ?? 0} zone={zone} blocked={blocked.has(partyKey(party))} />
                        </li>
                      ))}
                      {dayWindows.slice(0, WINDOWS_SHOWN).map((w) => (
                        <li key={`${w.policyId}-${w.scheduleName}-${w.start.toISOString()}`}>
                          <a
                            href={`/policies/${w.policyId}`}
                            aria-label={`Upgrade window of ${w.policyName} (${w.scheduleName}), ${formatRange(w.start, w.end, zone)}`}
                            className="block truncate rounded bg-teal-50 px-1.5 py-0.5 text-[11px] leading-4 font-medium text-teal-800 ring-1 ring-inset ring-teal-600/30"
                          >
                            {w.policyName} {formatRange(w.start, w.end, zone)}
                          </a>
                        </li>
                      ))}
                      {dayWindows.length > WINDOWS_SHOWN ? <li className="text-[11px] text-teal-800">+{dayWindows.length - WINDOWS_SHOWN} more windows</li> : null}
                    </ul>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
