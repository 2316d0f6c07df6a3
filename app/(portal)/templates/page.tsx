import type { Metadata } from "next";
import Link from "next/link";
import { SyncBar, TemplateStateBadge } from "@/components/templates/state-badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listTemplates, nextWindowsByPolicy } from "@/lib/data/templates";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Fleet templates" };

export default async function TemplatesPage() {
  const user = await requireUser();
  const now = new Date();
  const [templates, windows] = await Promise.all([listTemplates(), nextWindowsByPolicy(now)]);
  return (
    <>
      <PageHeader
        title="Fleet templates"
        description="Fleets of clusters or resources that must share one version. Each follows one maintenance policy: a new target version is rolled out in its next upgrade window, a few members at a time."
        actions={
          can(user, { action: "template:manage" }) ? (
            <ButtonLink href="/templates/new" variant="primary">
              New template
            </ButtonLink>
          ) : null
        }
      />
      {templates.length === 0 ? (
        <EmptyState title="No fleet templates yet">Templates, their target versions and their members’ progress will be listed here.</EmptyState>
      ) : (
        <Card>
          <Table caption="Fleet templates">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Policy</Th>
                <Th>Target version</Th>
                <Th>State</Th>
                <Th>On target</Th>
                <Th>Next window (UTC)</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {templates.map((t) => (
                <tr key={t.id}>
                  <Td>
                    <Link href={`/templates/${t.id}`} className="row-link">
                      {t.name}
                    </Link>
                  </Td>
                  <Td>
                    <Link href={`/policies/${t.policyId}`} className="text-slate-700 hover:underline">
                      {t.policyName}
                    </Link>
                  </Td>
                  <Td className="font-mono text-xs">{t.targetVersion}</Td>
                  <Td>
                    <TemplateStateBadge state={t.state} />
                  </Td>
                  <Td>
                    <SyncBar onTarget={t.onTarget} total={t.members} label={`${t.name}: members on ${t.targetVersion}`} />
                  </Td>
                  <Td className="tabular-nums text-xs text-slate-600">
                    {windows.get(t.policyId) ? formatDateTime(windows.get(t.policyId)!.start, "UTC") : "—"}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
