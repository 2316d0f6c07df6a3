// What each day of a month grid shows, worked out on the server as plain data: labels and times
// are formatted here (luxon stays out of the browser), and the grid (month-grid.tsx) only draws.
import { localDay, partyFreezes, partyKey, type CalendarDay, type CalendarParty, type Freeze } from "@/lib/domain";
import type { SlotCounts } from "@/lib/data/parties";
import { formatRange } from "@/lib/format";

export type WindowView = { policyId: string; policyName: string; scheduleName: string; start: Date; end: Date };

/** A slot of a party (or, compact, a whole party) in a day. */
export type PartyMark = {
  key: string;
  href: string;
  label: string;
  text: string;
  kind: "qa" | "production";
  cancelled: boolean;
  blocked: boolean;
  /** A freeze overlaps it: nothing starts until the freeze is over. */
  frozen: boolean;
  /** It overlaps an upgrade window of a template whose servers it patches. */
  clash: boolean;
};
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
  /** The freezes that cover part of the day, by name. */
  freezes: string[];
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
  freezes?: readonly Freeze[];
  /** Parties (by key) whose slots overlap upgrade windows of these templates. */
  clashing?: ReadonlyMap<string, readonly string[]>;
};

const DAY_MS = 86_400_000;
/** The days "YYYY-MM-DD" from `first` to `last`, both included (calendar arithmetic: no zone needed). */
function daysFrom(first: string, last: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`), end = Date.parse(`${last}T00:00:00Z`); t <= end && days.length < 400; t += DAY_MS)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export function monthCells({ weeks, parties, counts, zone, windows, blocked, compact, freezes = [], clashing = new Map() }: Input): DayCell[][] {
  const freezesByDay = new Map<string, string[]>();
  for (const f of freezes)
    for (const day of daysFrom(localDay(f.startsAt, zone), localDay(new Date(f.endsAt.getTime() - 1), zone)))
      freezesByDay.set(day, [...(freezesByDay.get(day) ?? []), f.name]);
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
    const frozenBy = party.status === "planned" ? partyFreezes(party, freezes).map((c) => c.name) : [];
    const frozen = frozenBy.length > 0;
    const clash = clashing.get(key);
    const frozenText = `${frozen ? `, inside the freeze ${frozenBy.join(", ")}` : ""}${clash ? `, overlaps the upgrade window of ${clash.join(" and ")}` : ""}`;
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
          label: `${kind} Patch Party ${party.tag}${isBlocked ? ", blocked: change not approved" : ""}${frozenText}`,
          text: "",
          kind: party.kind,
          cancelled,
          blocked: isBlocked,
          frozen,
          clash: clash !== undefined,
        });
        continue;
      }
      const range = formatRange(slot.startsAt, slot.endsAt, zone);
      const count = counts.get(key)?.[slot.group] ?? 0;
      const label = `${kind} Patch Party ${party.tag}, group ${slot.group}, ${range}${zone === "UTC" ? " UTC" : ""}, ${count} resources${cancelled ? ", cancelled" : ""}${isBlocked ? ", blocked: change not approved" : ""}${frozenText}`;
      add(day, {
        key: `${key}-${slot.group}`,
        href,
        label,
        text: `G${slot.group} ${range} · ${count}`,
        kind: party.kind,
        cancelled,
        blocked: isBlocked,
        frozen,
        clash: clash !== undefined,
      });
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
        freezes: freezesByDay.get(day.date) ?? [],
      };
    }),
  );
}
