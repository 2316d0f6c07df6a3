import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { toDraft } from "@/components/policies/drafts";
import { PolicyForm } from "@/components/policies/policy-form";
import { Badge } from "@/components/ui/badge";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getPolicy, previewWindows, storedSchedules } from "@/lib/data/policies";
import { formatDateTime, zoneAbbreviation } from "@/lib/format";
import { viewerTimeZone } from "@/lib/viewer";

type Params = { params: Promise<{ id: string }> };

export const metadata: Metadata = { title: "Maintenance policy" };

export default async function PolicyPage({ params }: Params) {
  const user = await requireUser();
  const { id } = await params;
  const policy = id.length <= 40 ? await getPolicy(id) : null;
  if (!policy) notFound();
  const zone = await viewerTimeZone();
  const now = new Date();
  const windows = previewWindows(storedSchedules(policy), now);
  const mayEdit = can(user, { action: "policy:edit" });
  return (
    <>
      <Breadcrumb parent={{ href: "/policies", label: "Policies" }} current={policy.name} />
      <PageHeader
        title={policy.name}
        description={
          <span className="flex flex-wrap gap-1">
            {policy.tags.map((t) => (
              <Badge key={t}>{t}</Badge>
            ))}
            <span className="ml-1">
              {policy.templates.length ? (
                <>
                  Used by{" "}
                  {policy.templates.map((t, i) => (
                    <span key={t.id}>
                      {i > 0 ? ", " : null}
                      <Link href={`/templates/${t.id}`} className="text-indigo-700 hover:underline">
                        {t.name}
                      </Link>
                    </span>
                  ))}
                  .
                </>
              ) : (
                "No template uses it yet."
              )}
            </span>
          </span>
        }
      />
      <div className="grid gap-6">
        <Card aria-labelledby="windows">
          <CardHeader id="windows" title="Next upgrade windows" description="Members of linked templates are upgraded gradually inside these windows." />
          {windows.length === 0 ? (
            <CardBody>
              <p className="text-sm text-slate-500">No schedule, so no window.</p>
            </CardBody>
          ) : (
            <Table caption="Next upgrade windows">
              <thead>
                <tr>
                  <Th>Schedule</Th>
                  <Th>Opens (UTC)</Th>
                  <Th>Closes (UTC)</Th>
                  {zone !== "UTC" ? <Th>Opens (your time)</Th> : null}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100" data-testid="policy-windows">
                {windows.map((w) => (
                  <tr key={`${w.scheduleId}-${w.start.toISOString()}`}>
                    <Td>{w.scheduleName}</Td>
                    <Td className="tabular-nums">{formatDateTime(w.start, "UTC")}</Td>
                    <Td className="tabular-nums">{formatDateTime(w.end, "UTC")}</Td>
                    {zone !== "UTC" ? (
                      <Td className="tabular-nums">
                        {formatDateTime(w.start, zone)} {zoneAbbreviation(w.start, zone)}
                      </Td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        {mayEdit ? (
          <Card aria-labelledby="edit">
            <CardHeader id="edit" title="Edit" />
            <CardBody>
              <PolicyForm
                policy={{ id: policy.id, name: policy.name, tags: policy.tags, revision: policy.revision, schedules: policy.schedules.map(toDraft) }}
                canDelete={can(user, { action: "policy:delete" })}
                viewerZone={zone}
              />
            </CardBody>
          </Card>
        ) : (
          <p className="text-sm text-slate-500">
            Only admins change policies.{" "}
            <Link href="/policies" className="text-indigo-700 underline hover:no-underline">
              Back to the policies
            </Link>
          </p>
        )}
      </div>
    </>
  );
}
