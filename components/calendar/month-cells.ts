// What each day of a month grid shows, worked out on the server as plain data: labels and times
// are formatted here (luxon stays out of the browser), and the grid (month-grid.tsx) only draws.
import { localDay, partyKey, type CalendarDay, type CalendarParty } from "@/lib/domain";
import type { SlotCounts } from "@/lib/data/parties";
import { formatRange } from "@/lib/format";

export type WindowView = { policyId: string; policyName: string; scheduleName: string; start: Date; end: Date };

/** A slot of a party (or, compact, a whole party) in a day. */
export type PartyMark = { key: string; href: string; label: string; text: string; kind: "qa" | "production"; cancelled: boolean; blocked: boolean };
export type WindowMark = { key: string; href: string; label: string; text: string };

export type DayCell = {
  date: string;
  day: number;
  inMonth: boolean;
  isToday: boolean;
  offsetChange: string | null;
  parties: PartyMark[];
  windows: WindowMark[];
  /** Upgrade windows of the day beyond the ones shown. */
  moreWindows: number;
};

const WINDOWS_SHOWN = 2;

type Input = {
  weeks: readonly (readonly CalendarDay[])[];
  parties: CalendarParty[];
  counts: Map<string, SlotCounts>;
  zone: string;
  windows: WindowView[];
  blocked: Set<string>;
  compact: boolean;
};

export function monthCells({ weeks, parties, counts, zone, windows, blocked, compact }: Input): DayCell[][] {
  const windowsByDay = new Map<string, WindowView[]>();
  for (const w of windows) {
    const key = localDay(w.start, zone);
    windowsByDay.set(key, [...(windowsByDay.get(key) ?? []), w]);
  }
  const marksByDay = new Map<string, PartyMark[]>();
  const add = (day: string, mark: PartyMark) => marksByDay.set(day, [...(marksByDay.get(day) ?? []), mark]);
  for (const party of parties) {
    const key = partyKey(party);
    const kind = party.kind === "qa" ? "QA" : "Production";
    const cancelled = party.status === "cancelled";
    const isBlocked = blocked.has(key);
    const href = `/parties/${party.tag}/${party.kind}`;
    const days = new Set<string>();
    for (const slot of party.slots) {
      const day = localDay(slot.startsAt, zone);
      if (compact) {
        // One bar per party and day.
        if (days.has(day)) continue;
        days.add(day);
        add(day, {
          key,
          href,
          label: `${kind} Patch Party ${party.tag}${isBlocked ? ", blocked: change not approved" : ""}`,
          text: "",
          kind: party.kind,
          cancelled,
          blocked: isBlocked,
        });
        continue;
      }
      const range = formatRange(slot.startsAt, slot.endsAt, zone);
      const count = counts.get(key)?.[slot.group] ?? 0;
      const label = `${kind} Patch Party ${party.tag}, group ${slot.group}, ${range}${zone === "UTC" ? " UTC" : ""}, ${count} resources${cancelled ? ", cancelled" : ""}${isBlocked ? ", blocked: change not approved" : ""}`;
      add(day, { key: `${key}-${slot.group}`, href, label, text: `G${slot.group} ${range} · ${count}`, kind: party.kind, cancelled, blocked: isBlocked });
    }
  }
  return weeks.map((week) =>
    week.map((day) => {
      const dayWindows = windowsByDay.get(day.date) ?? [];
      const shown: WindowMark[] = compact
        ? dayWindows.length
          ? [
              {
                key: "windows",
                href: `/policies/${dayWindows[0]!.policyId}`,
                label: `${dayWindows.length} upgrade window${dayWindows.length > 1 ? "s" : ""}: ${[...new Set(dayWindows.map((w) => w.policyName))].join(", ")}`,
                text: "",
              },
            ]
          : []
        : dayWindows.slice(0, WINDOWS_SHOWN).map((w) => ({
            key: `${w.policyId}-${w.scheduleName}-${w.start.toISOString()}`,
            href: `/policies/${w.policyId}`,
            label: `Upgrade window of ${w.policyName} (${w.scheduleName}), ${formatRange(w.start, w.end, zone)}`,
            text: `${w.policyName} ${formatRange(w.start, w.end, zone)}`,
          }));
      return {
        date: day.date,
        day: Number(day.date.slice(8)),
        inMonth: day.inMonth,
        isToday: day.isToday,
        offsetChange: day.offsetChange ?? null,
        parties: marksByDay.get(day.date) ?? [],
        windows: shown,
        moreWindows: compact ? 0 : Math.max(0, dayWindows.length - WINDOWS_SHOWN),
      };
    }),
  );
}
