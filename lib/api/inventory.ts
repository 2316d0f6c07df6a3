// Inventory sources and syncs as /api/v1 shows them. Never a token: `tokenSet` says whether one is kept.
import "server-only";
import type { MappingPreview, SourceSummary, SourceView, SyncView } from "../data/inventory";
import type { PlanItem } from "../domain/inventory";

export function sourceSummaryJson(s: SourceSummary) {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    tokenSet: s.tokenSet,
    intervalMinutes: s.intervalMinutes,
    autoApply: s.autoApply,
    nextSyncAt: s.nextSyncAt?.toISOString() ?? null,
    lastSyncAt: s.lastSyncAt?.toISOString() ?? null,
    servers: s.servers,
    retiredServers: s.retiredServers,
    lastSync: s.lastSync
      ? { id: s.lastSync.id, state: s.lastSync.state.toLowerCase(), startedAt: s.lastSync.startedAt.toISOString(), error: s.lastSync.error }
      : null,
    revision: s.revision,
    createdAt: s.createdAt.toISOString(),
  };
}

export function sourceJson(s: SourceView) {
  const config =
    s.config.kind === "ansible"
      ? { fileName: s.config.fileName, text: s.config.text }
      : { url: s.config.url, objects: [...s.config.objects], filter: s.config.filter };
  return { ...sourceSummaryJson(s), config, mapping: s.mapping as unknown as Record<string, unknown>, createdBy: s.createdBy };
}

export function syncJson(y: SyncView) {
  return {
    id: y.id,
    sourceId: y.sourceId,
    state: y.state.toLowerCase() as "running" | "preview" | "applied" | "discarded" | "failed",
    trigger: y.trigger,
    actor: y.actorLabel,
    startedAt: y.startedAt.toISOString(),
    finishedAt: y.finishedAt?.toISOString() ?? null,
    appliedAt: y.appliedAt?.toISOString() ?? null,
    hosts: y.hosts,
    added: y.added,
    changed: y.changed - y.restored,
    restored: y.restored,
    retired: y.retired,
    unchanged: y.unchanged,
    nothingChanged: y.state !== "FAILED" && y.state !== "RUNNING" && y.added + y.changed + y.retired === 0,
    hostErrors: y.hostErrors.map((e) => ({ host: e.host, message: e.message })),
    error: y.error,
  };
}

export function planItemJson(i: PlanItem) {
  return {
    op: i.op,
    externalId: i.externalId,
    name: i.name,
    before: (i.before ?? null) as Record<string, unknown> | null,
    after: (i.after ?? null) as Record<string, unknown> | null,
  };
}

/** "Preview mapping": the first hosts as the mapping makes them; a field the mapping leaves out is absent (the sync leaves it alone). */
export function mappingPreviewJson(p: MappingPreview) {
  return {
    hosts: p.hosts,
    mapped: p.mapped.map((h) => ({
      externalId: h.externalId,
      name: h.name,
      team: h.team,
      environment: h.environment === "PRODUCTION" ? ("production" as const) : ("non-production" as const),
      kind: h.kind.toLowerCase().replace(/_/g, "-"),
      service: h.service,
      ...(h.cluster !== undefined ? { cluster: h.cluster } : {}),
      ...(h.address !== undefined ? { address: h.address } : {}),
      ...(h.tags !== undefined ? { tags: h.tags } : {}),
      group: h.group,
    })),
    errors: p.errors.map((e) => ({ host: e.host, message: e.message })),
    errorCount: p.errorCount,
  };
}
