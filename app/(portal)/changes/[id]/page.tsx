import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ChangeStateBadge } from "@/components/changes/change-state-badge";
import { DecisionForm } from "@/components/changes/decision-form";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { PageHeader } from "@/components/ui/page-header";
import { TimeRange } from "@/components/ui/time";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { scopeDrift, type ScopeDrift } from "@/lib/data/change-binding";
import { getChange } from "@/lib/data/change-requests";
import { formatDateTime } from "@/lib/format";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "Change request" };

export default async function ChangePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const change = id.length <= 40 ? await getChange(id) : null;
  if (!change) notFound();
  const [zone, drift] = await Promise.all([viewerTimeZone(), change.approvedStart ? scopeDrift(change) : null]);
  const prepares = can(user, { action: change.party ? "party:manage" : "template:manage" });
  const decides = can(user, { action: "change:decide" }) && change.requestedById !== user.id;
  const intents = [
    ...(change.state === "DRAFT" && prepares ? (["submit"] as const) : []),
    ...(change.state === "SUBMITTED" && decides ? (["approve", "reject"] as const) : []),
    ...(change.state === "REJECTED" && prepares ? (["reopen"] as const) : []),
  ];
  const subject = change.party ? (
    <Link href={`/parties/${change.party.tag}/production`} className="text-indigo-700 underline">
      Patch Party {change.party.tag} (production)
    </Link>
  ) : change.template ? (
    <Link href={`/templates/${change.template.id}`} className="text-indigo-700 underline">
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
      {change.driftNote && change.state === "SUBMITTED" ? (
        <div className="mb-6" data-testid="drift-note">
          <Alert tone="warning">
            <strong>Moved since it was approved.</strong> {change.driftNote} Until then its {change.party ? "party" : "upgrade"} does not start.
          </Alert>
        </div>
      ) : null}
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
              {change.approvedStart && change.approvedEnd ? (
                <div>
                  <dt className="font-medium text-slate-800">Window approved</dt>
                  <dd className="mt-1">
                    <TimeRange start={change.approvedStart} end={change.approvedEnd} viewerZone={zone} withDate />
                  </dd>
                </div>
              ) : null}
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
      {drift ? <ScopeSinceApproval drift={drift} members={!change.party} /> : null}
    </>
  );
}

const names = (list: string[], count: number) =>
  count === 0 ? "None" : `${list.join(", ")}${count > list.length ? ` and ${(count - list.length).toLocaleString("en")} more` : ""}`;

/** How the resources in scope drifted since the approval, per group. */
function ScopeSinceApproval({ drift, members }: { drift: ScopeDrift[]; members: boolean }) {
  const changed = drift.some((d) => d.addedCount || d.removedCount);
  return (
    <Card aria-labelledby="scope-drift" className="mt-6">
      <CardHeader
        id="scope-drift"
        title="Scope since approval"
        description={changed ? "Resources that joined or left since the approver signed off." : "The same resources as when it was approved."}
      />
      {drift.length ? (
        <Table caption="Resources added and removed since the approval">
          <thead>
            <tr>
              <Th>{members ? "Members" : "Group"}</Th>
              <Th className="text-right">When approved</Th>
              <Th className="text-right">Now</Th>
              <Th>Added</Th>
              <Th>Removed</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100" data-testid="scope-drift">
            {drift.map((d) => (
              <tr key={d.group}>
                <Td>{members ? "Template members" : `Group ${d.group}`}</Td>
                <Td className="text-right tabular-nums">{d.approved.toLocaleString("en")}</Td>
                <Td className="text-right tabular-nums">{d.now.toLocaleString("en")}</Td>
                <Td className="break-words">
                  {d.addedCount ? `+${d.addedCount.toLocaleString("en")}: ` : ""}
                  {names(d.added, d.addedCount)}
                </Td>
                <Td className="break-words">
                  {d.removedCount ? `−${d.removedCount.toLocaleString("en")}: ` : ""}
                  {names(d.removed, d.removedCount)}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : (
        <CardBody>
          <p className="text-sm text-slate-500">Nothing was in scope when it was approved, and nothing is now.</p>
        </CardBody>
      )}
    </Card>
  );
}
