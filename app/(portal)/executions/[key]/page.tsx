import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ExecutionStateBadge, ExecutorBadge } from "@/components/executions/execution-badges";
import { HealthFact, OutputDetails, PackageChanges, RebootFact } from "@/components/executions/execution-facts";
import { isOpen } from "@/components/executions/labels";
import { ManualOutcomeControls, type TargetFields } from "@/components/executions/manual-outcome-controls";
import { Alert } from "@/components/ui/alert";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Instant } from "@/components/ui/time";
import { can, readableTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getExecution } from "@/lib/data/executions";
import { decodeParam } from "@/lib/validation/common";
import { viewerTimeZone } from "@/lib/viewer";

type Params = { params: Promise<{ key: string }> };

export const metadata: Metadata = { title: "Execution" };

/** The page lists this many packages; the executions API has them all. */
const PACKAGES_SHOWN = 500;

function Fact({ label, children, wide = false }: { label: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "sm:col-span-2" : undefined}>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-800">{children}</dd>
    </div>
  );
}

export default async function ExecutionPage({ params }: Params) {
  const user = await requireUser();
  const key = decodeParam((await params).key);
  const [execution, zone] = await Promise.all([getExecution(key, readableTeams(user)), viewerTimeZone()]);
  if (!execution) notFound();
  const e = execution;
  const runPage = e.party
    ? {
        href: `/parties/${e.party.tag}/${e.party.kind}?slot=${e.party.group}#executions`,
        label: `${e.party.tag} ${e.party.kind === "qa" ? "QA" : "production"}, group ${e.party.group}`,
      }
    : e.template
      ? { href: `/templates/${e.template.id}#executions`, label: `Template ${e.template.name}` }
      : null;
  const target: TargetFields | null = e.party
    ? { scope: "slot", tag: e.party.tag, kind: e.party.kind, group: String(e.party.group) }
    : e.template
      ? { scope: "template", templateId: e.template.id }
      : null;
  const mayRecord = target !== null && isOpen(e.state) && can(user, { action: "execution:report", target: { teamId: e.resource?.teamId ?? null } });
  return (
    <>
      <Breadcrumb parent={runPage ?? { href: "/resources", label: "Resources" }} current={e.memberName} />
      <PageHeader
        title={e.memberName}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <ExecutionStateBadge state={e.state} />
            <ExecutorBadge executor={e.executor} />
            {e.party && runPage ? (
              <span>
                Part of{" "}
                <Link href={runPage.href} className="text-indigo-700 underline">
                  {runPage.label}
                </Link>
                {e.fromVersion ? (
                  <>
                    {" "}
                    (version before: <span className="font-mono">{e.fromVersion}</span>)
                  </>
                ) : null}
                .
              </span>
            ) : (
              <span>
                Upgrade from <span className="font-mono">{e.fromVersion || "?"}</span> to <span className="font-mono">{e.toVersion}</span>
                {runPage ? (
                  <>
                    {" "}
                    in{" "}
                    <Link href={runPage.href} className="text-indigo-700 underline">
                      {runPage.label}
                    </Link>
                  </>
                ) : null}
                .
              </span>
            )}
          </span>
        }
      />
      {e.executor === "simulated" ? (
        <div className="mb-6">
          <Alert tone="warning">Simulated: no server was touched. This outcome is made up, for the demo and the tests.</Alert>
        </div>
      ) : null}
      {mayRecord && target ? (
        <Card aria-labelledby="record" className="mb-6">
          <CardHeader
            id="record"
            title="Record the outcome"
            description="Nothing reports on this member by itself (or you know better): say how its upgrade went."
          />
          <ManualOutcomeControls
            target={target}
            count={1}
            memberKey={e.key}
            memberName={e.memberName}
            label={`${e.memberName} is ${e.state === "QUEUED" ? "waiting for an outcome" : "running"}.`}
          />
        </Card>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card aria-labelledby="recorded" className="lg:col-span-2">
          <CardHeader id="recorded" title="What was recorded" />
          <CardBody>
            <dl className="grid gap-4 sm:grid-cols-2" data-testid="execution-facts">
              <Fact label="Started">{e.startedAt ? <Instant at={e.startedAt} viewerZone={zone} /> : <span className="text-slate-500">not yet</span>}</Fact>
              <Fact label="Finished">
                {e.finishedAt ? <Instant at={e.finishedAt} viewerZone={zone} /> : <span className="text-slate-500">no outcome yet</span>}
              </Fact>
              <Fact label="Exit status">
                {e.exitStatus !== null ? <span className="font-mono">{e.exitStatus}</span> : <span className="text-slate-500">not reported</span>}
              </Fact>
              <Fact label="Reboot">
                <RebootFact required={e.rebootRequired} rebooted={e.rebooted} />
              </Fact>
              <Fact label="Health check">
                <HealthFact healthCheck={e.healthCheck} />
              </Fact>
              <Fact label="Reported by">{e.reportedBy ?? <span className="text-slate-500">nobody yet</span>}</Fact>
              <Fact label="Message" wide>
                {e.message ? (
                  <span className={e.state === "FAILED" ? "text-rose-700" : undefined}>{e.message}</span>
                ) : (
                  <span className="text-slate-500">none</span>
                )}
              </Fact>
            </dl>
          </CardBody>
        </Card>
        <Card aria-labelledby="member">
          <CardHeader id="member" title="Member" />
          <CardBody>
            <dl className="grid gap-4">
              <Fact label="Resource">
                {e.resource ? (
                  <Link href={`/resources/${encodeURIComponent(e.resource.name)}`} className="row-link-mono">
                    {e.resource.name}
                  </Link>
                ) : (
                  <span>{e.memberName} (a cluster)</span>
                )}
              </Fact>
              <Fact label="Address">{e.address ? <span className="font-mono">{e.address}</span> : <span className="text-slate-500">none</span>}</Fact>
              <Fact label="Queued">
                <Instant at={e.createdAt} viewerZone={zone} />
              </Fact>
              <Fact label="Outcome due by">
                <Instant at={e.deadline} viewerZone={zone} />
              </Fact>
              <Fact label="Key">
                <code className="break-all font-mono text-xs text-slate-700">{e.key}</code>
              </Fact>
            </dl>
          </CardBody>
        </Card>
      </div>
      <Card aria-labelledby="packages" className="mt-6">
        <CardHeader
          id="packages"
          title={`Packages changed (${e.packages.length.toLocaleString("en")})`}
          description={e.packages.length > PACKAGES_SHOWN ? `The first ${PACKAGES_SHOWN}; GET /api/v1/executions/{key} has them all.` : undefined}
        />
        <CardBody>
          <PackageChanges packages={e.packages} limit={PACKAGES_SHOWN} />
        </CardBody>
      </Card>
      <Card aria-labelledby="output" className="mt-6">
        <CardHeader id="output" title="Output" description="The last 64 kB the executor sent, secrets redacted." />
        <CardBody>
          <OutputDetails output={e.output} length={e.output?.length ?? 0} open />
        </CardBody>
      </Card>
    </>
  );
}
