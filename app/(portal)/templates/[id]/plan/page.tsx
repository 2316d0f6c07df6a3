import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PlanForm } from "@/components/templates/plan-form";
import { MemberStateBadge } from "@/components/templates/state-badge";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { can, readableTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getTemplatePlan, UNPLANNED } from "@/lib/data/upgrade-plans";
import type { MemberStateName } from "@/lib/domain/templates";
import { formatMinutes } from "@/lib/format";

export const metadata: Metadata = { title: "Upgrade plan" };

/** Keeps very short stages visible on the timeline. */
const MIN_BAR_PERCENT = 1.5;

export default async function TemplatePlanPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const data = id.length <= 40 ? await getTemplatePlan(id, new Date(), readableTeams(user)) : null;
  if (!data) notFound();
  const { template, plan, components, members, windowMinutes } = data;
  const stages = plan?.stages.filter((s) => s.component !== UNPLANNED || s.lanes.length > 0) ?? [];
  const total = plan?.totalMinutes ?? 0;
  const scale = Math.max(total, windowMinutes ?? 0, 1);
  const fits = windowMinutes === null || total <= windowMinutes;

  return (
    <>
      <Breadcrumb parent={{ href: `/templates/${template.id}`, label: template.name }} current="Upgrade plan" />
      <PageHeader
        title={`Upgrade plan: ${template.name}`}
        description="Components in order; independent server types side by side; a cluster one node at a time, secondary first. The rollout engine starts members in this order."
      />
      {plan ? (
        <div className="space-y-6">
          <Card aria-labelledby="timeline">
            <CardHeader
              id="timeline"
              title="Expected window"
              description={`Sum of each component's longest lane. ${windowMinutes !== null ? `The policy's next window (${template.policy.name}) is ${formatMinutes(windowMinutes)}.` : ""}`}
              action={<Badge tone={fits ? "success" : "danger"}>{formatMinutes(total)} in all</Badge>}
            />
            <CardBody className="space-y-2">
              {!fits ? (
                <Alert tone="warning">
                  The plan needs {formatMinutes(total)}, longer than the {formatMinutes(windowMinutes!)} window: what does not finish waits for the next window.
                </Alert>
              ) : null}
              <ol className="space-y-2" aria-label="Stages on a timeline" data-testid="plan-timeline">
                {stages.map((stage, i) => (
                  <li key={stage.component} className="grid grid-cols-[10rem_1fr] items-center gap-3 text-sm">
                    <span className="truncate font-medium text-slate-800">
                      {i + 1}. {stage.component}
                    </span>
                    <div className="relative h-7 rounded bg-slate-100">
                      <div
                        className="absolute inset-y-0 flex items-center overflow-hidden rounded bg-indigo-600 px-2 text-xs whitespace-nowrap text-white"
                        style={{ left: `${(stage.startsAtMinute / scale) * 100}%`, width: `${Math.max(MIN_BAR_PERCENT, (stage.minutes / scale) * 100)}%` }}
                      >
                        {formatMinutes(stage.minutes)}
                      </div>
                    </div>
                  </li>
                ))}
                {windowMinutes !== null ? (
                  <li className="grid grid-cols-[10rem_1fr] items-center gap-3 text-xs text-slate-500">
                    <span>Window</span>
                    <div className="relative h-2 rounded bg-teal-100">
                      <div className="absolute inset-y-0 left-0 rounded bg-teal-500" style={{ width: `${(windowMinutes / scale) * 100}%` }} />
                    </div>
                  </li>
                ) : null}
              </ol>
            </CardBody>
          </Card>

          {stages.map((stage, i) => (
            <Card key={stage.component} aria-labelledby={`stage-${i}`}>
              <CardHeader
                id={`stage-${i}`}
                title={`${i + 1}. ${stage.component === UNPLANNED ? "Not in the plan (last)" : stage.component}`}
                description={`From minute ${stage.startsAtMinute}, ${formatMinutes(stage.minutes)}. ${stage.lanes.length > 1 ? `${stage.lanes.length} server types side by side.` : ""}`}
              />
              <CardBody>
                <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
                  {stage.lanes.map((lane) => (
                    <section key={lane.serverType} aria-label={`${stage.component}: ${lane.serverType}`} className="rounded-lg border border-slate-200 p-3">
                      <h3 className="text-sm font-semibold text-slate-800">{lane.serverType}</h3>
                      <p className="text-xs text-slate-500">{formatMinutes(lane.minutes)}</p>
                      <ol className="mt-2 space-y-2">
                        {lane.steps.map((step, s) => (
                          <li key={s} className="text-sm">
                            <div className="text-xs font-medium text-slate-500">
                              Step {s + 1}
                              {step.cluster ? ` · ${step.cluster}, one node` : " · standalone, together"} · {formatMinutes(step.minutes)}
                            </div>
                            <ul className="mt-1 space-y-1">
                              {step.servers.map((name) => (
                                <li key={name} className="flex items-center justify-between gap-2">
                                  {members[name]?.isResource ? (
                                    <Link
                                      href={`/resources/${encodeURIComponent(name)}`}
                                      className="truncate font-mono text-xs text-indigo-700 hover:underline"
                                    >
                                      {name}
                                    </Link>
                                  ) : (
                                    <span className="truncate font-mono text-xs">{name}</span>
                                  )}
                                  {members[name] ? <MemberStateBadge state={members[name].state as MemberStateName} /> : null}
                                </li>
                              ))}
                              {step.others ? (
                                <li className="text-xs text-slate-500">
                                  {step.servers.length ? "and " : ""}
                                  {step.others} {step.others === 1 ? "server" : "servers"} of other teams
                                </li>
                              ) : null}
                            </ul>
                          </li>
                        ))}
                      </ol>
                    </section>
                  ))}
                </div>
              </CardBody>
            </Card>
          ))}
        </div>
      ) : (
        <EmptyState title="No upgrade plan">
          Members are upgraded in any order, up to the template's concurrency at once.
          {can(user, { action: "template:manage" }) ? " Write the components below to order them." : ""}
        </EmptyState>
      )}
      {can(user, { action: "template:manage" }) ? (
        <Card aria-labelledby="edit-plan" className="mt-6">
          <CardHeader id="edit-plan" title="Components" description="Edit the order and the expected downtime of each component." />
          <CardBody>
            <PlanForm template={{ id: template.id, revision: template.revision }} components={components} />
          </CardBody>
        </Card>
      ) : null}
    </>
  );
}
