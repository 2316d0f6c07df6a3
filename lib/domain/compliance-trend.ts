// The compliance trend: the share of each environment's resources that its party of each quarter
// patched, over the last eight quarters. Pure arithmetic on the counts one aggregate query reads.
import { patchTag, previousQuarter, quarterOf } from "./quarter";

export const TREND_QUARTERS = 8;

export type TrendEnvironment = "production" | "non-production";
/** One party's counts: the resources of its environment that existed when it ended, and how many it patched. */
export type TrendCounts = { tag: string; environment: TrendEnvironment; resources: number; patched: number };
/** A quarter of the trend: `share` is null when no party of the environment ran that quarter (or it had no resources). */
export type TrendPoint = { quarter: string; resources: number; patched: number; share: number | null };
export type ComplianceTrend = { quarters: string[]; production: TrendPoint[]; nonProduction: TrendPoint[] };

/** The last `count` quarters up to and including the one `now` falls in (in `timeZone`), oldest first. */
export function trendQuarters(now: Date, timeZone = "UTC", count = TREND_QUARTERS): string[] {
  const tags: string[] = [];
  for (let q = quarterOf(now, timeZone), i = 0; i < count; q = previousQuarter(q), i++) tags.unshift(patchTag(q));
  return tags;
}

/** patched / resources, at most 1 (an outcome is never counted twice, but a deleted resource's party may still hold one); null without resources. */
export function patchedShare(patched: number, resources: number): number | null {
  if (resources <= 0) return null;
  return Math.min(1, Math.max(0, patched) / resources);
}

/** A point for every quarter of `quarters` and both environments; a quarter without a party's counts has a null share. */
export function complianceTrend(rows: readonly TrendCounts[], quarters: readonly string[]): ComplianceTrend {
  const byKey = new Map(rows.map((r) => [`${r.environment}|${r.tag}`, r]));
  const series = (environment: TrendEnvironment): TrendPoint[] =>
    quarters.map((quarter) => {
      const row = byKey.get(`${environment}|${quarter}`);
      return { quarter, resources: row?.resources ?? 0, patched: row?.patched ?? 0, share: row ? patchedShare(row.patched, row.resources) : null };
    });
  return { quarters: [...quarters], production: series("production"), nonProduction: series("non-production") };
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
  return `${sentence("Production", trend.production)} ${sentence("Non-production", trend.nonProduction)}`;
}
