import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ChangeStateBadge } from "@/components/changes/change-state-badge";
import { DecisionForm } from "@/components/changes/decision-form";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { TimeRange } from "@/components/ui/time";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getChange } from "@/lib/data/change-requests";
import { formatDateTime } from "@/lib/format";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "Change request" };

export default async function ChangePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const change = id.length <= 40 ? await getChange(id) : null;
  if (!change) notFound();
  const zone = await viewerTimeZone();
  const prepares = can(user, { action: change.party ? "party:manage" : "template:manage" });
  const decides = can(user, { action: "change:decide" }) && change.requestedById !== user.id;
  const intents = [
    ...(change.state === "DRAFT" && prepares ? (["submit"] as const) : []),
    ...(change.state === "SUBMITTED" && decides ? (["approve", "reject"] as const) : []),
    ...(change.state === "REJECTED" && prepares ? (["reopen"] as const) : []),
  ];
  const subject = change.party ? (
    <Link href={`/parties/${change.party.tag}/production`} className="text-indigo-700 hover:underline">
      Patch Party {change.party.tag} (production)
    </Link>
  ) : change.template ? (
    <Link href={`/templates/${change.template.id}`} className="text-indigo-700 hover:underline">
      {change.template.name}
    </Link>
  ) : null;
  return (
    <>
      <Breadcrumb parent={{ href: "/changes", label: "Changes" }} current={change.title} />
      <PageHeader
        title={change.title}
        description={
          <span>
            For {subject}. Requested by {change.requestedBy} on {formatDateTime(change.createdAt, "UTC")} UTC.
          </span>
        }
        actions={<ChangeStateBadge state={change.state} />}
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card aria-labelledby="plan" className="lg:col-span-2">
          <CardHeader id="plan" title="The change" />
          <CardBody>
            <dl className="space-y-4 text-sm">
              <div>
                <dt className="font-medium text-slate-800">Planned window</dt>
                <dd className="mt-1">
                  <TimeRange start={change.plannedStart} end={change.plannedEnd} viewerZone={zone} withDate />
                </dd>
              </div>
              {(
                [
                  ["Rollback plan", change.rollbackPlan],
                  ["Acceptance criteria", change.acceptanceCriteria],
                  ["Contacts", change.contacts || "None listed."],
                ] as const
              ).map(([label, text]) => (
                <div key={label}>
                  <dt className="font-medium text-slate-800">{label}</dt>
                  <dd className="mt-1 whitespace-pre-line text-slate-700">{text}</dd>
                </div>
              ))}
            </dl>
          </CardBody>
        </Card>
        <Card aria-labelledby="decision">
          <CardHeader id="decision" title="Decision" />
          <CardBody className="space-y-4 text-sm">
            {change.decidedBy ? (
              <p data-testid="decision">
                <ChangeStateBadge state={change.state} /> by {change.decidedBy}
                {change.decidedAt ? ` on ${formatDateTime(change.decidedAt, "UTC")} UTC` : ""}: “{change.decisionComment}”
              </p>
            ) : (
              <p className="text-slate-500">{change.state === "SUBMITTED" ? "Waiting for an approver." : "Not submitted yet."}</p>
            )}
            {intents.length ? <DecisionForm id={change.id} revision={change.revision} intents={[...intents]} /> : null}
            {change.state === "SUBMITTED" && can(user, { action: "change:decide" }) && !decides ? (
              <p className="text-slate-500">You requested this change, so another approver decides it.</p>
            ) : null}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
