import type { ComplianceTrend, DeadlinePoint, TrendPoint } from "@/lib/domain/compliance-trend";
import { describeTrend } from "@/lib/domain/compliance-trend";
import { Table, Td, Th } from "../ui/table";

// A server-rendered SVG, like ShareChart beside it, rather than a chart library: sixteen points
// need no interaction, the page then ships no chart code (recharts would add a client bundle of
// ~100 kB gzipped and a 'use client' leaf for a picture), and it draws before any script runs.
// Screen readers get a one-sentence summary (aria-describedby), and TrendTable has the figures.

type Point = { quarter: string; share: number | null };

const SERIES = [
  { key: "production", label: "Production patched", stroke: "stroke-prod", fill: "fill-prod", dash: undefined, marker: "circle" },
  { key: "nonProduction", label: "Non-production patched", stroke: "stroke-qa", fill: "fill-qa", dash: "6 4", marker: "square" },
  // The share of all servers with no update past its deadline at the quarter's end (issue 20).
  { key: "withinDeadline", label: "Servers within update deadlines", stroke: "stroke-slate-700", fill: "fill-slate-700", dash: "2 3", marker: "diamond" },
] as const;

const seriesPoints = (trend: ComplianceTrend, key: (typeof SERIES)[number]["key"]): readonly Point[] =>
  key === "withinDeadline" ? trend.withinDeadline.all : trend[key];

const pct = (p: TrendPoint | DeadlinePoint) => (p.share === null ? "—" : `${(Math.round(p.share * 1000) / 10).toFixed(1)} %`);

function Marker({ kind, cx, cy, className }: { kind: (typeof SERIES)[number]["marker"]; cx: number; cy: number; className: string }) {
  if (kind === "circle") return <circle cx={cx} cy={cy} r={4} className={className} />;
  if (kind === "square") return <rect x={cx - 4} y={cy - 4} width={8} height={8} className={className} />;
  return <polygon points={`${cx},${cy - 5} ${cx + 5},${cy} ${cx},${cy + 5} ${cx - 5},${cy}`} className={className} />;
}

/** Runs of consecutive quarters with a share: a quarter without a party breaks the line. */
function segments(points: readonly Point[]): { index: number; share: number }[][] {
  const runs: { index: number; share: number }[][] = [];
  let run: { index: number; share: number }[] = [];
  points.forEach((p, index) => {
    if (p.share === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push({ index, share: p.share });
  });
  if (run.length) runs.push(run);
  return runs;
}

/** Share patched per quarter, production and non-production, as lines over the last eight quarters. */
export function TrendChart({ trend, target = 0.95, id = "trend" }: { trend: ComplianceTrend; target?: number; id?: string }) {
  // Narrow on purpose: on a phone the chart is drawn about 300 px wide, and its labels must stay legible.
  const width = 420;
  const height = 250;
  const left = 40;
  const right = 24;
  const top = 12;
  const bottom = 38;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const n = trend.quarters.length;
  const x = (i: number) => left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const y = (share: number) => top + (1 - share) * plotH;
  const summary = describeTrend(trend);
  return (
    <figure data-testid="compliance-trend">
      <svg
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        viewBox={`0 0 ${width} ${height}`}
        className="w-full max-w-lg text-[12px]"
      >
        <title id={`${id}-title`}>{`Share patched per quarter, ${trend.quarters[0]} to ${trend.quarters.at(-1)}, by environment`}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {[0, 0.25, 0.5, 0.75, 1].map((t) => (
          <g key={t}>
            <line x1={left} x2={width - right} y1={y(t)} y2={y(t)} className="stroke-slate-200" />
            <text x={left - 6} y={y(t) + 4} textAnchor="end" className="fill-slate-500">
              {t * 100}%
            </text>
          </g>
        ))}
        <line x1={left} x2={width - right} y1={y(target)} y2={y(target)} className="stroke-emerald-600" strokeDasharray="4 3" />
        {trend.quarters.map((q, i) => (
          <text key={q} x={x(i)} y={height - 22} textAnchor="middle" className="fill-slate-500">
            <tspan>{q.slice(5)}</tspan>
            <tspan x={x(i)} dy={14}>
              {q.slice(0, 4)}
            </tspan>
          </text>
        ))}
        {SERIES.map((s) => {
          const points = seriesPoints(trend, s.key);
          return (
            <g key={s.key}>
              {segments(points).map((run) =>
                run.length > 1 ? (
                  <polyline
                    key={run[0]!.index}
                    points={run.map((p) => `${x(p.index)},${y(p.share)}`).join(" ")}
                    fill="none"
                    strokeWidth={2.5}
                    strokeDasharray={s.dash}
                    className={s.stroke}
                  />
                ) : null,
              )}
              {points.map((p, i) => (p.share === null ? null : <Marker key={p.quarter} kind={s.marker} cx={x(i)} cy={y(p.share)} className={s.fill} />))}
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-slate-600">
        {SERIES.map((s) => (
          <span key={s.key} className="inline-flex items-center gap-1">
            <svg width="28" height="12" aria-hidden="true">
              <line x1="2" x2="26" y1="6" y2="6" strokeWidth={2.5} strokeDasharray={s.dash} className={s.stroke} />
              <Marker kind={s.marker} cx={14} cy={6} className={s.fill} />
            </svg>
            {s.label}
          </span>
        ))}
        <span>
          Dashed green line: the {Math.round(target * 100)} % target. A gap: no party of that environment ran that quarter. Within deadlines: at each
          quarter&apos;s end (today for this one), from the first update scan on.
        </span>
      </figcaption>
    </figure>
  );
}

/** The trend's figures as a table, behind a disclosure: the chart's text alternative, for anyone who wants the numbers. */
export function TrendTable({ trend }: { trend: ComplianceTrend }) {
  return (
    <details className="border-t border-slate-100 text-sm">
      <summary className="cursor-pointer px-5 py-3 text-indigo-700">The figures as a table</summary>
      <Table caption="Share patched per quarter and environment">
        <thead>
          <tr>
            <Th>Quarter</Th>
            <Th className="text-right">Production</Th>
            <Th className="text-right">Non-production</Th>
            <Th className="text-right">Within update deadlines</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {trend.quarters.map((q, i) => (
            <tr key={q}>
              <Td>{q}</Td>
              <Td className="text-right tabular-nums">{pct(trend.production[i]!)}</Td>
              <Td className="text-right tabular-nums">{pct(trend.nonProduction[i]!)}</Td>
              <Td className="text-right tabular-nums">{pct(trend.withinDeadline.all[i]!)}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </details>
  );
}
