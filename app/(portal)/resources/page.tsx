import type { Metadata } from "next";
import { kindLabel } from "@/components/resources/labels";
import { ResourceFilterBar } from "@/components/resources/resource-filters";
import { ResourceTable, type ResourceRowView } from "@/components/resources/resource-table";
import { Alert } from "@/components/ui/alert";
import { ButtonLink, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { can, readableTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { countMatching, listResourcePage } from "@/lib/data/resource-list";
import { listTeams } from "@/lib/data/users";
import { resourceQueryString } from "@/lib/resource-query";
import { filtersFromSearchParams } from "@/lib/validation/resources";

export const metadata: Metadata = { title: "Resources" };

export default async function ResourcesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const query = filtersFromSearchParams(await searchParams);
  const { sort, cursor, limit, ...filters } = query;
  // An owner reads their teams' servers only, and no other customer's name (issue 21).
  const scope = readableTeams(user);
  const [page, matching, teams] = await Promise.all([listResourcePage(filters, scope, sort, cursor, limit), countMatching(filters, scope), listTeams(scope)]);
  const qs = resourceQueryString(query);
  const canBulk = user.role === "ADMIN" || user.role === "OWNER";
  const matchingLabel = `${matching.count.toLocaleString("en")}${matching.capped ? "+" : ""}`;
  const rows: ResourceRowView[] =
    "error" in page
      ? []
      : page.rows.map((r) => ({
          id: r.id,
          name: r.name,
          kindLabel: kindLabel(r.kind),
          production: r.environment === "PRODUCTION",
          teamName: r.teamName,
          clusterName: r.clusterName,
          patchGroup: r.patchGroup,
          excluded: r.excluded,
          exclusionReason: r.exclusionReason,
          lastPatchTag: r.lastPatchTag,
          lastPatched: r.lastPatchedAt?.toISOString() ?? null,
          failedLast: r.lastOutcome === "FAILED",
          pendingUpdates: r.pendingUpdates,
          securityUpdates: r.securityUpdates,
          rebootPending: r.rebootPending,
          retired: r.retiredAt !== null,
        }));
  return (
    <>
      <PageHeader
        title="Resources"
        description="Every server, VM, node and appliance in the fleet, with its patch group and patch state."
        actions={
          <>
            <ButtonLink href="/resources/long-exclusions" variant="ghost">
              Long exclusions
            </ButtonLink>
            {/* A plain link: a download, not a page to prefetch. */}
            <a href={`/api/v1/resources.csv${qs ? `?${qs}` : ""}`} download className={buttonClass("secondary")}>
              Export CSV
            </a>
            {can(user, { action: "resource:import" }) ? (
              <ButtonLink href="/resources/import" variant="primary">
                Import CSV
              </ButtonLink>
            ) : null}
          </>
        }
      />
      <ResourceFilterBar query={query} teams={teams} />
      <p className="mb-3 text-sm text-slate-600" data-testid="match-count">
        {matchingLabel} {matching.count === 1 ? "resource matches" : "resources match"}
      </p>
      {"error" in page ? (
        <Alert tone="error">This page link is out of date. Start again from the first page.</Alert>
      ) : rows.length === 0 ? (
        <EmptyState title="No resources match">{scope ? "You see your teams' servers only. " : null}Loosen the filters, or clear them.</EmptyState>
      ) : (
        <Card>
          <ResourceTable rows={rows} canBulk={canBulk} filters={filters} matching={matchingLabel} matchingCount={matching.count} />
        </Card>
      )}
      <Pager
        firstHref={cursor ? `/resources${qs ? `?${qs}` : ""}` : null}
        nextHref={"error" in page || !page.nextCursor ? null : `/resources?${resourceQueryString(query, { cursor: page.nextCursor })}`}
      />
    </>
  );
}
