import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeleteSourceButton, HostErrorList, MappingEditor, PreviewSyncButton, SourceSettingsForm } from "@/components/admin/inventory-forms";
import { Badge, type Tone } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { RevokeButton } from "@/components/ui/revoke-button";
import { Table, Td, Th } from "@/components/ui/table";
import { applySyncAction, discardSyncAction } from "@/lib/actions/inventory";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { getSource, listPlanItems, listSyncs, type SyncView } from "@/lib/data/inventory";
import { listTeams } from "@/lib/data/users";
import type { PlanItem, PlanOp } from "@/lib/domain/inventory";
import { formatDateTime } from "@/lib/format";
import { EXAMPLE_MAPPING, EXAMPLE_NETBOX_MAPPING } from "@/lib/validation/inventory";

export const metadata: Metadata = { title: "Inventory source" };

const SYNC_TONES: Record<string, Tone> = { APPLIED: "success", FAILED: "danger", PREVIEW: "warning", RUNNING: "info", DISCARDED: "neutral" };
/** An inventory up to this size is shown in the settings to edit; a larger one is replaced whole (or through the API). */
const TEXT_SHOWN_MAX = 200_000;
/** A preview shows this many of each kind of change; the API pages through them all. */
const SHOWN = 50;
const OPS: { op: PlanOp; title: string }[] = [
  { op: "add", title: "To add" },
  { op: "change", title: "To change" },
  { op: "restore", title: "To restore (back in the source)" },
  { op: "retire", title: "To retire (gone from the source)" },
];

/** A planned field as a person reads it: the team's name, not its id; production, vm, not PRODUCTION, VM. */
function show(key: string, value: unknown, teams: ReadonlyMap<string, string>) {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.join(", ") || "—";
  const text = String(value);
  if (key === "teamId") return teams.get(text) ?? text;
  if (key === "environment") return text === "PRODUCTION" ? "production" : "non-production";
  if (key === "kind") return text.toLowerCase().replace(/_/g, "-");
  return text;
}

const FIELD_ORDER = ["teamId", "environment", "kind", "service", "cluster", "address", "tags", "group", "name"];
const fieldLabel = (key: string) => (key === "teamId" ? "team" : key);

function changes(item: PlanItem, teams: ReadonlyMap<string, string>) {
  if (item.op === "retire") return "retired: kept with its history, out of parties";
  const after: Record<string, unknown> = item.after ?? {};
  const before: Record<string, unknown> = item.before ?? {};
  const fields = Object.keys(after)
    .filter((k) => k !== "name" || item.op !== "add")
    .sort((a, b) => FIELD_ORDER.indexOf(a) - FIELD_ORDER.indexOf(b));
  if (!fields.length) return "back as it was";
  return fields
    .map((k) =>
      item.op === "add" ? `${fieldLabel(k)}: ${show(k, after[k], teams)}` : `${fieldLabel(k)}: ${show(k, before[k], teams)} → ${show(k, after[k], teams)}`,
    )
    .join("; ");
}

function Counts({ sync }: { sync: SyncView }) {
  const figures = [
    ["hosts", sync.hosts],
    ["to add", sync.added],
    ["to change", sync.changed - sync.restored],
    ["to restore", sync.restored],
    ["to retire", sync.retired],
    ["unchanged", sync.unchanged],
    ["errors", sync.hostErrors.length],
  ] as const;
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7" data-testid="sync-counts">
      {figures.map(([label, n]) => (
        <div key={label} className="rounded-md bg-slate-50 px-3 py-2">
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd className="text-lg font-semibold tabular-nums text-slate-900">{n}</dd>
        </div>
      ))}
    </dl>
  );
}

export default async function InventorySourcePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  if (!can(user, { action: "inventory:manage" })) notFound();
  const { id } = await params;
  const [source, syncs, teamRows] = await Promise.all([getSource(id), listSyncs(id, 20), listTeams(null)]);
  const teams = new Map(teamRows.map((t) => [t.id, t.name]));
  if (!source) notFound();
  const preview = syncs.find((s) => s.state === "PREVIEW") ?? null;
  const planPages = preview ? await Promise.all(OPS.map(async (o) => ({ ...o, ...(await listPlanItems(preview.id, o.op, 0, SHOWN)) }))) : [];
  const config =
    source.config.kind === "ansible"
      ? { fileName: source.config.fileName, text: source.config.text.length <= TEXT_SHOWN_MAX ? source.config.text : "" }
      : { url: source.config.url, filter: source.config.filter, objects: source.config.objects };
  const example = JSON.stringify(source.kind === "netbox" ? EXAMPLE_NETBOX_MAPPING : EXAMPLE_MAPPING, null, 2);
  return (
    <>
      <PageHeader
        title={source.name}
        description={
          <>
            {source.kind === "ansible"
              ? `Ansible inventory ${source.config.kind === "ansible" ? source.config.fileName : ""} (${source.config.kind === "ansible" ? source.config.lines : 0} lines), read with ansible-inventory.`
              : `NetBox at ${source.config.kind === "netbox" ? source.config.url : ""}.`}{" "}
            {source.servers} server(s) synced
            {source.retiredServers ? (
              <>
                {", "}
                <Link className="text-indigo-700 underline" href="/resources?retired=only">
                  {source.retiredServers} retired
                </Link>
              </>
            ) : null}
            .{" "}
            <Link className="text-indigo-700 underline" href="/admin/inventory">
              All sources
            </Link>
          </>
        }
        actions={<PreviewSyncButton sourceId={source.id} />}
      />
      <div className="grid grid-cols-1 gap-6">
        <Card aria-labelledby="preview-heading">
          <CardHeader
            id="preview-heading"
            title={preview ? "Preview: what a sync would do" : "Sync"}
            description={
              preview
                ? `Read ${formatDateTime(preview.startedAt, "UTC")} UTC by ${preview.actorLabel}. Apply writes it if the servers are still as they were then.`
                : "Preview a sync to see what it would add, change and retire before anything is written."
            }
          />
          <CardBody className="space-y-4">
            {preview ? (
              <>
                <Counts sync={preview} />
                <div className="flex flex-wrap gap-2">
                  <RevokeButton action={applySyncAction} id={`${source.id}:${preview.id}`} label="this preview" verb="Apply" variant="primary" />
                  <RevokeButton action={discardSyncAction} id={`${source.id}:${preview.id}`} label="this preview" verb="Discard" variant="ghost" />
                </div>
                {planPages
                  .filter((p) => p.total > 0)
                  .map((p) => (
                    <div key={p.op}>
                      <h3 className="text-sm font-medium text-slate-900">
                        {p.title} ({p.total}){p.total > p.items.length ? `: the first ${p.items.length}, the API lists them all` : ""}
                      </h3>
                      <ul className="mt-1 space-y-1 text-sm" data-testid={`plan-${p.op}`}>
                        {p.items.map((item) => (
                          <li key={item.externalId} className="break-words">
                            <span className="font-mono text-xs font-medium">{item.name}</span> <span className="text-slate-600">{changes(item, teams)}</span>
                          </li>
                        ))}
                      </ul>
                    </div>
                  ))}
                {preview.hostErrors.length ? <HostErrorList errors={preview.hostErrors} total={preview.hostErrors.length} /> : null}
              </>
            ) : (
              <p className="text-sm text-slate-600">No preview waiting.</p>
            )}
          </CardBody>
        </Card>
        <Card aria-labelledby="mapping-heading">
          <CardHeader
            id="mapping-heading"
            title="Mapping"
            description="How the source's groups, variables, tags or fields become PatchParty's team, environment, kind, service, cluster, address and tags."
          />
          <CardBody>
            <MappingEditor sourceId={source.id} revision={source.revision} mapping={JSON.stringify(source.mapping, null, 2)} example={example} />
          </CardBody>
        </Card>
        <Card aria-labelledby="history-heading">
          <CardHeader id="history-heading" title="Sync history" />
          {syncs.length === 0 ? (
            <CardBody>
              <p className="text-sm text-slate-600">Never synced.</p>
            </CardBody>
          ) : (
            <Table caption="Syncs, newest first">
              <thead>
                <tr>
                  <Th>Started (UTC)</Th>
                  <Th>State</Th>
                  <Th>By</Th>
                  <Th>Added</Th>
                  <Th>Changed</Th>
                  <Th>Retired</Th>
                  <Th>Errors</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100" data-testid="sync-history">
                {syncs.map((s) => (
                  <tr key={s.id}>
                    <Td className="tabular-nums">{formatDateTime(s.startedAt, "UTC")}</Td>
                    <Td className="max-w-xs">
                      <Badge tone={SYNC_TONES[s.state] ?? "neutral"}>{s.state.toLowerCase()}</Badge>
                      {s.state === "APPLIED" && s.added + s.changed + s.retired === 0 ? (
                        <span className="ml-1 text-xs text-slate-500">nothing changed</span>
                      ) : null}
                      {s.error ? <span className="block text-xs text-rose-700">{s.error}</span> : null}
                    </Td>
                    <Td className="text-xs">{s.trigger === "schedule" ? "schedule" : s.actorLabel}</Td>
                    <Td className="tabular-nums">{s.added}</Td>
                    <Td className="tabular-nums">{s.changed}</Td>
                    <Td className="tabular-nums">{s.retired}</Td>
                    <Td className="tabular-nums">{s.hostErrors.length}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        <Card aria-labelledby="settings-heading">
          <CardHeader id="settings-heading" title="Settings" />
          <CardBody className="space-y-6">
            <SourceSettingsForm
              source={{
                id: source.id,
                name: source.name,
                kind: source.kind,
                revision: source.revision,
                tokenSet: source.tokenSet,
                intervalMinutes: source.intervalMinutes,
                autoApply: source.autoApply,
                config,
              }}
            />
            <div className="border-t border-slate-100 pt-4">
              <p className="mb-2 text-sm text-slate-600">Deleting the source keeps its servers, as if typed by a person: no sync owns them any more.</p>
              <DeleteSourceButton sourceId={source.id} name={source.name} servers={source.servers + source.retiredServers} />
            </div>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
