import { describe, expect, it } from "vitest";
import { monthCells, type WindowView } from "@/components/calendar/month-cells";
import { monthGrid, partyKey, type CalendarParty } from "@/lib/domain";

const now = new Date("2026-11-30T12:00:00Z");
const at = (iso: string) => new Date(iso);

function party(kind: "qa" | "production", day: string, status: CalendarParty["status"] = "planned"): CalendarParty {
  const slots = ([1, 2, 3] as const).map((group) => ({ group, startsAt: at(`${day}T0${group + 4}:00:00Z`), endsAt: at(`${day}T0${group + 5}:00:00Z`) }));
  return {
    tag: "2026-Q4",
    kind,
    localDate: day,
    timeZone: "UTC",
    startsAt: slots[0]!.startsAt,
    endsAt: slots[2]!.endsAt,
    slots,
    id: `${kind}-id`,
    status,
    sequence: 0,
    stored: true,
    manualReason: null,
    held: null,
  };
}

const qa = party("qa", "2026-11-12");
const prod = party("production", "2026-12-06", "cancelled");
const counts = new Map([[partyKey(qa), { 1: 10, 2: 20, 3: 30 }]]);
const windows: WindowView[] = [1, 2, 3].map((i) => ({
  policyId: `p${i}`,
  policyName: `Policy ${i}`,
  scheduleName: "weekly",
  start: at(`2026-11-12T1${i}:00:00Z`),
  end: at(`2026-11-12T1${i}:30:00Z`),
}));
const find = (weeks: ReturnType<typeof monthCells>, date: string) => weeks.flat().find((d) => d.date === date)!;

describe("monthCells", () => {
  const input = { parties: [qa, prod], counts, zone: "UTC", windows, blocked: new Set([partyKey(prod)]) };

  it("gives each slot of a day a chip with its group, time and resource count", () => {
    const day = find(monthCells({ weeks: monthGrid(2026, 11, "UTC", now), ...input, compact: false }), "2026-11-12");
    expect(day.parties.map((p) => p.text)).toEqual(["G1 05:00–06:00 · 10", "G2 06:00–07:00 · 20", "G3 07:00–08:00 · 30"]);
    expect(day.parties[0]!.label).toBe("QA Patch Party 2026-Q4, group 1, 05:00–06:00 UTC, 10 resources");
    expect(day.parties[0]!.href).toBe("/parties/2026-Q4/qa");
    // Two upgrade windows shown, the third counted.
    expect(day.windows.map((w) => w.text)).toEqual(["Policy 1 11:00–11:30", "Policy 2 12:00–12:30"]);
    expect(day.moreWindows).toBe(1);
  });

  it("marks cancelled and blocked parties, and counts 0 where nothing is known", () => {
    const day = find(monthCells({ weeks: monthGrid(2026, 12, "UTC", now), ...input, compact: false }), "2026-12-06");
    expect(day.parties).toHaveLength(3);
    expect(day.parties.every((p) => p.cancelled && p.blocked && p.kind === "production")).toBe(true);
    expect(day.parties[0]!.label).toMatch(/0 resources, cancelled, blocked: change not approved$/);
  });

  it("draws one bar per party and one for all of a day's windows when compact", () => {
    const weeks = monthCells({ weeks: monthGrid(2026, 11, "UTC", now), ...input, compact: true });
    const day = find(weeks, "2026-11-12");
    expect(day.parties).toHaveLength(1);
    expect(day.parties[0]!.label).toBe("QA Patch Party 2026-Q4");
    expect(day.windows).toEqual([{ key: "windows", href: "/policies/p1", label: "3 upgrade windows: Policy 1, Policy 2, Policy 3", text: "" }]);
    expect(day.moreWindows).toBe(0);
    expect(find(weeks, "2026-11-30").isToday).toBe(true);
    expect(find(weeks, "2026-11-13").parties).toEqual([]);
  });
});
