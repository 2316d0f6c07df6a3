// The compliance trend's arithmetic (issue 18, point 4): quarters, shares, gaps and the summary
// read to screen readers. The clock is pinned: every "now" is a fixed instant.
import { describe, expect, it } from "vitest";
import { complianceTrend, describeTrend, latestChange, patchedShare, trendQuarters, type TrendCounts } from "@/lib/domain/compliance-trend";

describe("trendQuarters", () => {
  it("is the last eight quarters up to the current one, oldest first, across years", () => {
    expect(trendQuarters(new Date("2026-12-05T06:00:00Z"))).toEqual(["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]);
    expect(trendQuarters(new Date("2027-01-01T00:00:00Z"), "UTC", 3)).toEqual(["2026-Q3", "2026-Q4", "2027-Q1"]);
  });

  it("takes the quarter in the party rule's time zone", () => {
    // 23:30 UTC on 31 March is already 1 April in Berlin: the second quarter there.
    const instant = new Date("2026-03-31T23:30:00Z");
    expect(trendQuarters(instant, "UTC", 1)).toEqual(["2026-Q1"]);
    expect(trendQuarters(instant, "Europe/Berlin", 1)).toEqual(["2026-Q2"]);
  });
});

describe("patchedShare", () => {
  it("divides, is null without resources, and never leaves 0–1", () => {
    expect(patchedShare(45, 50)).toBe(0.9);
    expect(patchedShare(0, 50)).toBe(0);
    expect(patchedShare(0, 0)).toBeNull();
    expect(patchedShare(3, 2)).toBe(1);
    expect(patchedShare(-1, 2)).toBe(0);
  });
});

describe("complianceTrend", () => {
  const quarters = ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"];
  const rows: TrendCounts[] = [
    { tag: "2026-Q1", environment: "production", resources: 200, patched: 180 },
    { tag: "2026-Q3", environment: "production", resources: 200, patched: 190 },
    { tag: "2026-Q1", environment: "non-production", resources: 100, patched: 70 },
    { tag: "2026-Q2", environment: "non-production", resources: 100, patched: 85 },
    // Outside the quarters asked for: left out.
    { tag: "2025-Q4", environment: "production", resources: 10, patched: 10 },
  ];
  const trend = complianceTrend(rows, quarters);

  it("has a point for every quarter and environment, in order; a quarter without a party has no share", () => {
    expect(trend.quarters).toEqual(quarters);
    expect(trend.production.map((p) => p.share)).toEqual([0.9, null, 0.95, null]);
    expect(trend.nonProduction.map((p) => p.share)).toEqual([0.7, 0.85, null, null]);
    expect(trend.production[1]).toEqual({ quarter: "2026-Q2", resources: 0, patched: 0, share: null });
    expect(trend.production[2]).toEqual({ quarter: "2026-Q3", resources: 200, patched: 190, share: 0.95 });
  });

  it("a party with no resources has a null share, not 0 or NaN", () => {
    const empty = complianceTrend([{ tag: "2026-Q1", environment: "production", resources: 0, patched: 0 }], ["2026-Q1"]);
    expect(empty.production[0]!.share).toBeNull();
  });

  it("says where each environment stands and how it moved since the previous quarter with a party", () => {
    expect(latestChange(trend.production)).toEqual({ quarter: "2026-Q3", share: 0.95, points: 5 });
    expect(latestChange(trend.nonProduction)).toEqual({ quarter: "2026-Q2", share: 0.85, points: 15 });
    expect(latestChange(complianceTrend([], quarters).production)).toBeNull();
    expect(describeTrend(trend)).toBe(
      "Production: 95 % patched in 2026-Q3, up 5 points from the quarter before. Non-production: 85 % patched in 2026-Q2, up 15 points from the quarter before.",
    );
    const down = complianceTrend(
      [
        { tag: "2026-Q1", environment: "production", resources: 3, patched: 3 },
        { tag: "2026-Q2", environment: "production", resources: 3, patched: 2 },
      ],
      quarters,
    );
    expect(describeTrend(down)).toBe(
      "Production: 66.7 % patched in 2026-Q2, down 33.3 points from the quarter before. Non-production: no party has run in these quarters.",
    );
  });
});
