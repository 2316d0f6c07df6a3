import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { can } from "@/lib/auth/permissions";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { listPolicies } from "@/lib/data/policies";

export const metadata: Metadata = { title: "Maintenance policies" };

export default async function PoliciesPage() {
  const user = await requireUser();
  const policies = await listPolicies();
  return (
    <>
      <PageHeader
        title="Maintenance policies"
        description="When fleets such as container clusters and PaaS templates are upgraded: upgrade schedules in UTC, each with a window of 1 to 24 hours."
        actions={
          can(user, { action: "policy:create" }) ? (
            <ButtonLink href="/policies/new" variant="primary">
              New policy
            </ButtonLink>
          ) : null
        }
      />
      {policies.length === 0 ? (
        <EmptyState title="No maintenance policies yet">Policies and the templates that use them will be listed here.</EmptyState>
      ) : (
        <Card>
          <Table caption="Maintenance policies">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Tags</Th>
                <Th className="text-right">Schedules</Th>
                <Th className="text-right">Templates</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {policies.map((p) => (
                <tr key={p.id}>
                  <Td>
                    <Link href={`/policies/${p.id}`} className="row-link">
                      {p.name}
                    </Link>
                  </Td>
                  <Td>
                    <div className="flex flex-wrap gap-1">
                      {p.tags.map((t) => (
                        <Badge key={t}>{t}</Badge>
                      ))}
                    </div>
                  </Td>
                  <Td className="text-right tabular-nums">{p._count.schedules}</Td>
                  <Td className="text-right tabular-nums">{p._count.templates}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
