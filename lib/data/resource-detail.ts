// One resource's page: identity, cluster siblings, service risk, patch status and history.
import { Prisma, type Environment, type ExclusionAction, type OutcomeStatus, type PartyKind, type ResourceKind } from "@prisma/client";
import { sql } from "../db";
import { isExcludedAt, nextPartyForResource, serviceGroupRisk, type CalendarParty, type PatchGroup, type ServiceRisk, type Slot } from "../domain";
import { listParties } from "./parties";
import { recentExecutionRows } from "./execution-rows";

const DAY = 86_400_000;

export type ResourceRecord = {
  id: string;
  name: string;
  kind: ResourceKind;
  environment: Environment;
  patchGroup: number;
  tags: string[];
  version: string | null;
  clusterRole: string | null;
  /** How executors reach it: host name or IP, SSH port (null = 22), user (null = PATCHPARTY_SSH_USER). */
  address: string | null;
  sshPort: number | null;
  sshUser: string | null;
  excluded: boolean;
  excludedAt: Date | null;
  exclusionReason: string | null;
  exclusionUntil: Date | null;
  lastPatchedAt: Date | null;
  lastPatchTag: string | null;
  lastOutcome: OutcomeStatus | null;
  revision: number;
  updatedAt: Date;
  teamId: string;
  excludedById: string | null;
  /** Who excluded it, as "Name <email>"; null when it is not excluded or that user is gone. */
  excludedBy: string | null;
  team: { name: string; slug: string };
  service: { id: string; name: string };
  cluster: { id: string; name: string; nodes: { id: string; name: string; patchGroup: number; clusterRole: string | null; excluded: boolean }[] } | null;
};

/**
 * The statement part that reads a ResourceRecord from `source`, a relation aliased `r` with the
 * resource's columns: the table, or a data-modifying CTE's RETURNING (a change answers with the
 * record it wrote, see resource-changes.ts). A statement does not see its own CTE's writes, so the
 * cluster's node list takes the resource's own group and exclusion from `r`, not from the table.
 */
export function resourceRecordFrom(source: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT r.id, r.name, r.kind::text AS kind, r.environment::text AS environment, r."patchGroup", r.tags, r.version, r."clusterRole",
           r.address, r."sshPort", r."sshUser", r.excluded, r."excludedAt", r."exclusionReason", r."exclusionUntil", r."lastPatchedAt", r."lastPatchTag", r."lastOutcome"::text AS "lastOutcome",
           r.revision, r."updatedAt", r."teamId", r."excludedById",
           (SELECT u.name || ' <' || u.email || '>' FROM "User" u WHERE u.id = r."excludedById") AS "excludedBy",
           json_build_object('name', t.name, 'slug', t.slug) AS team,
           json_build_object('id', s.id, 'name', s.name) AS service,
           CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'name', c.name, 'nodes', (
             SELECT json_agg(json_build_object(
                      'id', n.id, 'name', n.name, 'clusterRole', n."clusterRole",
                      'patchGroup', CASE WHEN n.id = r.id THEN r."patchGroup" ELSE n."patchGroup" END,
                      'excluded', CASE WHEN n.id = r.id THEN r.excluded ELSE n.excluded END) ORDER BY n.name)
             FROM "Resource" n WHERE n."clusterId" = c.id)) END AS cluster
    FROM ${source} JOIN "Team" t ON t.id = r."teamId" JOIN "Service" s ON s.id = r."serviceId" LEFT JOIN "Cluster" c ON c.id = r."clusterId"`;
}

/**
 * A resource with its team, service and cluster (nodes by name) in one statement: raw, because the
 * resource page and its API read it on every request (see readParties in parties.ts).
 */
export async function getResource(name: string): Promise<ResourceRecord | null> {
  const [row] = await sql<ResourceRecord>`${resourceRecordFrom(Prisma.sql`"Resource" r`)} WHERE r.name = ${name}`;
  return row ?? null;
}

export type PatchStatus = {
  lastPatchedAt: Date | null;
  lastPatchTag: string | null;
  nextParty: { party: CalendarParty; slot: Slot } | null;
  exclusion: { by: string; at: Date; reason: string; until: Date | null } | null;
};

/** The Patch status panel's content, at `now`. */
export async function getPatchStatus(resource: ResourceRecord, now: Date): Promise<PatchStatus> {
  const excluded = isExcludedAt(resource, now);
  const parties = excluded ? [] : await listParties(new Date(now.getTime() - DAY), new Date(now.getTime() + 400 * DAY));
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
        ? { by: resource.excludedBy ?? "unknown", at: resource.excludedAt, reason: resource.exclusionReason ?? "", until: resource.exclusionUntil }
        : null,
  };
}

/** Whether all production resources of the service sit in one group (one aggregate query). */
export async function getServiceRisk(serviceId: string): Promise<ServiceRisk> {
  const rows = await sql<{ patchGroup: number; n: number }>`
    SELECT "patchGroup", count(*)::int AS n FROM "Resource" WHERE "serviceId" = ${serviceId} AND environment = 'PRODUCTION' GROUP BY 1`;
  return serviceGroupRisk(rows.flatMap((r) => Array<PatchGroup>(r.n).fill(r.patchGroup as PatchGroup)));
}

export type PatchHistoryRow = {
  id: string;
  status: OutcomeStatus;
  message: string | null;
  group: number;
  startedAt: Date;
  finishedAt: Date;
  party: { tag: string; kind: PartyKind };
};

/** The resource's last 20 outcomes, newest first, with their party (one statement). */
export function getPatchHistory(resourceId: string): Promise<PatchHistoryRow[]> {
  return sql<PatchHistoryRow>`
    SELECT o.id, o.status::text AS status, o.message, o."group", o."startedAt", o."finishedAt", json_build_object('tag', p.tag, 'kind', p.kind) AS party
    FROM "PatchOutcome" o JOIN "Party" p ON p.id = o."partyId"
    WHERE o."resourceId" = ${resourceId} ORDER BY o."finishedAt" DESC LIMIT 20`;
}

export type ExclusionHistoryRow = {
  id: string;
  action: ExclusionAction;
  reason: string | null;
  until: Date | null;
  group: number | null;
  actorLabel: string;
  at: Date;
};

/** The resource's last 20 exclusion events, newest first. */
export function getExclusionHistory(resourceId: string): Promise<ExclusionHistoryRow[]> {
  return sql<ExclusionHistoryRow>`
    SELECT id, action::text AS action, reason, until, "group", "actorLabel", at FROM "ExclusionEvent"
    WHERE "resourceId" = ${resourceId} ORDER BY at DESC LIMIT 20`;
}

export const RECENT_EXECUTIONS = 10;

/** What executors (or people) did on the resource lately, newest first: one statement (index resourceId, createdAt). */
export function listRecentExecutions(resourceId: string) {
  return recentExecutionRows(Prisma.sql`e."resourceId" = ${resourceId}`, RECENT_EXECUTIONS);
}
