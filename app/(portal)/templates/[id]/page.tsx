import { FilterTabs } from "@/components/ui/filter-tabs";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { notFound } from "next/navigation";
import { ChangeStatusPanel } from "@/components/changes/change-status";
import { ConcurrencyForm, ResumeButton, RolloutSettingsForm, TargetVersionForm, UpgradeNowButton } from "@/components/templates/template-forms";
import { MemberStateBadge, SyncBar, TemplateStateBadge } from "@/components/templates/state-badge";
import { Alert } from "@/components/ui/alert";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { TimeRange } from "@/components/ui/time";
import { can, readableTeams, type CurrentUser } from "@/lib/auth/permissions";
import { SectionSkeleton } from "@/components/ui/section-skeleton";
import { requireUser } from "@/lib/auth/session";
import { templateChanges } from "@/lib/data/change-requests";
import { countRunExecutions, getTemplate, listMembers, listRunExecutions } from "@/lib/data/templates";
import { executorChoices } from "@/lib/data/slot-rollout";
import { RunExecutionsPanel } from "@/components/executions/run-executions-panel";
import { TemplateExecutionCard } from "@/components/templates/template-execution-card";
import { stateParam } from "@/components/executions/labels";
import { recordingRights } from "@/components/executions/executions-panel";
import { noticeSummary } from "@/lib/data/notifications";
import { storedPlan } from "@/lib/data/upgrade-plans";
import { shortNoticeReason } from "@/lib/domain/notices";
import { NoticesCard } from "@/components/notifications/notices-card";
import { MEMBER_STATE_LABELS, type MemberStateName } from "@/lib/domain/templates";
import { formatDateTime } from "@/lib/format";
import { MemberQuerySchema } from "@/lib/validation/templates";
import { viewerTimeZone } from "@/lib/viewer";
import { templateFreezes } from "@/lib/data/freezes";
import { findConflicts } from "@/lib/data/conflicts";
import { withQuery } from "@/lib/url";
import { TemplateForecast } from "./forecast-section";
import { AddMembersForm, MemberQueryForm, RemoveMemberButton } from "@/components/templates/member-forms";
import { listMemberEvents, QUERY_ACTOR } from "@/lib/data/template-members";
import { listTeams } from "@/lib/data/users";
import { NewestFirstCursorSchema } from "@/lib/validation/common";
import { ENVIRONMENTS, KIND_LABELS, KINDS } from "@/lib/validation/resources";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export const metadata: Metadata = { title: "Fleet template" };

const RUN_TONES = { RUNNING: "warning", COMPLETED: "success", PARTIAL: "danger", HALTED: "danger", SCHEDULED: "neutral" } as const;
const RUN_LABELS = { RUNNING: "Running", COMPLETED: "Completed", PARTIAL: "Fell short", HALTED: "Halted", SCHEDULED: "Scheduled" } as const;
const STATES = Object.keys(MEMBER_STATE_LABELS) as MemberStateName[];

export default async function TemplatePage({ params, searchParams }: Props) {
  const user = await requireUser();
  const { id } = await params;
  const now = new Date();
  const template = id.length <= 40 ? await getTemplate(id, now) : null;
  if (!template) notFound();
  const search = await searchParams;
  const query = MemberQuerySchema.safeParse(search);
  const filter = query.success ? query.data : {};
  // The current (or last) run's executions: their own state filter and cursor (exec, execFrom).
  const run = template.runs[0] ?? null;
  const exec = { state: stateParam(search.exec), after: typeof search.execFrom === "string" && search.execFrom.length <= 600 ? search.execFrom : undefined };
  const eventsFrom = NewestFirstCursorSchema.safeParse(typeof search.events === "string" ? search.events : undefined);
  const [page, zone, changes, notices, choices, frozenBy, clashes, history, teams] = await Promise.all([
    listMembers(template.id, readableTeams(user), filter),
    viewerTimeZone(),
    templateChanges([template.id]),
    noticeSummary({ templateId: template.id, version: template.targetVersion }),
    executorChoices(),
    templateFreezes(template.id, template.upgradeWindow),
    findConflicts(now, new Date(now.getTime() + 183 * 86_400_000), now, readableTeams(user), { templateId: template.id }),
    listMemberEvents(template.id, readableTeams(user), { before: eventsFrom.success ? (eventsFrom.data ?? null) : null, limit: 20 }),
    listTeams(readableTeams(user)),
  ]);
  const shortNotice = template.upgradeWindow ? shortNoticeReason(template.upgradeWindow.start, notices.lastTold?.createdAt ?? null, now) : null;
  const change = changes.get(template.id) ?? null;
  const plan = storedPlan(template.planComponents);
  const mayManage = can(user, { action: "template:manage" });
  const onTarget = template.versions.find((v) => v.version === template.targetVersion)?.members ?? 0;
  const behind = template.members - onTarget;
  const halted = template.runs.find((r) => r.state === "HALTED") ?? null;
  const href = (change: { state?: string | null; after?: string | null }) =>
    withQuery(`/templates/${template.id}`, { state: change.state === undefined ? filter.state : change.state, after: change.after }, "#members");

  return (
    <>
      <AutoRefresh active={template.state === "UPGRADING"} />
      <Breadcrumb parent={{ href: "/templates", label: "Templates" }} current={template.name} />
      <PageHeader
        title={template.name}
        description={
          <span>
            Follows{" "}
            <Link href={`/policies/${template.policy.id}`} className="text-indigo-700 hover:underline">
              {template.policy.name}
            </Link>
            . Target version <span className="font-mono">{template.targetVersion}</span>, set {formatDateTime(template.targetSetAt, "UTC")} UTC;{" "}
            {template.concurrency} member(s) at a time.
          </span>
        }
        actions={<TemplateStateBadge state={template.state} />}
      />

      {halted ? (
        <div className="mb-6 space-y-3" data-testid="halted">
          <Alert tone="error">
            Halted: the upgrade to {halted.version} stopped starting members. {halted.haltReason}
          </Alert>
          {can(user, { action: "upgrade:force" }) ? <ResumeButton id={template.id} /> : null}
        </div>
      ) : null}
      {template.state === "PARTIALLY_APPLIED" ? (
        <div className="mb-6">
          <Alert tone="warning">
            Partially applied: {behind.toLocaleString("en")} member(s) are not on {template.targetVersion}. New versions are blocked until every member is on
            one version — the next upgrade window or “Upgrade now” brings them there.
          </Alert>
        </div>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <Card aria-labelledby="progress" className="lg:col-span-2">
          <CardHeader
            id="progress"
            title="Members"
            description={template.state === "UPGRADING" ? "Upgrading now; this page refreshes by itself." : undefined}
          />
          <CardBody className="space-y-4">
            <SyncBar onTarget={onTarget} total={template.members} label={`Members on ${template.targetVersion}`} />
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="member-counts">
              {STATES.map((s) => (
                <div key={s} className="rounded-lg bg-slate-50 px-3 py-2">
                  <dt className="text-xs text-slate-500">{MEMBER_STATE_LABELS[s]}</dt>
                  <dd className="text-lg font-semibold tabular-nums text-slate-900" data-state={s}>
                    {(template.counts[s] ?? 0).toLocaleString("en")}
                  </dd>
                </div>
              ))}
            </dl>
            <p className="text-sm text-slate-600">
              Versions:{" "}
              {template.versions.map((v) => (
                <Badge key={v.version} tone={v.version === template.targetVersion ? "success" : "neutral"} className="mr-1 font-mono">
                  {v.version} × {v.members.toLocaleString("en")}
                </Badge>
              ))}
            </p>
            <div className="text-sm text-slate-600" data-testid="plan-summary">
              <span className="font-medium text-slate-800">Upgrade plan: </span>
              {plan ? `${plan.map((c) => c.name).join(" → ")}. ` : "none: members go in any order. "}
              <Link href={`/templates/${template.id}/plan`} className="text-indigo-700 underline hover:no-underline">
                {plan ? "See the plan" : mayManage ? "Write a plan" : "About plans"}
              </Link>
            </div>
            <div className="text-sm text-slate-600" data-testid="upgrade-window">
              <span className="font-medium text-slate-800">
                {template.upgradeWindow ? `Upgrade to ${template.targetVersion} in: ` : "Next upgrade window: "}
              </span>
              {template.upgradeWindow ? (
                <span>
                  {template.upgradeWindow.scheduleName},{" "}
                  <TimeRange start={template.upgradeWindow.start} end={template.upgradeWindow.end} viewerZone={zone} withDate />
                </span>
              ) : template.nextWindow ? (
                <span>
                  {template.nextWindow.scheduleName}, <TimeRange start={template.nextWindow.start} end={template.nextWindow.end} viewerZone={zone} withDate />
                </span>
              ) : (
                "none scheduled"
              )}
            </div>
            {clashes.windows.length ? (
              <div data-testid="window-conflict">
                <Alert tone="warning">
                  <p>Its windows overlap the slots of parties that patch its servers in the next six months:</p>
                  <ul className="mt-1 list-disc space-y-1 pl-5">
                    {clashes.windows.map((c) => (
                      <li key={`${c.party.tag}-${c.party.kind}-${c.group}-${c.window.startsAt.toISOString()}`}>
                        <Link href={`/parties/${c.party.tag}/${c.party.kind}`} className="underline">
                          {c.party.tag} {c.party.kind}
                        </Link>
                        , group {c.group}: {c.servers.toLocaleString("en")} servers ({c.names.join(", ")}
                        {c.servers > c.names.length ? ", …" : ""}). {c.fix}
                      </li>
                    ))}
                  </ul>
                </Alert>
              </div>
            ) : null}
            {frozenBy.length ? (
              <div data-testid="freeze-conflict">
                <Alert tone="warning">
                  Inside a freeze: {frozenBy.map((f) => f.name).join(", ")}. No member it holds starts while it lasts.{" "}
                  <Link href="/freezes" className="underline">
                    Freeze periods
                  </Link>
                </Alert>
              </div>
            ) : null}
          </CardBody>
        </Card>

        <Card aria-labelledby="actions">
          <CardHeader id="actions" title="Version" />
          <CardBody className="space-y-5">
            {mayManage ? (
              <>
                <TargetVersionForm template={{ id: template.id, revision: template.revision }} current={template.targetVersion} />
                <ConcurrencyForm template={{ id: template.id, revision: template.revision }} concurrency={template.concurrency} />
                <RolloutSettingsForm
                  template={{ id: template.id, revision: template.revision }}
                  settings={{
                    concurrencyPercent: template.concurrencyPercent,
                    canaryPercent: template.canaryPercent,
                    maxFailures: template.maxFailures,
                    maxFailurePercent: template.maxFailurePercent,
                  }}
                />
              </>
            ) : (
              <p className="text-sm text-slate-500">Only admins change the target version.</p>
            )}
            {template.state !== "IN_SYNC" ? (
              <ChangeStatusPanel change={change} subject={`the upgrade to ${template.targetVersion}`} mayOpen={mayManage} open={{ templateId: template.id }} />
            ) : null}
            {can(user, { action: "upgrade:force" }) && (template.state === "PENDING" || template.state === "PARTIALLY_APPLIED") ? (
              <UpgradeNowButton id={template.id} target={template.targetVersion} behind={behind} />
            ) : null}
          </CardBody>
        </Card>
      </div>

      <Suspense fallback={<SectionSkeleton title="Forecast" rows={3} className="mt-6" />}>
        <TemplateForecast templateId={template.id} zone={zone} now={now} teams={readableTeams(user)} />
      </Suspense>

      {notices.counts.length > 0 || shortNotice ? (
        <NoticesCard
          counts={notices.counts}
          shortNotice={shortNotice}
          testId="template-notices"
          linkToNotices={can(user, { action: "notice:read" })}
          className="mt-6"
        />
      ) : null}

      <Card aria-labelledby="runs" className="mt-6">
        <CardHeader id="runs" title="Upgrade runs" description="One per window (or “Upgrade now”); the newest ten." />
        {template.runs.length === 0 ? (
          <CardBody>
            <p className="text-sm text-slate-500">No upgrade has run yet.</p>
          </CardBody>
        ) : (
          <Table caption="Upgrade runs">
            <thead>
              <tr>
                <Th>Window</Th>
                <Th>Version</Th>
                <Th>State</Th>
                <Th className="text-right">Upgraded</Th>
                <Th className="text-right">Failed</Th>
                <Th className="text-right">In flight</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {template.runs.map((r) => (
                <tr key={r.id}>
                  <Td>
                    {r.forced ? (
                      <Badge tone="info" className="mb-1">
                        Upgrade now
                      </Badge>
                    ) : null}
                    <div>
                      <TimeRange start={r.windowStart} end={r.windowEnd} viewerZone={zone} withDate />
                    </div>
                  </Td>
                  <Td className="font-mono text-xs">{r.version}</Td>
                  <Td>
                    <Badge tone={RUN_TONES[r.state as keyof typeof RUN_TONES] ?? "neutral"}>{RUN_LABELS[r.state as keyof typeof RUN_LABELS] ?? r.state}</Badge>
                    {r.canarySize ? (
                      <div className="mt-1 text-xs text-slate-500">
                        Canary of {r.canarySize}
                        {r.canaryPassedAt ? " passed" : ""}
                      </div>
                    ) : null}
                    {r.haltReason ? <div className="mt-1 max-w-xs text-xs text-rose-700">{r.haltReason}</div> : null}
                  </Td>
                  <Td className="text-right tabular-nums">{r.succeeded.toLocaleString("en")}</Td>
                  <Td className="text-right tabular-nums">{r.failed.toLocaleString("en")}</Td>
                  <Td className="text-right tabular-nums">{r.running.toLocaleString("en")}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>

      {run ? (
        <Suspense key={`${exec.state ?? ""}|${exec.after ?? ""}`} fallback={<SectionSkeleton title="Executions" className="mt-6" />}>
          <TemplateExecutions user={user} templateId={template.id} run={run} exec={exec} zone={zone} />
        </Suspense>
      ) : null}

      <TemplateExecutionCard
        template={{ id: template.id, revision: template.revision }}
        settings={{
          executor: template.executor,
          preHook: template.preHook,
          postHook: template.postHook,
          cutoffMinutes: template.cutoffMinutes,
          memberTimeoutMinutes: template.memberTimeoutMinutes,
        }}
        defaultExecutor={choices.defaultExecutor}
        simulatedAllowed={choices.simulatedAllowed}
        mayEdit={mayManage}
      />

      <Card aria-labelledby="membership" className="mt-6">
        <CardHeader
          id="membership"
          title="Membership"
          description="Named members stay until removed; servers matching the member query join and leave as the fleet changes."
        />
        <CardBody className="space-y-5">
          <div className="text-sm text-slate-700" data-testid="member-query">
            <span className="font-medium text-slate-800">Member query: </span>
            {template.memberQuery ? (
              Object.entries(template.memberQuery).map(([k, v]) => (
                <Badge key={k} tone="info" className="mr-1">
                  {k} = {Array.isArray(v) ? v.join(", ") : String(v)}
                </Badge>
              ))
            ) : (
              <span className="text-slate-500">none: named members only.</span>
            )}
          </div>
          {mayManage ? (
            <div className="grid gap-6 lg:grid-cols-2">
              <div>
                <h3 className="mb-2 text-sm font-semibold text-slate-800">Member query</h3>
                <MemberQueryForm
                  template={{ id: template.id, revision: template.revision }}
                  query={template.memberQuery}
                  choices={{
                    kinds: Object.keys(KINDS).map((k) => [k, KIND_LABELS[k as keyof typeof KINDS]] as const),
                    teams: teams.map((t) => [t.slug, t.name] as const),
                    environments: Object.keys(ENVIRONMENTS).map((e) => [e, e] as const),
                  }}
                />
              </div>
              <div>
                <AddMembersForm template={{ id: template.id, revision: template.revision }} />
              </div>
            </div>
          ) : (
            <p className="text-sm text-slate-500">Only admins change a template&apos;s members.</p>
          )}
        </CardBody>
      </Card>

      <Card aria-labelledby="members" className="mt-6">
        <CardHeader
          id="members"
          title="Member list"
          action={
            <FilterTabs
              label="Filter members by state"
              values={STATES}
              current={filter.state ?? null}
              labels={MEMBER_STATE_LABELS}
              href={(s) => href({ state: s, after: null })}
            />
          }
        />
        {page.members.length === 0 ? (
          <CardBody>
            <p className="text-sm text-slate-500">No member {filter.state ? `is ${MEMBER_STATE_LABELS[filter.state].toLowerCase()}` : "yet"}.</p>
          </CardBody>
        ) : (
          <Table caption="Members of the template">
            <thead>
              <tr>
                <Th>Member</Th>
                <Th>Version</Th>
                <Th>State</Th>
                <Th>Last attempt</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100" data-testid="members">
              {page.members.map((m) => (
                <tr key={m.id}>
                  <Td>
                    {m.kind === "resource" ? (
                      <Link href={`/resources/${encodeURIComponent(m.name)}`} className="text-indigo-700 hover:underline">
                        {m.name}
                      </Link>
                    ) : (
                      <span>{m.name}</span>
                    )}
                    <span className="ml-2 text-xs text-slate-500">{m.kind}</span>
                    {m.viaQuery ? (
                      <Badge tone="info" className="ml-2">
                        via query
                      </Badge>
                    ) : mayManage ? (
                      <span className="ml-2">
                        <RemoveMemberButton template={{ id: template.id, revision: template.revision }} name={m.name} />
                      </span>
                    ) : null}
                  </Td>
                  <Td className="font-mono text-xs">{m.currentVersion}</Td>
                  <Td>
                    <MemberStateBadge state={m.state} />
                    {m.lastError ? <p className="mt-1 max-w-md text-xs text-rose-700">{m.lastError}</p> : null}
                  </Td>
                  <Td className="tabular-nums text-xs text-slate-600">{m.lastAttemptAt ? `${formatDateTime(m.lastAttemptAt, "UTC")} UTC` : "—"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <div className="px-5 pb-4">
          <Pager firstHref={filter.after ? href({ after: null }) : null} nextHref={page.next ? href({ after: page.next }) : null} />
        </div>
      </Card>

      <Card aria-labelledby="member-history" className="mt-6">
        <CardHeader id="member-history" title="Member history" description="Who joined or left, and when: named by a person, or through the member query." />
        {history.events.length === 0 ? (
          <CardBody>
            <p className="text-sm text-slate-500">No member has joined or left yet.</p>
          </CardBody>
        ) : (
          <Table caption="Member history">
            <thead>
              <tr>
                <Th>When</Th>
                <Th>Member</Th>
                <Th>What</Th>
                <Th>How</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100" data-testid="member-history">
              {history.events.map((e) => (
                <tr key={e.id}>
                  <Td className="tabular-nums text-xs text-slate-600">{formatDateTime(e.at, "UTC")} UTC</Td>
                  <Td>{e.memberLabel}</Td>
                  <Td>
                    <Badge tone={e.action === "JOINED" ? "success" : e.action === "LEFT" ? "neutral" : "warning"}>
                      {e.action === "JOINED" ? "Joined" : e.action === "LEFT" ? "Left" : "Refused"}
                    </Badge>
                    {e.reason ? <p className="mt-1 max-w-md text-xs text-slate-600">{e.reason}</p> : null}
                  </Td>
                  <Td className="text-xs text-slate-600">
                    {e.viaQuery ? (e.actorLabel === QUERY_ACTOR.label ? "via query" : `via query, saved by ${e.actorLabel}`) : `by ${e.actorLabel}`}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <div className="px-5 pb-4">
          <Pager
            firstHref={eventsFrom.success && eventsFrom.data ? withQuery(`/templates/${template.id}`, {}, "#member-history") : null}
            nextHref={history.next ? withQuery(`/templates/${template.id}`, { events: history.next }, "#member-history") : null}
          />
        </div>
      </Card>
    </>
  );
}

/** The current (or last) run's executions: their own reads, streamed in their <Suspense>. */
async function TemplateExecutions({
  user,
  templateId,
  run,
  exec,
  zone,
}: {
  user: CurrentUser;
  templateId: string;
  run: Parameters<typeof RunExecutionsPanel>[0]["run"] & { id: string };
  exec: { state: ReturnType<typeof stateParam>; after: string | undefined };
  zone: string;
}) {
  const [counts, page] = await Promise.all([
    countRunExecutions(templateId, run.id, readableTeams(user)),
    listRunExecutions(templateId, run.id, readableTeams(user), { state: exec.state ?? undefined, after: exec.after }),
  ]);
  return (
    <RunExecutionsPanel
      templateId={templateId}
      run={run}
      state={exec.state}
      after={exec.after ?? null}
      counts={counts}
      rows={page.rows}
      next={page.next}
      viewerZone={zone}
      {...recordingRights(user, page.rows)}
    />
  );
}
