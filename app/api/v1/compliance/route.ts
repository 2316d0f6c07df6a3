import { unauthorized, apiRoute } from "@/lib/api/respond";
import { readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { complianceFigures, complianceTrend, overdueServers } from "@/lib/data/compliance";
import { getDeadlines } from "@/lib/data/deadlines";

export const dynamic = "force-dynamic";

/** GET /api/v1/compliance: the dashboard's figures. */
export const GET = apiRoute(async function GET(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const now = new Date();
  // An owner reads their teams' figures only (readableTeams).
  const teamIds = readableTeams(user)?.slice();
  const [f, trend, deadlines, overdue] = await Promise.all([
    complianceFigures(now, { teamIds }),
    complianceTrend(now, { teamIds }),
    getDeadlines(),
    overdueServers(now, { teamIds }),
  ]);
  return Response.json({
    quarters: f.quarters,
    totals: { ...f.totals, share: f.totals.resources ? f.totals.patched / f.totals.resources : null },
    byTeam: f.shares.map((s) => ({
      team: s.team,
      environment: s.environment.toLowerCase().replace("_", "-"),
      resources: s.resources,
      patched: s.patched,
      share: s.resources ? s.patched / s.resources : null,
    })),
    neverPatched: { count: f.neverPatched.length, resources: f.neverPatched.slice(0, 100).map((r) => r.name) },
    longExcluded: { count: f.longExcluded.length, resources: f.longExcluded.slice(0, 100).map((r) => ({ name: r.name, missed: r.missed, reason: r.reason })) },
    failedLastTime: {
      count: f.failedLastTime.length,
      resources: f.failedLastTime.slice(0, 100).map((r) => ({ name: r.name, at: r.finishedAt.toISOString(), message: r.message })),
    },
    // Share patched per quarter, the last eight, oldest first; share null where no party of the environment ran.
    // withinDeadline: the share of servers with no update past its deadline at each quarter's end.
    trend,
    deadlines: {
      rules: deadlines,
      // Per team and environment, the servers past their deadline (excluded ones too: an exclusion does not stop the clock).
      overdue: overdue.map((g) => ({
        team: g.team,
        environment: g.environment.toLowerCase().replace("_", "-"),
        servers: g.servers,
        excluded: g.excluded,
        resources: g.rows.map((r) => ({
          name: r.name,
          excluded: r.excluded,
          exclusionReason: r.exclusionReason,
          package: r.package,
          severity: r.severity,
          security: r.security,
          advisories: r.advisories,
          due: r.due.toISOString(),
          daysOverdue: r.daysOverdue,
          overdueUpdates: r.overdueUpdates,
        })),
      })),
    },
  });
});
