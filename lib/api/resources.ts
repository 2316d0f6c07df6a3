// The API's shapes of a resource and its patch status (ISO-8601 UTC times).
import "server-only";
import type { ResourceListRow } from "../data/resource-list";
import type { PatchStatus, ResourceRecord } from "../data/resource-detail";
import { ENVIRONMENTS, KINDS } from "../validation/resources";

const envSlug = (db: string) => (db === ENVIRONMENTS.production ? "production" : "non-production");
const kindSlug = (db: string) => Object.entries(KINDS).find(([, v]) => v === db)?.[0] ?? db.toLowerCase();

export function resourceListJson(r: ResourceListRow) {
  return {
    name: r.name,
    kind: kindSlug(r.kind),
    environment: envSlug(r.environment),
    team: r.teamName,
    cluster: r.clusterName,
    group: r.patchGroup,
    excluded: r.excluded,
    tags: r.tags,
    lastPatchedAt: r.lastPatchedAt?.toISOString() ?? null,
    lastPatchTag: r.lastPatchTag,
    lastOutcome: r.lastOutcome?.toLowerCase() ?? null,
    address: r.address,
    sshPort: r.sshPort,
    sshUser: r.sshUser,
    pendingUpdates: r.pendingUpdates,
    securityUpdates: r.securityUpdates,
    rebootPending: r.rebootPending,
    retiredAt: r.retiredAt?.toISOString() ?? null,
  };
}

export function patchStatusJson(status: PatchStatus) {
  return {
    lastPatchedAt: status.lastPatchedAt?.toISOString() ?? null,
    lastPatchTag: status.lastPatchTag,
    nextParty: status.nextParty
      ? {
          tag: status.nextParty.party.tag,
          kind: status.nextParty.party.kind,
          slotStartsAt: status.nextParty.slot.startsAt.toISOString(),
          slotEndsAt: status.nextParty.slot.endsAt.toISOString(),
        }
      : null,
    exclusion: status.exclusion
      ? {
          by: status.exclusion.by,
          at: status.exclusion.at.toISOString(),
          reason: status.exclusion.reason,
          until: status.exclusion.until?.toISOString() ?? null,
        }
      : null,
  };
}

export function resourceJson(r: ResourceRecord, status: PatchStatus) {
  return {
    name: r.name,
    kind: kindSlug(r.kind),
    environment: envSlug(r.environment),
    team: r.team.name,
    service: r.service.name,
    cluster: r.cluster ? { name: r.cluster.name, nodes: r.cluster.nodes.map((n) => ({ name: n.name, group: n.patchGroup })) } : null,
    group: r.patchGroup,
    tags: r.tags,
    version: r.version,
    address: r.address,
    sshPort: r.sshPort,
    sshUser: r.sshUser,
    revision: r.revision,
    retiredAt: r.retiredAt?.toISOString() ?? null,
    patchStatus: patchStatusJson(status),
  };
}
