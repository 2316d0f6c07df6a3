import type { Metadata } from "next";
import { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { ButtonLink, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClass } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { listResources } from "@/lib/data/resources";

export const metadata: Metadata = { title: "Resources" };

const SearchSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  after: z.string().max(300).optional().catch(undefined),
});

const KIND_LABELS: Record<string, string> = {
  SERVER: "Server",
  VM: "VM",
  HYPERVISOR: "Hypervisor",
  CONTAINER_NODE: "Container node",
  DATABASE_NODE: "Database node",
  BROKER_NODE: "Broker node",
  STORAGE_NODE: "Storage node",
  VIRTUAL_APPLIANCE: "Virtual appliance",
};

export default async function ResourcesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const { q, after } = SearchSchema.parse(await searchParams);
  const { rows, next } = await listResources({ q: q || undefined, after });
  const nextHref = next ? `/resources?${new URLSearchParams({ ...(q ? { q } : {}), after: next })}` : null;
  return (
    <>
      <PageHeader title="Resources" description="Every server, VM, node and appliance in the fleet, with its patch group and patch state." />
      <form role="search" className="mb-4 flex max-w-lg gap-2" action="/resources">
        <label htmlFor="resource-search" className="sr-only">
          Name starts with
        </label>
        <input id="resource-search" name="q" defaultValue={q} placeholder="Name starts with… (e.g. prd-payments)" className={inputClass} />
        <button type="submit" className={buttonClass("secondary")}>
          Search
        </button>
      </form>
      {rows.length === 0 ? (
        <EmptyState title="No resources match">Try the beginning of another name.</EmptyState>
      ) : (
        <Card>
          <Table caption="Resources">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Kind</Th>
                <Th>Environment</Th>
                <Th>Team</Th>
                <Th>Cluster</Th>
                <Th>Group</Th>
                <Th>Patching</Th>
                <Th>Last patch</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.id}>
                  <Td className="font-mono text-xs text-slate-900">{r.name}</Td>
                  <Td>{KIND_LABELS[r.kind] ?? r.kind}</Td>
                  <Td>
                    <Badge tone={r.environment === "PRODUCTION" ? "production" : "qa"}>{r.environment === "PRODUCTION" ? "production" : "non-production"}</Badge>
                  </Td>
                  <Td>{r.team.name}</Td>
                  <Td className="font-mono text-xs">{r.cluster?.name ?? "–"}</Td>
                  <Td>{r.patchGroup}</Td>
                  <Td>{r.excluded ? <Badge tone="warning">excluded</Badge> : <Badge tone="success">included</Badge>}</Td>
                  <Td>
                    {r.lastPatchTag ?? "never"}
                    {r.lastOutcome === "FAILED" ? (
                      <Badge tone="danger" className="ml-2">
                        failed last time
                      </Badge>
                    ) : null}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <nav aria-label="Pages" className="mt-4 flex gap-2">
        {after ? <ButtonLink href={q ? `/resources?q=${encodeURIComponent(q)}` : "/resources"}>First page</ButtonLink> : null}
        {nextHref ? <ButtonLink href={nextHref}>Next page</ButtonLink> : null}
      </nav>
    </>
  );
}
