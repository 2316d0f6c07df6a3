import type { Metadata } from "next";
import Link from "next/link";
import { DeadlinesForm } from "@/components/compliance/deadlines-form";
import { OverdueServers } from "@/components/compliance/overdue-servers";
import { ShareChart } from "@/components/compliance/share-chart";
import { TrendChart, TrendTable } from "@/components/compliance/trend-chart";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { can, readableTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { complianceFigures, complianceTrend, overdueServers } from "@/lib/data/compliance";
import { deadlineRules, getDeadlines } from "@/lib/data/deadlines";
import { describeDeadlines } from "@/lib/domain/deadlines";
import { formatDate } from "@/lib/format";

export const metadata: Metadata = { title: "Compliance" };

const percent = (patched: number, total: number) => (total ? `${((patched / total) * 100).toFixed(1)} %` : "—");
const SHOWN = 15;
/** Servers past their deadline shown per team and environment (the API has more; the counts are of all). */
const OVERDUE_SHOWN = 10;

export default async function CompliancePage() {
  const user = await requireUser();
  const now = new Date();
  // An owner reads their teams' figures only (readableTeams).
  const teamIds = readableTeams(user)?.slice();
  const [figures, trend, deadlines, overdue] = await Promise.all([
    complianceFigures(now, { teamIds }),
    complianceTrend(now, { teamIds }),
    getDeadlines(),
    overdueServers(now, { teamIds, perGroup: OVERDUE_SHOWN }),
  ]);
  const overdueCount = overdue.reduce((n, g) => n + g.servers, 0);
  const teams = [...new Map(figures.shares.map((s) => [s.teamId, s.team])).entries()];
  return (
    <>
      <PageHeader
        title="Compliance"
        description={
          figures.quarters.production || figures.quarters.nonProduction
            ? `How much of the fleet the latest parties patched — production ${figures.quarters.production ?? "none yet"}, non-production (QA) ${figures.quarters.nonProduction ?? "none yet"} — and what needs following up.`
            : "No party has run yet."
        }
        actions={
          // A plain link: next/link would prefetch the download.
          <a href="/api/v1/compliance.csv" download className={buttonClass("secondary")}>
            Download CSV
          </a>
        }
      />
      <div className="mb-6 grid gap-4 sm:grid-cols-4" data-testid="compliance-totals">
        {(
          [
            [
              "Patched in the latest parties",
              percent(figures.totals.patched, figures.totals.resources),
              `${figures.totals.patched.toLocaleString("en")} of ${figures.totals.resources.toLocaleString("en")}`,
            ],
            ["Never patched", figures.neverPatched.length.toLocaleString("en"), "resources with no patch on record"],
            ["Excluded > 2 parties", figures.longExcluded.length.toLocaleString("en"), "left out of more than two in a row"],
            ["Failed last time", figures.failedLastTime.length.toLocaleString("en"), "to follow up"],
          ] as const
        ).map(([label, value, hint]) => (
          <Card key={label}>
            <CardBody>
              <div className="text-xs text-slate-500">{label}</div>
              <div className="text-2xl font-semibold tabular-nums text-slate-900">{value}</div>
              <div className="text-xs text-slate-500">{hint}</div>
            </CardBody>
          </Card>
        ))}
      </div>
      <Card aria-labelledby="by-team" className="mb-6">
        <CardHeader
          id="by-team"
          title="Patched by team"
          description="Share of each team's resources that the latest party of their environment patched (excluded resources count as not patched)."
        />
        <CardBody>{teams.length ? <ShareChart shares={figures.shares} /> : <EmptyState title="No resources yet" />}</CardBody>
        <Table caption="Patched by team and environment">
          <thead>
            <tr>
              <Th>Team</Th>
              <Th className="text-right">Production</Th>
              <Th className="text-right">Non-production</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {teams.map(([id, name]) => {
              const cell = (environment: string) => {
                const s = figures.shares.find((x) => x.teamId === id && x.environment === environment);
                return s ? `${percent(s.patched, s.resources)} (${s.patched.toLocaleString("en")} / ${s.resources.toLocaleString("en")})` : "—";
              };
              return (
                <tr key={id}>
                  <Td>{name}</Td>
                  <Td className="text-right tabular-nums">{cell("PRODUCTION")}</Td>
                  <Td className="text-right tabular-nums">{cell("NON_PRODUCTION")}</Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </Card>
      <Card aria-labelledby="overdue" className="mb-6">
        <CardHeader
          id="overdue"
          title="Past their update deadline"
          description={`Servers with an update pending longer than its severity allows (${describeDeadlines(deadlineRules(deadlines))}; counted from when a scan first found it). Excluded servers are listed too: an exclusion does not stop the clock.`}
          action={
            <span className="whitespace-nowrap text-sm tabular-nums text-slate-600" data-testid="overdue-count">
              {overdueCount.toLocaleString("en")} {overdueCount === 1 ? "server" : "servers"}
            </span>
          }
        />
        {overdue.length ? (
          <OverdueServers groups={overdue} />
        ) : (
          <CardBody>
            <p className="text-sm text-slate-500">No server has an update past its deadline.</p>
          </CardBody>
        )}
      </Card>
      {can(user, { action: "deadlines:edit" }) ? (
        <Card aria-labelledby="deadlines" className="mb-6">
          <CardHeader
            id="deadlines"
            title="Update deadlines"
            description="How many days a pending update may wait, by severity, from when a scan first found it. Empty: no deadline. Security updates the package manager does not rate (Debian's apt) use “Security, unrated”; other unrated updates have none."
          />
          <CardBody>
            <DeadlinesForm deadlines={deadlines} />
          </CardBody>
        </Card>
      ) : null}
      <Card aria-labelledby="trend" className="mb-6">
        <CardHeader
          id="trend"
          title="Trend"
          description="Share of each environment's resources that its party of the quarter patched, over the last eight quarters (resources as they were when the party ended), and the share of all servers within their update deadlines at each quarter's end."
        />
        <CardBody>
          <TrendChart trend={trend} />
        </CardBody>
        <TrendTable trend={trend} />
      </Card>
      {/* grid-cols-1 (minmax(0, 1fr)): a long truncated line must not widen the column past a phone's screen. */}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <FollowUp
          title="Failed last time"
          empty="No resource failed its last patch."
          rows={figures.failedLastTime
            .slice(0, SHOWN)
            .map((r) => ({ name: r.name, detail: `${r.team} · ${formatDate(r.finishedAt, "UTC")}${r.message ? ` · ${r.message}` : ""}` }))}
          total={figures.failedLastTime.length}
          href="/resources?failed=1"
        />
        <FollowUp
          title="Never patched"
          empty="Every resource has been patched at least once."
          rows={figures.neverPatched.slice(0, SHOWN).map((r) => ({ name: r.name, detail: `${r.team}${r.excluded ? " · excluded" : ""}` }))}
          total={figures.neverPatched.length}
          href="/resources?never=1"
        />
        <FollowUp
          title="Excluded through more than two parties"
          empty="No long exclusions."
          rows={figures.longExcluded.slice(0, SHOWN).map((r) => ({ name: r.name, detail: `${r.team} · ${r.missed} parties · ${r.reason ?? ""}` }))}
          total={figures.longExcluded.length}
          href="/resources/long-exclusions"
        />
      </div>
    </>
  );
}

function FollowUp({
  title,
  empty,
  rows,
  total,
  href,
}: {
  title: string;
  empty: string;
  rows: { name: string; detail: string }[];
  total: number;
  href: string;
}) {
  return (
    <Card aria-label={title}>
      <CardHeader
        title={title}
        action={
          total ? (
            <Link href={href} className="text-sm text-indigo-700 hover:underline">
              All {total.toLocaleString("en")}
            </Link>
          ) : null
        }
      />
      <CardBody>
        {rows.length === 0 ? (
          <p className="text-sm text-slate-500">{empty}</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {rows.map((r) => (
              <li key={r.name}>
                <Link href={`/resources/${encodeURIComponent(r.name)}`} className="row-link">
                  {r.name}
                </Link>
                <div className="truncate text-xs text-slate-500">{r.detail}</div>
              </li>
            ))}
          </ul>
        )}
      </CardBody>
    </Card>
  );
}
