import { decodeParam } from "@/lib/validation/common";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ConnectionCard } from "@/components/resources/connection-card";
import { PatchPartyActions } from "@/components/resources/patch-party-actions";
import { PatchStatusPanel } from "@/components/resources/patch-status-panel";
import { Alert } from "@/components/ui/alert";
import { Breadcrumb } from "@/components/ui/breadcrumb";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { can, readableTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import {
  getExclusionHistory,
  getPatchHistory,
  getPatchStatus,
  getResource,
  getServiceRisk,
  listRecentExecutions,
  RECENT_EXECUTIONS,
} from "@/lib/data/resource-detail";
import { RecentExecutionsCard } from "@/components/executions/recent-executions-card";
import { UpdatesCard } from "@/components/resources/updates-card";
import { ScanButton } from "@/components/resources/scan-button";
import { scanningExecutor, SCANNING_EXECUTORS } from "@/lib/data/update-scans";
import { serverUpdates } from "@/lib/data/updates";
import { formatDateTime } from "@/lib/format";
import { kindLabel } from "@/components/resources/labels";
import { viewerTimeZone } from "@/lib/viewer";

type Params = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: decodeParam((await params).name) };
}

const OUTCOME_TONES = { PATCHED: "success", FAILED: "danger", SKIPPED: "neutral" } as const;

export default async function ResourcePage({ params }: Params) {
  const user = await requireUser();
  const name = decodeParam((await params).name);
  const resource = await getResource(name, readableTeams(user));
  if (!resource) notFound();
  const now = new Date();
  const mayScan = can(user, { action: "resource:scan", target: { teamId: resource.teamId } });
  const [status, risk, history, exclusions, zone, executions, updates, scanner] = await Promise.all([
    getPatchStatus(resource, now),
    resource.environment === "PRODUCTION" ? getServiceRisk(resource.service.id) : Promise.resolve(null),
    getPatchHistory(resource.id),
    getExclusionHistory(resource.id),
    viewerTimeZone(),
    listRecentExecutions(resource.id),
    serverUpdates(resource.id),
    mayScan ? scanningExecutor() : Promise.resolve(null),
  ]);
  const mayChange = can(user, { action: "resource:change", target: { teamId: resource.teamId } });
  return (
    <>
      <Breadcrumb parent={{ href: "/resources", label: "Resources" }} current={resource.name} />
      <PageHeader
        title={resource.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <Badge tone={resource.environment === "PRODUCTION" ? "production" : "qa"}>
              {resource.environment === "PRODUCTION" ? "production" : "non-production"}
            </Badge>
            <Badge>{kindLabel(resource.kind)}</Badge>
            {resource.retiredAt ? (
              <Badge tone="danger" className="uppercase">
                Retired
              </Badge>
            ) : null}
            {resource.retiredAt ? (
              <span>gone from its inventory source since {resource.retiredAt.toISOString().slice(0, 10)}: kept with its history, in no party</span>
            ) : null}
            <span>
              Team <span className="font-medium text-slate-800">{resource.team.name}</span> · service{" "}
              <span className="font-medium text-slate-800">{resource.service.name}</span>
              {resource.version ? <> · version {resource.version}</> : null}
            </span>
          </span>
        }
      />
      {risk ? (
        <div className="mb-6">
          <Alert tone="warning">
            Every production resource of the service <strong>{resource.service.name}</strong> ({risk.resources}) is in group {risk.group}: the service goes down
            as a whole on patching day. Spread its resources over the groups.
          </Alert>
        </div>
      ) : null}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <PatchStatusPanel
            status={status}
            group={resource.patchGroup}
            now={now}
            viewerZone={zone}
            actions={
              mayChange ? (
                <PatchPartyActions
                  name={resource.name}
                  revision={resource.revision}
                  excluded={status.exclusion !== null}
                  group={resource.patchGroup}
                  isAdmin={user.role === "ADMIN"}
                  inCluster={resource.cluster !== null}
                />
              ) : null
            }
          />
          <UpdatesCard
            updates={updates}
            viewerZone={zone}
            scanAction={scanner && SCANNING_EXECUTORS.includes(scanner) && resource.address ? <ScanButton name={resource.name} /> : null}
          />
          <Card aria-labelledby="history">
            <CardHeader id="history" title="Patch history" description="The last 20 Patch Parties this resource took part in." />
            {history.length === 0 ? (
              <CardBody>
                <EmptyState title="No patch history yet" />
              </CardBody>
            ) : (
              <Table caption="Patch history">
                <thead>
                  <tr>
                    <Th>Party</Th>
                    <Th>Finished (UTC)</Th>
                    <Th>Group</Th>
                    <Th>Outcome</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {history.map((h) => (
                    <tr key={h.id}>
                      <Td className="font-medium text-slate-900">
                        {h.party.tag} {h.party.kind === "QA" ? "QA" : "production"}
                      </Td>
                      <Td className="tabular-nums">{formatDateTime(h.finishedAt, "UTC")}</Td>
                      <Td>{h.group}</Td>
                      <Td>
                        <Badge tone={OUTCOME_TONES[h.status]}>{h.status.toLowerCase()}</Badge>
                        {h.message ? <span className="ml-2 text-xs text-slate-500">{h.message}</span> : null}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Card>
          <RecentExecutionsCard rows={executions} viewerZone={zone} limit={RECENT_EXECUTIONS} />
          <Card aria-labelledby="exclusions">
            <CardHeader id="exclusions" title="Include / exclude history" />
            {exclusions.length === 0 ? (
              <CardBody>
                <p className="text-sm text-slate-500">Never excluded, never moved.</p>
              </CardBody>
            ) : (
              <Table caption="Include and exclude history">
                <thead>
                  <tr>
                    <Th>When (UTC)</Th>
                    <Th>Who</Th>
                    <Th>What</Th>
                    <Th>Why</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {exclusions.map((e) => (
                    <tr key={e.id}>
                      <Td className="whitespace-nowrap tabular-nums">{formatDateTime(e.at, "UTC")}</Td>
                      <Td>{e.actorLabel}</Td>
                      <Td>
                        {e.action === "EXCLUDE" ? "excluded" : e.action === "INCLUDE" ? `included, group ${e.group}` : `moved to group ${e.group}`}
                        {e.until ? <span className="block text-xs text-slate-500">until {formatDateTime(e.until, "UTC")}</span> : null}
                      </Td>
                      <Td className="max-w-xs whitespace-pre-wrap text-slate-600">{e.reason ?? "–"}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Card>
        </div>
        <div className="space-y-6">
          <ConnectionCard resource={resource} mayChange={can(user, { action: "resource:connect" })} defaultUser={env().PATCHPARTY_SSH_USER} />
          <Card aria-labelledby="cluster">
            <CardHeader id="cluster" title="Cluster" description={resource.cluster ? resource.cluster.name : "Not a node of a cluster"} />
            {resource.cluster ? (
              <ul className="divide-y divide-slate-100">
                {resource.cluster.nodes.map((node) => (
                  <li key={node.id} className="flex items-center justify-between gap-2 px-5 py-2.5 text-sm">
                    <span className="min-w-0">
                      {node.id === resource.id ? (
                        <span className="font-mono text-xs font-semibold text-slate-900">{node.name}</span>
                      ) : (
                        <Link href={`/resources/${encodeURIComponent(node.name)}`} className="font-mono text-xs text-indigo-700 hover:underline">
                          {node.name}
                        </Link>
                      )}
                      {node.clusterRole ? <span className="ml-2 text-xs text-slate-500">{node.clusterRole}</span> : null}
                    </span>
                    <span className="flex items-center gap-1">
                      {node.excluded ? <Badge tone="warning">excluded</Badge> : null}
                      <Badge>Group {node.patchGroup}</Badge>
                    </span>
                  </li>
                ))}
              </ul>
            ) : null}
          </Card>
          <Card aria-labelledby="tags">
            <CardHeader id="tags" title="Tags" />
            <CardBody>
              {resource.tags.length ? (
                <div className="flex flex-wrap gap-1">
                  {resource.tags.map((t) => (
                    <Link key={t} href={`/resources?q=${encodeURIComponent(t)}`}>
                      <Badge tone="info">{t}</Badge>
                    </Link>
                  ))}
                </div>
              ) : (
                <p className="text-sm text-slate-500">No tags.</p>
              )}
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}
