import { describe, expect, it } from "vitest";
import { localDay, monthGrid, quarterGrids, viewRange } from "@/lib/domain";

const NOW = new Date("2026-11-25T10:00:00Z");

describe("month grid", () => {
  it("covers the month in whole weeks, Monday first", () => {
    const weeks = monthGrid(2026, 2, "UTC", NOW);
    expect(weeks[0]![0]!.date).toBe("2026-01-26");
    expect(weeks.at(-1)![6]!.date).toBe("2026-03-01");
    expect(weeks.flat().filter((d) => d.inMonth)).toHaveLength(28);
    // February 2024 is a leap month.
    expect(
      monthGrid(2024, 2, "UTC", NOW)
        .flat()
        .filter((d) => d.inMonth),
    ).toHaveLength(29);
  });

  it("marks the days on which the zone's offset changes, with a 23- or 25-hour day", () => {
    const march = monthGrid(2026, 3, "Europe/Paris", NOW).flat();
    const change = march.find((d) => d.offsetChange);
    expect(change?.date).toBe("2026-03-29");
    expect(change?.offsetChange).toBe("UTC+01:00 → UTC+02:00");
    expect(change!.end.getTime() - change!.start.getTime()).toBe(23 * 3600_000);
    const november = monthGrid(2026, 11, "America/New_York", NOW)
      .flat()
      .filter((d) => d.offsetChange);
    expect(november.map((d) => [d.date, d.offsetChange])).toEqual([["2026-11-01", "UTC-04:00 → UTC-05:00"]]);
    expect(
      monthGrid(2026, 3, "UTC", NOW)
        .flat()
        .some((d) => d.offsetChange),
    ).toBe(false);
  });

  it("knows today in the viewer's zone", () => {
    // 10:00 UTC on the 25th is already the 26th in Auckland.
    expect(
      monthGrid(2026, 11, "Pacific/Auckland", NOW)
        .flat()
        .find((d) => d.isToday)?.date,
    ).toBe("2026-11-25");
    expect(
      monthGrid(2026, 11, "Pacific/Auckland", new Date("2026-11-25T12:00:00Z"))
        .flat()
        .find((d) => d.isToday)?.date,
    ).toBe("2026-11-26");
  });
});

describe("view ranges", () => {
  it("month: the grid's days, with previous and next months across a year end", () => {
    const r = viewRange("month", "2026-12", "UTC", NOW);
    expect(r.from.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(r.to.toISOString()).toBe("2027-01-04T00:00:00.000Z");
    expect([r.title, r.previous, r.next, r.today]).toEqual(["December 2026", "2026-11", "2027-01", "2026-11"]);
  });

  it("quarter: from the quarter's first day to the next quarter's, in the zone", () => {
    const r = viewRange("quarter", "2026-11", "Europe/Paris", NOW);
    expect(r.from.toISOString()).toBe("2026-09-30T22:00:00.000Z");
    expect(r.to.toISOString()).toBe("2026-12-31T23:00:00.000Z");
    expect([r.title, r.anchor, r.previous, r.next]).toEqual(["Q4 2026", "2026-10", "2026-07", "2027-01"]);
    expect(quarterGrids("2026-11", "UTC", NOW).map((m) => m.title)).toEqual(["October 2026", "November 2026", "December 2026"]);
  });

  it("agenda: six months; a bad anchor falls back to this month", () => {
    const r = viewRange("agenda", "not-a-date", "UTC", NOW);
    expect(r.from.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(r.to.toISOString()).toBe("2027-05-01T00:00:00.000Z");
  });

  it("puts a slot on the day it starts in the shown zone", () => {
    const at = new Date("2026-12-06T05:00:00Z");
    expect(localDay(at, "UTC")).toBe("2026-12-06");
    expect(localDay(at, "America/Los_Angeles")).toBe("2026-12-05");
  });
});
