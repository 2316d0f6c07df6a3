import type { TeamShare } from "@/lib/data/compliance";

const ENVIRONMENTS = [
  { key: "PRODUCTION", label: "Production", className: "fill-prod" },
  { key: "NON_PRODUCTION", label: "Non-production", className: "fill-qa" },
] as const;

const pct = (s?: TeamShare) => (s && s.resources ? s.patched / s.resources : null);

/** Share patched per team, production and non-production side by side: a bar chart in SVG. */
export function ShareChart({ shares, target = 0.95 }: { shares: TeamShare[]; target?: number }) {
  const teams = [...new Map(shares.map((s) => [s.teamId, s.team])).entries()];
  const row = 34;
  const labelWidth = 150;
  const barWidth = 520;
  const height = teams.length * row + 30;
  const summary = teams
    .map(([id, name]) => {
      const parts = ENVIRONMENTS.map((e) => {
        const p = pct(shares.find((s) => s.teamId === id && s.environment === e.key));
        return p === null ? null : `${e.label.toLowerCase()} ${Math.round(p * 100)} %`;
      }).filter(Boolean);
      return `${name}: ${parts.join(", ")}`;
    })
    .join("; ");
  return (
    <figure className="overflow-x-auto">
      <svg
        role="img"
        aria-label={`Share of resources patched in the latest quarter, by team. ${summary}`}
        viewBox={`0 0 ${labelWidth + barWidth + 60} ${height}`}
        className="w-full max-w-3xl text-[11px]"
      >
        {[0, 0.25, 0.5, 0.75, 1].map((t) => (
          <g key={t}>
            <line x1={labelWidth + t * barWidth} x2={labelWidth + t * barWidth} y1={0} y2={height - 20} className="stroke-slate-200" />
            <text x={labelWidth + t * barWidth} y={height - 6} textAnchor="middle" className="fill-slate-500">
              {t * 100}%
            </text>
          </g>
        ))}
        <line
          x1={labelWidth + target * barWidth}
          x2={labelWidth + target * barWidth}
          y1={0}
          y2={height - 20}
          className="stroke-emerald-600"
          strokeDasharray="4 3"
        />
        {teams.map(([id, name], i) => (
          <g key={id} transform={`translate(0, ${i * row + 4})`}>
            <text x={labelWidth - 8} y={17} textAnchor="end" className="fill-slate-700">
              {name}
            </text>
            {ENVIRONMENTS.map((e, j) => {
              const p = pct(shares.find((s) => s.teamId === id && s.environment === e.key));
              return p === null ? null : (
                <g key={e.key}>
                  <rect
                    x={labelWidth}
                    y={j * 13 + 3}
                    width={Math.max(1, p * barWidth)}
                    height={11}
                    rx={2}
                    className={e.className}
                    opacity={p < target ? 0.55 : 1}
                  />
                  <text x={labelWidth + p * barWidth + 4} y={j * 13 + 12} className="fill-slate-600">
                    {Math.round(p * 100)}%
                  </text>
                </g>
              );
            })}
          </g>
        ))}
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-slate-600">
        {ENVIRONMENTS.map((e) => (
          <span key={e.key} className="inline-flex items-center gap-1">
            <svg width="12" height="12" aria-hidden="true">
              <rect width="12" height="12" rx="2" className={e.className} />
            </svg>
            {e.label}
          </span>
        ))}
        <span>Dashed line: the {Math.round(target * 100)} % target; paler bars are below it.</span>
      </figcaption>
    </figure>
  );
}
