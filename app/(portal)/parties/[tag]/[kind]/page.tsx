import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { notFound } from "next/navigation";
import { DateTime } from "luxon";
import { PartyAdmin } from "@/components/parties/party-admin";
import { PARTY_KIND_LABELS, PartyKindBadge } from "@/components/parties/party-kind-badge";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
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
import { Table, Td, Th } from "@/components/ui/table";
import { TimeRange } from "@/components/ui/time";
import { can, readableTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getOutcomeCounts } from "@/lib/data/fleet";
import { getParty, slotCounts } from "@/lib/data/party-detail";
import { firstDayClear, NOTICE_DAYS, partyFreezes, partyKey, type PatchGroup } from "@/lib/domain";
import { freezesAfter } from "@/lib/data/freezes";
import { windowConflictsOf } from "@/lib/data/conflicts";
import { listPolicyWindows } from "@/lib/data/policies";
import { getPartyRule } from "@/lib/data/party-rule";
import { MoveOutOfFreeze } from "@/components/parties/move-out-of-freeze";
import { formatDateTime } from "@/lib/format";
import { KindSchema, TagSchema } from "@/lib/validation/party-rule";
import { viewerTimeZone } from "@/lib/viewer";
import { SectionSkeleton } from "@/components/ui/section-skeleton";
import { PageQuery, PartyExcluded, PartyExecutions, PartyResources } from "./sections";
import { PartyForecast } from "./forecast-section";
import { ProductionPackages } from "./packages-section";

type Params = { params: Promise<{ tag: string; kind: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { tag, kind } = await params;
  return { title: `${tag} ${kind}` };
}

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
  const open = party.status === "planned" && party.startsAt > now;
  const [counts, outcomes, zone, changes, notices, qa, runs, freezes] = await Promise.all([
    // The schedule is everyone's; its counts are of the reader's teams (issue 21).
    slotCounts([party], now, readableTeams(user)),
    (ran || underway) && party.id ? getOutcomeCounts({ id: party.id, status: party.status }, readableTeams(user)) : Promise.resolve(null),
    viewerTimeZone(),
    party.kind === "production" && party.id ? partyChanges([party.id]) : Promise.resolve(new Map()),
    party.kind === "production" && party.id ? noticeSummary({ partyId: party.id }) : Promise.resolve(null),
    party.kind === "production" ? qaOutcomeOf(party.tag, now) : Promise.resolve(null),
    party.id ? partyRuns(party.id) : Promise.resolve([]),
    open ? freezesAfter(party.startsAt) : Promise.resolve([]),
  ]);
  const clashes = open ? await windowConflictsOf([party], await listPolicyWindows(party.startsAt, party.endsAt), now, readableTeams(user)) : [];
  const frozenBy = partyFreezes(party, freezes).map((c) => freezes.find((f) => f.id === c.id)!);
  const clearDay = frozenBy.length && can(user, { action: "party:manage" }) ? firstDayClear(await getPartyRule(), party, freezes) : null;
  const mayManage = can(user, { action: "party:manage" });
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
          <Alert tone="info">An admin placed this party by hand: the rule no longer moves it. Why: {party.manualReason}</Alert>
        </div>
      ) : null}
      {frozenBy.length ? (
        <div className="mb-6" data-testid="freeze-conflict">
          <Alert tone="warning">
            Inside a freeze: {frozenBy.map((f) => `"${f.name}" (${formatDateTimeUtc(f.startsAt)} – ${formatDateTimeUtc(f.endsAt)}: ${f.reason})`).join("; ")}.
            Nothing starts in it: its slots wait until the freeze is over.
          </Alert>
          {clearDay ? (
            <MoveOutOfFreeze
              tag={party.tag}
              kind={party.kind}
              date={clearDay.localDate}
              label={DateTime.fromISO(clearDay.localDate).toFormat("ccc d LLL yyyy")}
              freeze={frozenBy[0]!.name}
              shortNotice={clearDay.startsAt.getTime() - now.getTime() < NOTICE_DAYS * 86_400_000}
            />
          ) : null}
        </div>
      ) : null}
      {clashes.length ? (
        <div className="mb-6" data-testid="window-conflict">
          <Alert tone="warning">
            <ul className="space-y-2">
              {clashes.map((c) => (
                <li key={`${c.group}-${c.template.id}-${c.window.startsAt.toISOString()}`}>
                  Group {c.group}&apos;s slot overlaps the upgrade window of{" "}
                  <Link href={`/templates/${c.template.id}`} className="underline">
                    {c.template.name}
                  </Link>{" "}
                  ({c.window.schedule}, {formatDateTimeUtc(c.window.startsAt)} – {formatDateTimeUtc(c.window.endsAt)}): {c.servers.toLocaleString("en")} of its
                  servers ({c.names.join(", ")}
                  {c.servers > c.names.length ? ", …" : ""}) would be patched and upgraded at once. {c.fix}
                </li>
              ))}
            </ul>
          </Alert>
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
        <NoticesCard
          counts={notices.counts}
          shortNotice={shortNotice}
          testId="party-notices"
          linkToNotices={can(user, { action: "notice:read" })}
          className="mb-6"
        />
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="min-w-0 lg:col-span-2" aria-labelledby="slots">
          <CardHeader
            id="slots"
            title="Group slots"
            description={ran ? "Resources that were patched (or failed) in each slot." : "Resources included in each slot today."}
            action={
              // A plain link: next/link would prefetch the download.
              <a href={`/api/v1/parties/${party.tag}/${party.kind}/resources.csv`} download className="shrink-0 text-sm text-indigo-700 hover:underline">
                Download CSV
              </a>
            }
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
      {!ran && party.status !== "cancelled" ? (
        <Suspense fallback={<SectionSkeleton title="Forecast" rows={3} className="mt-6" />}>
          <PartyForecast tag={party.tag} kind={party.kind} zone={zone} teams={readableTeams(user)} />
        </Suspense>
      ) : null}
      {party.kind === "production" && party.status !== "cancelled" && !ran ? (
        <Suspense fallback={<SectionSkeleton title="What production installs" rows={3} className="mt-6" />}>
          <ProductionPackages tag={party.tag} mayApprove={mayManage} />
        </Suspense>
      ) : null}
      {party.id && runs.length ? (
        <Suspense fallback={<SectionSkeleton title="Executions" className="mt-6" />}>
          <PartyExecutions user={user} party={party} partyId={party.id} runs={runs} query={query} base={base} zone={zone} />
        </Suspense>
      ) : null}
      <Suspense key={`${group}|${query.after ?? ""}`} fallback={<SectionSkeleton title="Resources by group" rows={10} className="mt-6" />}>
        <PartyResources kind={party.kind} group={group} after={query.after} base={base} teams={readableTeams(user)} />
      </Suspense>
      <Suspense fallback={<SectionSkeleton title="Excluded" className="mt-6" />}>
        <PartyExcluded kind={party.kind} teams={readableTeams(user)} />
      </Suspense>
    </>
  );
}
