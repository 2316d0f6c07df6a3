import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { NewSourceForm } from "@/components/admin/inventory-forms";
import { Badge, type Tone } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listSources } from "@/lib/data/inventory";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Inventory sources" };

const SYNC_TONES: Record<string, Tone> = { APPLIED: "success", FAILED: "danger", PREVIEW: "warning", RUNNING: "info", DISCARDED: "neutral" };

export default async function InventorySourcesPage() {
  const user = await requireUser();
  if (!can(user, { action: "inventory:manage" })) notFound();
  const sources = await listSources();
  return (
    <>
      <PageHeader
        title="Inventory sources"
        description="Servers synced from an Ansible inventory (static YAML or INI, or a dynamic plugin such as NetBox, AWS EC2 or VMware) or from NetBox's API. A sync shows what it would add, change and retire before it is applied; it never changes a server's patch group or exclusion, and a server gone from its source is retired, never deleted."
      />
      <div className="grid grid-cols-1 gap-6">
        {sources.length === 0 ? (
          <EmptyState title="No inventory sources yet">Add one below: its servers join the fleet at its first sync.</EmptyState>
        ) : (
          <Card>
            <Table caption="Inventory sources">
              <thead>
                <tr>
                  <Th>Source</Th>
                  <Th>Kind</Th>
                  <Th>Servers</Th>
                  <Th>Schedule</Th>
                  <Th>Last sync</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100" data-testid="inventory-sources">
                {sources.map((s) => (
                  <tr key={s.id}>
                    <Td>
                      <Link href={`/admin/inventory/${s.id}`} className="font-medium text-indigo-700 hover:underline">
                        {s.name}
                      </Link>
                    </Td>
                    <Td>{s.kind === "ansible" ? "Ansible" : "NetBox"}</Td>
                    <Td className="tabular-nums">
                      {s.servers}
                      {s.retiredServers ? <span className="block text-xs text-slate-500">{s.retiredServers} retired</span> : null}
                    </Td>
                    <Td className="text-xs">
                      {s.intervalMinutes ? `every ${s.intervalMinutes} min${s.autoApply ? ", applied" : ", previewed"}` : "on demand"}
                    </Td>
                    <Td className="text-xs">
                      {s.lastSync ? (
                        <>
                          <Badge tone={SYNC_TONES[s.lastSync.state] ?? "neutral"}>{s.lastSync.state.toLowerCase()}</Badge>{" "}
                          <span className="tabular-nums">{formatDateTime(s.lastSync.startedAt, "UTC")} UTC</span>
                          {s.lastSync.error ? <span className="block text-rose-700">{s.lastSync.error}</span> : null}
                        </>
                      ) : (
                        "never"
                      )}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Card>
        )}
        <Card aria-labelledby="new-source-heading">
          <CardHeader id="new-source-heading" title="Add a source" description="It starts with an example mapping, which you adjust and preview on its page." />
          <CardBody>
            <NewSourceForm />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
