// The compliance trend's arithmetic (issue 18, point 4): quarters, shares, gaps and the summary
// read to screen readers. The clock is pinned: every "now" is a fixed instant.
import { describe, expect, it } from "vitest";
import {
  complianceTrend,
  describeTrend,
  latestChange,
  patchedShare,
  trendInstants,
  trendQuarters,
  withinDeadlineShare,
  type DeadlineCounts,
  type TrendCounts,
} from "@/lib/domain/compliance-trend";
import { overdueAt, withinDeadlineAt, type TrackedUpdate } from "@/lib/domain/deadlines";
import type { DeadlineRules } from "@/lib/domain/updates";

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

// Issue 20, point 3: the share of servers within their update deadlines at each quarter's end.
describe("the share within update deadlines", () => {
  const rules: DeadlineRules = { critical: 14, high: 30, medium: null, low: null, unrated: 30 };
  const at = (iso: string) => new Date(iso);

  it("is taken at each quarter's end in the rule's time zone, and now for the quarter under way", () => {
    const now = at("2026-12-05T06:00:00Z");
    expect(trendInstants(["2026-Q2", "2026-Q3", "2026-Q4"], now)).toEqual([at("2026-07-01T00:00:00Z"), at("2026-10-01T00:00:00Z"), now]);
    // Berlin's third quarter ends at its midnight, 22:00 UTC in summer time.
    expect(trendInstants(["2026-Q3"], now, "Europe/Berlin")).toEqual([at("2026-09-30T22:00:00Z")]);
  });

  it("counts an update as overdue at T only while it was pending then and its due date was before T", () => {
    const critical: TrackedUpdate = { security: true, severity: "critical", firstSeenAt: at("2026-06-01T00:00:00Z"), resolvedAt: null };
    // Due 15 June: not yet at 15 June itself, overdue just after.
    expect(overdueAt(critical, at("2026-06-15T00:00:00Z"), rules)).toBe(false);
    expect(overdueAt(critical, at("2026-06-15T00:00:01Z"), rules)).toBe(true);
    // Resolved before T: no longer counts; resolved after T: still counted at T.
    expect(overdueAt({ ...critical, resolvedAt: at("2026-06-20T00:00:00Z") }, at("2026-07-01T00:00:00Z"), rules)).toBe(false);
    expect(overdueAt({ ...critical, resolvedAt: at("2026-07-02T00:00:00Z") }, at("2026-07-01T00:00:00Z"), rules)).toBe(true);
    // First seen after T: not pending then.
    expect(overdueAt({ ...critical, firstSeenAt: at("2026-07-02T00:00:00Z") }, at("2026-07-01T00:00:00Z"), rules)).toBe(false);
    // A severity without a deadline, and an unrated update that is no security update: never overdue.
    expect(overdueAt({ ...critical, severity: "medium" }, at("2027-01-01T00:00:00Z"), rules)).toBe(false);
    expect(overdueAt({ ...critical, severity: null, security: false }, at("2027-01-01T00:00:00Z"), rules)).toBe(false);
    // An unrated security update: the unrated days.
    expect(overdueAt({ ...critical, severity: null }, at("2026-07-01T00:00:01Z"), rules)).toBe(true);
    expect(withinDeadlineAt([critical, { ...critical, severity: "medium" }], at("2026-06-10T00:00:00Z"), rules)).toBe(true);
    expect(withinDeadlineAt([critical, { ...critical, severity: "medium" }], at("2026-06-20T00:00:00Z"), rules)).toBe(false);
  });

  it("is the servers without an overdue update over the servers, per environment and for all; null without servers", () => {
    expect(withinDeadlineShare(10, 3)).toBe(0.7);
    expect(withinDeadlineShare(10, 0)).toBe(1);
    expect(withinDeadlineShare(0, 0)).toBeNull();
    expect(withinDeadlineShare(2, 5)).toBe(0);
    const quarters = ["2026-Q3", "2026-Q4"];
    const instants = trendInstants(quarters, at("2026-12-05T06:00:00Z"));
    const counts: DeadlineCounts[] = [
      { tag: "2026-Q3", environment: "production", servers: 8, overdue: 2 },
      { tag: "2026-Q3", environment: "non-production", servers: 2, overdue: 0 },
      { tag: "2026-Q4", environment: "production", servers: 10, overdue: 5 },
    ];
    const trend = complianceTrend([], quarters, { at: instants, counts, scannedSince: at("2026-01-01T00:00:00Z") });
    expect(trend.withinDeadline.production.map((p) => p.share)).toEqual([0.75, 0.5]);
    expect(trend.withinDeadline.nonProduction.map((p) => p.share)).toEqual([1, null]);
    expect(trend.withinDeadline.all[0]).toEqual({ quarter: "2026-Q3", at: instants[0], servers: 10, withinDeadline: 8, share: 0.8 });
    expect(trend.withinDeadline.all[1]).toEqual({ quarter: "2026-Q4", at: instants[1], servers: 10, withinDeadline: 5, share: 0.5 });
    expect(describeTrend(trend)).toMatch(/ Within update deadlines: 50 % of servers in 2026-Q4\.$/);
    // Without counts, no share and no sentence.
    expect(complianceTrend([], quarters).withinDeadline.all.map((p) => p.share)).toEqual([null, null]);
    // Before the first scan known, or with none at all, nothing says whether servers were within their deadlines.
    expect(complianceTrend([], quarters, { at: instants, counts, scannedSince: at("2026-11-01T00:00:00Z") }).withinDeadline.all.map((p) => p.share)).toEqual([
      null,
      0.5,
    ]);
    expect(complianceTrend([], quarters, { at: instants, counts, scannedSince: null }).withinDeadline.all.map((p) => p.share)).toEqual([null, null]);
  });
});
