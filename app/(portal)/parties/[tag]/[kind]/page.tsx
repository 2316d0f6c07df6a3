import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DateTime } from "luxon";
import { z } from "zod";
import { PartyAdmin } from "@/components/parties/party-admin";
import { PARTY_KIND_LABELS, PartyKindBadge } from "@/components/parties/party-kind-badge";
import { kindLabel } from "@/components/resources/labels";
import { resourceCell } from "@/components/resources/resource-link";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ChangeStatusPanel } from "@/components/changes/change-status";
import { partyChanges } from "@/lib/data/change-requests";
import { noticeSummary } from "@/lib/data/notifications";
import { qaOutcomeOf } from "@/lib/data/party-hold";
import { QA_FAILURE_THRESHOLD } from "@/lib/domain/qa-gate";
import { HoldForm, ResumeSlotButton } from "@/components/parties/hold-form";
import { partyRuns } from "@/lib/data/runs";
import { shortNoticeReason } from "@/lib/domain/notices";
import { NoticesCard } from "@/components/notifications/notices-card";
import { DataTable } from "@/components/ui/data-table";
import { Pager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { TimeRange } from "@/components/ui/time";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getOutcomeCounts } from "@/lib/data/fleet";
import { getParty, listPartyExcluded, listPartyResources, listSlotExecutions, slotCounts, slotExecutionCounts } from "@/lib/data/party-detail";
import { SlotExecutionsPanel } from "@/components/executions/slot-executions-panel";
import { stateParam } from "@/components/executions/labels";
import { recordingRights } from "@/components/executions/executions-panel";
import { partyKey, type PatchGroup } from "@/lib/domain";
import { formatDateTime } from "@/lib/format";
import { KindSchema, TagSchema } from "@/lib/validation/party-rule";
import { viewerTimeZone } from "@/lib/viewer";

type Params = { params: Promise<{ tag: string; kind: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { tag, kind } = await params;
  return { title: `${tag} ${kind}` };
}

const PageQuery = z.object({
  group: z.enum(["1", "2", "3"]).catch("1").default("1").transform(Number),
  after: z.string().max(300).optional().catch(undefined),
  // The executions list: which slot, which state, from which member on.
  slot: z.enum(["1", "2", "3"]).transform(Number).optional().catch(undefined),
  state: z.string().optional().catch(undefined).transform(stateParam),
  from: z.string().max(600).optional().catch(undefined),
});

const SLOT_STATE_LABELS: Record<string, string> = {
  SCHEDULED: "Waiting",
  RUNNING: "Patching",
  HALTED: "Halted",
  COMPLETED: "Completed",
  PARTIAL: "Fell short",
};

const formatDateTimeUtc = (at: Date) => `${formatDateTime(at, "UTC")} UTC`;

export default async function PartyPage({ params, searchParams }: Params) {
  const user = await requireUser();
  const { tag: rawTag, kind: rawKind } = await params;
  const tag = TagSchema.safeParse(rawTag);
  const kind = KindSchema.safeParse(rawKind);
  if (!tag.success || !kind.success) notFound();
  const party = await getParty(tag.data, kind.data);
  if (!party) notFound();
  const query = PageQuery.parse(await searchParams);
  const group = query.group as PatchGroup;
  const now = new Date();
  const ran = party.id !== null && party.endsAt <= now;
  // Its slots roll out while it runs: what they did so far is worth seeing before the end.
  const underway = party.id !== null && !ran && (party.status === "running" || party.startsAt <= now);
  const [counts, outcomes, resources, excluded, zone, changes, notices, qa, runs] = await Promise.all([
    slotCounts([party], now),
    (ran || underway) && party.id ? getOutcomeCounts({ id: party.id, status: party.status }) : Promise.resolve(null),
    listPartyResources(party.kind, group, query.after),
    listPartyExcluded(party.kind),
    viewerTimeZone(),
    party.kind === "production" && party.id ? partyChanges([party.id]) : Promise.resolve(new Map()),
    party.kind === "production" && party.id ? noticeSummary({ partyId: party.id }) : Promise.resolve(null),
    party.kind === "production" ? qaOutcomeOf(party.tag, now) : Promise.resolve(null),
    party.id ? partyRuns(party.id) : Promise.resolve([]),
  ]);
  const mayManage = can(user, { action: "party:manage" });
  // The slot whose executions are listed: the one asked for, else the first that is patching, else the first that ran.
  const execGroup =
    runs.find((r) => r.group === query.slot)?.group ?? runs.find((r) => r.state === "RUNNING" || r.state === "HALTED")?.group ?? runs[0]?.group ?? null;
  const [execCounts, execPage] =
    party.id && execGroup !== null
      ? await Promise.all([slotExecutionCounts(party.id), listSlotExecutions(party.id, execGroup, { state: query.state ?? undefined, after: query.from })])
      : [null, null];
  const shortNotice =
    party.kind === "production" && party.status !== "cancelled" ? shortNoticeReason(party.startsAt, notices?.lastTold?.createdAt ?? null, now) : null;
  const needsChange = party.kind === "production" && party.status !== "cancelled" && !ran;
  const c = counts.get(partyKey(party))!;
  const base = `/parties/${party.tag}/${party.kind}`;
  return (
    <>
      <Breadcrumb parent={{ href: "/calendar", label: "Calendar" }} current={party.tag} />
      <PageHeader
        title={`${PARTY_KIND_LABELS[party.kind]} ${party.tag}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <PartyKindBadge kind={party.kind} />
            {DateTime.fromISO(party.localDate).toFormat("cccc d LLLL yyyy")} ({party.timeZone}) ·{" "}
            {party.kind === "qa" ? "non-production resources" : "production resources"}
            <span data-testid="party-status">
              <Badge tone={party.status === "cancelled" ? "danger" : ran ? "neutral" : "info"}>
                {party.status === "cancelled" ? "cancelled" : ran ? "done" : underway ? "running" : "planned"}
              </Badge>
            </span>
            {!party.stored ? <Badge>projected from the rule</Badge> : null}
          </span>
        }
        actions={
          can(user, { action: "party:manage" }) && party.startsAt > now && party.status !== "cancelled" ? (
            <PartyAdmin tag={party.tag} kind={party.kind} localDate={party.localDate} />
          ) : null
        }
      />
      {party.status === "cancelled" ? (
        <div className="mb-6">
          <Alert tone="warning">This party is cancelled: nothing is patched.{party.manualReason ? ` Why: ${party.manualReason}` : ""}</Alert>
        </div>
      ) : party.manualReason ? (
        <div className="mb-6">
          <Alert tone="info">An admin moved this party from the day the rule gives. Why: {party.manualReason}</Alert>
        </div>
      ) : null}
      {needsChange ? (
        <Card aria-labelledby="change" className="mb-6">
          <CardHeader id="change" title="Change request" description="A production party starts only with an approved change request (CAB)." />
          <CardBody>
            {party.stored ? (
              <div className="grid gap-6 md:grid-cols-2">
                <ChangeStatusPanel
                  change={(party.id ? changes.get(party.id) : null) ?? null}
                  subject="this production party"
                  mayOpen={mayManage}
                  open={{ partyTag: party.tag }}
                  held={party.held}
                />
                <div className="space-y-3 text-sm" data-testid="qa-gate">
                  <h3 className="font-medium text-slate-800">QA gate</h3>
                  {qa ? (
                    <p>
                      <Link href={`/parties/${party.tag}/qa`} className="text-indigo-700 hover:underline">
                        QA {party.tag}
                      </Link>
                      : {qa.patched.toLocaleString("en")} patched, {qa.failed.toLocaleString("en")} failed ({(qa.failureRate * 100).toFixed(1)} % of{" "}
                      {qa.tried.toLocaleString("en")}; threshold {(QA_FAILURE_THRESHOLD * 100).toFixed(0)} %).
                    </p>
                  ) : (
                    <p className="text-slate-500">The QA party of {party.tag} has not run yet.</p>
                  )}
                  {qa?.overThreshold && !party.held ? (
                    <Alert tone="warning">QA failures are above the threshold: consider holding production until they are understood.</Alert>
                  ) : null}
                  {party.held ? (
                    <Alert tone="warning">
                      Held by {party.held.by} on {formatDateTimeUtc(party.held.at)}: {party.held.reason}
                    </Alert>
                  ) : null}
                  {mayManage ? <HoldForm tag={party.tag} held={party.held !== null} /> : null}
                </div>
              </div>
            ) : (
              <p className="text-sm text-slate-500">
                This party is still projected from the rule; its change request can be opened once it is stored (two years ahead).
              </p>
            )}
          </CardBody>
        </Card>
      ) : null}
      {notices && (notices.counts.length > 0 || shortNotice) ? (
        <NoticesCard counts={notices.counts} shortNotice={shortNotice} testId="party-notices" className="mb-6" />
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="min-w-0 lg:col-span-2" aria-labelledby="slots">
          <CardHeader
            id="slots"
            title="Group slots"
            description={ran ? "Resources that were patched (or failed) in each slot." : "Resources included in each slot today."}
          />
          <Table caption="Group slots">
            <thead>
              <tr>
                <Th>Group</Th>
                <Th>Slot</Th>
                <Th className="text-right">Resources</Th>
                {runs.length ? <Th>Rollout</Th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {party.slots.map((s) => (
                <tr key={s.group}>
                  <Td>
                    <Badge>Group {s.group}</Badge>
                  </Td>
                  <Td>
                    <TimeRange start={s.startsAt} end={s.endsAt} viewerZone={zone} />
                  </Td>
                  <Td className="text-right font-medium tabular-nums" data-testid={`party-slot-${s.group}`}>
                    {c[s.group].toLocaleString("en")}
                  </Td>
                  {runs.length ? (
                    <Td data-testid={`slot-rollout-${s.group}`}>
                      {(() => {
                        const r = runs.find((x) => x.group === s.group);
                        if (!r) return <span className="text-xs text-slate-400">not started</span>;
                        return (
                          <div className="text-xs">
                            <Badge tone={r.state === "COMPLETED" ? "success" : r.state === "RUNNING" ? "info" : r.state === "SCHEDULED" ? "warning" : "danger"}>
                              {SLOT_STATE_LABELS[r.state] ?? r.state}
                            </Badge>
                            <div className="mt-1 text-slate-600">
                              {r.patched} patched · {r.failed} failed{r.running ? ` · ${r.running} in flight` : ""}
                              {r.canarySize ? ` · canary of ${r.canarySize}${r.canaryPassedAt ? " passed" : ""}` : ""}
                            </div>
                            {r.haltReason ? <div className="mt-1 max-w-xs text-rose-700">{r.haltReason}</div> : null}
                            {r.state === "HALTED" && can(user, { action: "upgrade:force" }) ? (
                              <ResumeSlotButton runId={r.id} tag={party.tag} kind={party.kind} />
                            ) : null}
                          </div>
                        );
                      })()}
                    </Td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
        <Card aria-labelledby="outcomes">
          <CardHeader id="outcomes" title={underway ? "Outcome so far" : "Outcome"} />
          <CardBody>
            {outcomes ? (
              <dl className="grid grid-cols-3 gap-2 text-center" data-testid="party-outcomes">
                {(
                  [
                    ["Patched", outcomes.PATCHED, "text-emerald-700"],
                    ["Failed", outcomes.FAILED, "text-rose-700"],
                    ["Skipped", outcomes.SKIPPED, "text-slate-600"],
                  ] as const
                ).map(([label, value, tone]) => (
                  <div key={label} className="rounded-lg bg-slate-50 px-2 py-3">
                    <dt className="text-xs text-slate-500">{label}</dt>
                    <dd className={cx("text-xl font-semibold tabular-nums", tone)}>{value.toLocaleString("en")}</dd>
                  </div>
                ))}
              </dl>
            ) : (
              <p className="text-sm text-slate-500">Outcomes appear here once the party has run.</p>
            )}
          </CardBody>
        </Card>
      </div>
      {execCounts && execPage && execGroup !== null ? (
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
      ) : null}
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
        firstHref={query.after ? `${base}?group=${group}` : null}
        nextHref={resources.next ? `${base}?group=${group}&after=${encodeURIComponent(resources.next)}` : null}
      />
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
                href={`/resources?environment=${party.kind === "production" ? "production" : "non-production"}&state=excluded`}
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
    </>
  );
}
