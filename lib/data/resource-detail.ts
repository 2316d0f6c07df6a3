// One resource's page: identity, cluster siblings, service risk, patch status and history.
import { db } from "../db";
import {
  isExcludedAt,
  nextPartyForResource,
  serviceGroupRisk,
  type CalendarParty,
  type PatchGroup,
  type ServiceRisk,
  type Slot,
} from "../domain";
import { listParties } from "./parties";

const DAY = 86_400_000;

export async function getResource(name: string) {
  return db.resource.findUnique({
    where: { name },
    select: {
      id: true,
      name: true,
      kind: true,
      environment: true,
      patchGroup: true,
      tags: true,
      version: true,
      clusterRole: true,
      excluded: true,
      excludedAt: true,
      exclusionReason: true,
      exclusionUntil: true,
      lastPatchedAt: true,
      lastPatchTag: true,
      lastOutcome: true,
      revision: true,
      updatedAt: true,
      teamId: true,
      team: { select: { name: true, slug: true } },
      service: { select: { id: true, name: true } },
      cluster: { select: { id: true, name: true, nodes: { select: { id: true, name: true, patchGroup: true, clusterRole: true, excluded: true }, orderBy: { name: "asc" } } } },
      excludedById: true,
    },
  });
}

export type ResourceRecord = NonNullable<Awaited<ReturnType<typeof getResource>>>;

export type PatchStatus = {
  lastPatchedAt: Date | null;
  lastPatchTag: string | null;
  nextParty: { party: CalendarParty; slot: Slot } | null;
  exclusion: { by: string; at: Date; reason: string; until: Date | null } | null;
};

/** The Patch status panel's content, at `now`. */
export async function getPatchStatus(resource: ResourceRecord, now: Date): Promise<PatchStatus> {
  const excluded = isExcludedAt(resource, now);
  const [parties, excludedBy] = await Promise.all([
    excluded ? Promise.resolve([]) : listParties(new Date(now.getTime() - DAY), new Date(now.getTime() + 400 * DAY)),
    excluded && resource.excludedById ? db.user.findUnique({ where: { id: resource.excludedById }, select: { name: true, email: true } }) : Promise.resolve(null),
  ]);
  const next = nextPartyForResource(
    { environment: resource.environment === "PRODUCTION" ? "production" : "non-production", patchGroup: resource.patchGroup as PatchGroup, excluded },
    parties,
    now,
  );
  return {
    lastPatchedAt: resource.lastPatchedAt,
    lastPatchTag: resource.lastPatchTag,
    nextParty: next.state === "scheduled" ? { party: next.party, slot: next.slot } : null,
    exclusion:
      excluded && resource.excludedAt
        ? { by: excludedBy ? `${excludedBy.name} <${excludedBy.email}>` : "unknown", at: resource.excludedAt, reason: resource.exclusionReason ?? "", until: resource.exclusionUntil }
        : null,
  };
}

/** Whether all production resources of the service sit in one group (one aggregate query). */
export async function getServiceRisk(serviceId: string): Promise<ServiceRisk> {
  const rows = await db.resource.groupBy({ by: ["patchGroup"], where: { serviceId, environment: "PRODUCTION" }, _count: { _all: true } });
  return serviceGroupRisk(rows.flatMap((r) => Array<PatchGroup>(r._count._all).fill(r.patchGroup as PatchGroup)));
}

export function getPatchHistory(resourceId: string) {
  return db.patchOutcome.findMany({
    where: { resourceId },
    orderBy: { finishedAt: "desc" },
    take: 20,
    select: { id: true, status: true, message: true, group: true, startedAt: true, finishedAt: true, party: { select: { tag: true, kind: true } } },
  });
}

export function getExclusionHistory(resourceId: string) {
  return db.exclusionEvent.findMany({
    where: { resourceId },
    orderBy: { at: "desc" },
    take: 20,
    select: { id: true, action: true, reason: true, until: true, group: true, actorLabel: true, at: true },
  });
}
