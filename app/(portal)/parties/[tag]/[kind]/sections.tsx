// The party page's sections that wait on their own reads: each streams in its <Suspense> (the page
// renders the party at once), so a slow list never holds up the rest.
import Link from "next/link";
import { z } from "zod";
import { stateParam } from "@/components/executions/labels";
import { recordingRights } from "@/components/executions/executions-panel";
import { SlotExecutionsPanel } from "@/components/executions/slot-executions-panel";
import { kindLabel } from "@/components/resources/labels";
import { resourceCell } from "@/components/resources/resource-link";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Pager } from "@/components/ui/pager";
import { readableTeams, type CurrentUser, type TeamScope } from "@/lib/auth/permissions";
import { listPartyExcluded, listPartyResources, listSlotExecutions, slotExecutionCounts } from "@/lib/data/party-detail";
import type { partyRuns } from "@/lib/data/runs";
import type { CalendarParty, PartyKind, PatchGroup } from "@/lib/domain";
import { formatDateTime } from "@/lib/format";
import { noNul } from "@/lib/validation/common";

export const PageQuery = z.object({
  group: z.enum(["1", "2", "3"]).catch("1").default("1").transform(Number),
  after: z.string().max(300).refine(noNul).optional().catch(undefined),
  // The executions list: which slot, which state, from which member on.
  slot: z.enum(["1", "2", "3"]).transform(Number).optional().catch(undefined),
  state: z.string().optional().catch(undefined).transform(stateParam),
  from: z.string().max(600).optional().catch(undefined),
});
type Query = z.infer<typeof PageQuery>;

type ExecutionsProps = {
  user: CurrentUser;
  party: CalendarParty;
  partyId: string;
  runs: Awaited<ReturnType<typeof partyRuns>>;
  query: Query;
  base: string;
  zone: string;
};

/** The executions of one slot: the one asked for, else the first that is patching, else the first that ran. */
export async function PartyExecutions({ user, party, partyId, runs, query, base, zone }: ExecutionsProps) {
  const execGroup = runs.find((r) => r.group === query.slot)?.group ?? runs.find((r) => r.state === "RUNNING" || r.state === "HALTED")?.group ?? runs[0]?.group;
  if (execGroup === undefined) return null;
  const [execCounts, execPage] = await Promise.all([
    slotExecutionCounts(partyId, readableTeams(user)),
    listSlotExecutions(partyId, execGroup, readableTeams(user), { state: query.state ?? undefined, after: query.from }),
  ]);
  return (
    <SlotExecutionsPanel
      base={base}
      tag={party.tag}
      kind={party.kind}
      groups={runs.map((r) => r.group)}
      group={execGroup}
      state={query.state}
      after={query.from ?? null}
      counts={execCounts}
      rows={execPage.rows}
      next={execPage.next}
      viewerZone={zone}
      {...recordingRights(user, execPage.rows)}
    />
  );
}

/** The party's resources of one group, a keyset page at a time. */
export async function PartyResources({
  kind,
  group,
  after,
  base,
  teams,
}: {
  kind: PartyKind;
  group: PatchGroup;
  after: string | undefined;
  base: string;
  teams: TeamScope;
}) {
  const resources = await listPartyResources(kind, group, after, teams);
  return (
    <>
      <Card className="mt-6" aria-labelledby="by-group">
        <CardHeader
          id="by-group"
          title="Resources by group"
          description="Included today, in the party's environment."
          action={
            <nav aria-label="Group" className="flex gap-1">
              {[1, 2, 3].map((g) => (
                <Link
                  key={g}
                  href={`${base}?group=${g}`}
                  aria-current={g === group ? "page" : undefined}
                  className={cx("rounded-md px-3 py-1.5 text-sm font-medium", g === group ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-100")}
                >
                  Group {g}
                </Link>
              ))}
            </nav>
          }
        />
        {resources.rows.length === 0 ? (
          <CardBody>
            <EmptyState title={`No resources in group ${group}`} />
          </CardBody>
        ) : (
          <DataTable
            caption={`Resources of group ${group}`}
            columns={[{ label: "Name" }, { label: "Kind" }, { label: "Team" }, { label: "Cluster", nowrap: true }, { label: "Last time" }]}
            rows={resources.rows.map((r) => ({
              key: r.id,
              cells: [
                resourceCell(r.name),
                kindLabel(r.kind),
                r.team.name,
                r.cluster?.name ?? null,
                r.lastOutcome === "FAILED"
                  ? { badge: "failed", tone: "danger" }
                  : r.lastOutcome
                    ? { badge: r.lastOutcome.toLowerCase(), tone: "success" }
                    : null,
              ],
            }))}
          />
        )}
      </Card>
      <Pager
        firstHref={after ? `${base}?group=${group}` : null}
        nextHref={resources.next ? `${base}?group=${group}&after=${encodeURIComponent(resources.next)}` : null}
      />
    </>
  );
}

/** What the party leaves out, and why. */
export async function PartyExcluded({ kind, teams }: { kind: PartyKind; teams: TeamScope }) {
  const excluded = await listPartyExcluded(kind, teams);
  return (
    <Card className="mt-6" aria-labelledby="excluded">
      <CardHeader
        id="excluded"
        title={`Excluded (${excluded.total.toLocaleString("en")})`}
        description={
          excluded.total > excluded.rows.length
            ? `Not patched in this party, and why: the first ${excluded.rows.length} by name.`
            : "Not patched in this party, and why."
        }
        action={
          excluded.total > excluded.rows.length ? (
            <Link
              href={`/resources?environment=${kind === "production" ? "production" : "non-production"}&state=excluded`}
              className="text-sm text-indigo-700 hover:underline"
            >
              All {excluded.total.toLocaleString("en")} in the resource list
            </Link>
          ) : null
        }
      />
      {excluded.rows.length === 0 ? (
        <CardBody>
          <p className="text-sm text-slate-500">Nothing is excluded.</p>
        </CardBody>
      ) : (
        <DataTable
          caption="Excluded resources"
          testId="party-excluded"
          columns={[
            { label: "Name" },
            { label: "Team" },
            { label: "Group" },
            { label: "Why", muted: true, wide: true },
            { label: "Since (UTC)", nowrap: true },
          ]}
          rows={excluded.rows.map((r) => ({
            key: r.id,
            cells: [resourceCell(r.name), r.team.name, r.patchGroup, r.exclusionReason, r.excludedAt ? formatDateTime(r.excludedAt, "UTC") : null],
          }))}
        />
      )}
    </Card>
  );
}
