// The compliance trend: the share of each environment's resources that its party of each quarter
// patched, over the last eight quarters, and the share of servers within their update deadlines at
// each quarter's end (issue 20). Pure arithmetic on the counts aggregate queries read.
import { DateTime } from "luxon";
import { parsePatchTag, patchTag, previousQuarter, quarterOf } from "./quarter";

export const TREND_QUARTERS = 8;

export type TrendEnvironment = "production" | "non-production";
/** One party's counts: the resources of its environment that existed when it ended, and how many it patched. */
export type TrendCounts = { tag: string; environment: TrendEnvironment; resources: number; patched: number };
/** A quarter of the trend: `share` is null when no party of the environment ran that quarter (or it had no resources). */
export type TrendPoint = { quarter: string; resources: number; patched: number; share: number | null };
/**
 * A quarter's servers at `at` (its end, or now for the quarter under way) and how many of them had
 * an update past its deadline then (lib/domain/deadlines.ts `withinDeadlineAt`, as SQL).
 */
export type DeadlineCounts = { tag: string; environment: TrendEnvironment; servers: number; overdue: number };
/**
 * `share`: of the servers that existed at `at`, those within deadline; null without servers, or
 * before any scan was known (nothing then says whether they were). `at` null: not asked.
 */
export type DeadlinePoint = { quarter: string; at: Date | null; servers: number; withinDeadline: number; share: number | null };
export type ComplianceTrend = {
  quarters: string[];
  production: TrendPoint[];
  nonProduction: TrendPoint[];
  /** Per environment and for all servers: the share within deadline at each quarter's end. */
  withinDeadline: { production: DeadlinePoint[]; nonProduction: DeadlinePoint[]; all: DeadlinePoint[] };
};

/** The last `count` quarters up to and including the one `now` falls in (in `timeZone`), oldest first. */
export function trendQuarters(now: Date, timeZone = "UTC", count = TREND_QUARTERS): string[] {
  const tags: string[] = [];
  for (let q = quarterOf(now, timeZone), i = 0; i < count; q = previousQuarter(q), i++) tags.unshift(patchTag(q));
  return tags;
}

/**
 * When each quarter's "within deadline" share is taken: the quarter's end (the next one's first
 * instant in `timeZone`), or `now` for the quarter not over yet.
 */
export function trendInstants(quarters: readonly string[], now: Date, timeZone = "UTC"): Date[] {
  return quarters.map((tag) => {
    const q = parsePatchTag(tag);
    if (!q) throw new Error(`not a quarter: ${tag}`);
    const end = DateTime.fromObject({ year: q.year, month: (q.quarter - 1) * 3 + 1, day: 1 }, { zone: timeZone })
      .plus({ months: 3 })
      .toJSDate();
    return end.getTime() > now.getTime() ? now : end;
  });
}

/** (servers - overdue) / servers, within 0–1; null without servers. */
export function withinDeadlineShare(servers: number, overdue: number): number | null {
  if (servers <= 0) return null;
  return Math.min(1, Math.max(0, servers - Math.max(0, overdue)) / servers);
}

/** patched / resources, at most 1 (an outcome is never counted twice, but a deleted resource's party may still hold one); null without resources. */
export function patchedShare(patched: number, resources: number): number | null {
  if (resources <= 0) return null;
  return Math.min(1, Math.max(0, patched) / resources);
}

/**
 * A point for every quarter of `quarters` and both environments; a quarter without a party's counts
 * has a null share. `deadlines`: the instants of `trendInstants`, the counts at them (a quarter
 * without counts has no servers, and a null share), and `scannedSince`, the first scan known (null:
 * none yet); a quarter that ended before it has no share within deadline.
 */
export function complianceTrend(
  rows: readonly TrendCounts[],
  quarters: readonly string[],
  deadlines: { at: readonly Date[]; counts: readonly DeadlineCounts[]; scannedSince: Date | null } = { at: [], counts: [], scannedSince: null },
): ComplianceTrend {
  const byKey = new Map(rows.map((r) => [`${r.environment}|${r.tag}`, r]));
  const series = (environment: TrendEnvironment): TrendPoint[] =>
    quarters.map((quarter) => {
      const row = byKey.get(`${environment}|${quarter}`);
      return { quarter, resources: row?.resources ?? 0, patched: row?.patched ?? 0, share: row ? patchedShare(row.patched, row.resources) : null };
    });
  const counts = new Map(deadlines.counts.map((c) => [`${c.environment}|${c.tag}`, c]));
  const deadlineSeries = (environments: readonly TrendEnvironment[]): DeadlinePoint[] =>
    quarters.map((quarter, i) => {
      let servers = 0;
      let overdue = 0;
      for (const environment of environments) {
        const c = counts.get(`${environment}|${quarter}`);
        servers += c?.servers ?? 0;
        overdue += Math.min(c?.overdue ?? 0, c?.servers ?? 0);
      }
      const at = deadlines.at[i] ?? null;
      const known = at !== null && deadlines.scannedSince !== null && deadlines.scannedSince.getTime() <= at.getTime();
      return { quarter, at, servers, withinDeadline: servers - overdue, share: known ? withinDeadlineShare(servers, overdue) : null };
    });
  return {
    quarters: [...quarters],
    production: series("production"),
    nonProduction: series("non-production"),
    withinDeadline: {
      production: deadlineSeries(["production"]),
      nonProduction: deadlineSeries(["non-production"]),
      all: deadlineSeries(["production", "non-production"]),
    },
  };
}

/** The change in percentage points from the previous quarter with a share to the latest one; null with fewer than two. */
export function latestChange(points: readonly TrendPoint[]): { quarter: string; share: number; points: number | null } | null {
  const known = points.filter((p): p is TrendPoint & { share: number } => p.share !== null);
  const last = known.at(-1);
  if (!last) return null;
  const before = known.at(-2);
  return { quarter: last.quarter, share: last.share, points: before ? Math.round((last.share - before.share) * 1000) / 10 : null };
}

/** One sentence per environment for screen readers: where it stands and where it moved. */
export function describeTrend(trend: ComplianceTrend): string {
  const sentence = (label: string, points: readonly TrendPoint[]) => {
    const change = latestChange(points);
    if (!change) return `${label}: no party has run in these quarters.`;
    const pct = `${Math.round(change.share * 1000) / 10} %`;
    const moved =
      change.points === null
        ? ""
        : change.points === 0
          ? ", unchanged from the quarter before"
          : `, ${change.points > 0 ? "up" : "down"} ${Math.abs(change.points)} points from the quarter before`;
    return `${label}: ${pct} patched in ${change.quarter}${moved}.`;
  };
  const within = trend.withinDeadline.all.filter((p): p is DeadlinePoint & { share: number } => p.share !== null).at(-1);
  const deadlines = within ? ` Within update deadlines: ${Math.round(within.share * 1000) / 10} % of servers in ${within.quarter}.` : "";
  return `${sentence("Production", trend.production)} ${sentence("Non-production", trend.nonProduction)}${deadlines}`;
}
