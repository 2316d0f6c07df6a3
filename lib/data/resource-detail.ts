// One resource's page: identity, cluster siblings, service risk, patch status and history.
import "server-only";
import { expressionBuilder, sql, type InferResult } from "kysely";
import { jsonBuildObject } from "kysely/helpers/postgres";
import type { TeamScope } from "../auth/permissions";
import { execute, prepared, qb } from "../db";
import type { DB } from "../database/generated/kysely";
import { isExcludedAt, nextPartyForResource, serviceGroupRisk, type CalendarParty, type PatchGroup, type ServiceRisk, type Slot } from "../domain";
import { listParties } from "./parties";
import { executionRows } from "./execution-rows";

const DAY = 86_400_000;

/** The relations a resource record is read from: `r` the resource, `t` its team, `s` its service, `c` its cluster. */
const eb = expressionBuilder<DB & { r: DB["Resource"]; t: DB["Team"]; s: DB["Service"]; c: DB["Cluster"] }, "r" | "t" | "s" | "c">();

/**
 * The selection of a resource record, from `r`, a relation with the resource's columns (the
 * table, or a data-modifying CTE's RETURNING: a change answers with the record it wrote, see
 * resource-changes.ts), joined to its team `t`, service `s` and cluster `c` as `resourceNamed`
 * joins them. A statement does not see its own CTE's writes, so the cluster's node list takes the
 * resource's own group and exclusion from `r`, not from the table. `address`, `sshPort` and
 * `sshUser` say how executors reach it: host name or IP, SSH port (null = 22), user (null =
 * PATCHPARTY_SSH_USER). `excludedBy` is who excluded it, as "Name <email>"; null when it is not
 * excluded or that user is gone.
 */
export const RESOURCE_RECORD = [
  "r.id",
  "r.name",
  "r.kind",
  "r.environment",
  "r.patchGroup",
  "r.tags",
  "r.version",
  "r.clusterRole",
  "r.address",
  "r.sshPort",
  "r.sshUser",
  // Gone from its inventory source (issue 21): kept with its history, out of parties.
  "r.retiredAt",
  "r.excluded",
  "r.excludedAt",
  "r.exclusionReason",
  "r.exclusionUntil",
  "r.lastPatchedAt",
  "r.lastPatchTag",
  "r.lastOutcome",
  "r.revision",
  "r.updatedAt",
  "r.teamId",
  "r.excludedById",
  eb
    .selectFrom("User as u")
    .select((u) => sql<string>`${u.ref("u.name")} || ' <' || ${u.ref("u.email")} || '>'`.as("label"))
    .whereRef("u.id", "=", "r.excludedById")
    .as("excludedBy"),
  jsonBuildObject({ name: eb.ref("t.name"), slug: eb.ref("t.slug") }).as("team"),
  jsonBuildObject({ id: eb.ref("s.id"), name: eb.ref("s.name") }).as("service"),
  eb
    .case()
    .when("c.id", "is", null)
    .then(null)
    .else(
      jsonBuildObject({
        id: eb.ref("c.id"),
        name: eb.ref("c.name"),
        nodes: eb
          .selectFrom("Resource as n")
          .select((n) =>
            n.fn
              .jsonAgg(
                jsonBuildObject({
                  id: n.ref("n.id"),
                  name: n.ref("n.name"),
                  clusterRole: n.ref("n.clusterRole"),
                  patchGroup: n.case().when("n.id", "=", n.ref("r.id")).then(n.ref("r.patchGroup")).else(n.ref("n.patchGroup")).end(),
                  excluded: n.case().when("n.id", "=", n.ref("r.id")).then(n.ref("r.excluded")).else(n.ref("n.excluded")).end(),
                }),
              )
              .orderBy("n.name")
              .as("nodes"),
          )
          .whereRef("n.clusterId", "=", "c.id")
          .$asScalar(),
      }),
    )
    .end()
    .as("cluster"),
] as const;

const resourceRecords = () =>
  qb
    .selectFrom("Resource as r")
    .innerJoin("Team as t", "t.id", "r.teamId")
    .innerJoin("Service as s", "s.id", "r.serviceId")
    .leftJoin("Cluster as c", "c.id", "r.clusterId")
    .select(RESOURCE_RECORD);

export type ResourceRecord = InferResult<ReturnType<typeof resourceRecords>>[number];

/**
 * A resource with its team, service and cluster (nodes by name) in one statement, not model
 * calls: the resource page and its API read it on every request (see readParties in parties.ts).
 * Compiled once (`prepared`): building it cost a third of a millisecond a request.
 */
const resourceNamed = prepared((v: { name: string }) => resourceRecords().where("r.name", "=", v.name));

/** The resource named so, if the reader's teams (`readableTeams`) hold it: another team's is not there for them. */
export async function getResource(name: string, teams: TeamScope): Promise<ResourceRecord | null> {
  const [row] = await execute(resourceNamed({ name }));
  return row && (teams === null || teams.includes(row.teamId)) ? row : null;
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

const serviceGroups = prepared((v: { serviceId: string }) =>
  qb
    .selectFrom("Resource")
    .select((eb) => ["patchGroup", eb.cast<number>(eb.fn.countAll(), "integer").as("n")])
    .where("serviceId", "=", v.serviceId)
    .where("environment", "=", sql.lit("PRODUCTION"))
    .groupBy("patchGroup"),
);

/** Whether all production resources of the service sit in one group (one aggregate query). */
export async function getServiceRisk(serviceId: string): Promise<ServiceRisk> {
  const rows = await execute(serviceGroups({ serviceId }));
  return serviceGroupRisk(rows.flatMap((r) => Array<PatchGroup>(r.n).fill(r.patchGroup as PatchGroup)));
}

const patchHistory = prepared((v: { resourceId: string }) =>
  qb
    .selectFrom("PatchOutcome as o")
    .innerJoin("Party as p", "p.id", "o.partyId")
    .select((eb) => [
      "o.id",
      "o.status",
      "o.message",
      "o.group",
      "o.startedAt",
      "o.finishedAt",
      jsonBuildObject({ tag: eb.ref("p.tag"), kind: eb.ref("p.kind") }).as("party"),
    ])
    .where("o.resourceId", "=", v.resourceId)
    .orderBy("o.finishedAt", "desc")
    .limit(sql.lit(20)),
);

/** The resource's last 20 outcomes, newest first, with their party (one statement). */
export function getPatchHistory(resourceId: string) {
  return execute(patchHistory({ resourceId }));
}

export type PatchHistoryRow = Awaited<ReturnType<typeof getPatchHistory>>[number];

const exclusionHistory = prepared((v: { resourceId: string }) =>
  qb
    .selectFrom("ExclusionEvent")
    .select(["id", "action", "reason", "until", "group", "actorLabel", "at"])
    .where("resourceId", "=", v.resourceId)
    .orderBy("at", "desc")
    .limit(sql.lit(20)),
);

/** The resource's last 20 exclusion events, newest first. */
export function getExclusionHistory(resourceId: string) {
  return execute(exclusionHistory({ resourceId }));
}

export type ExclusionHistoryRow = Awaited<ReturnType<typeof getExclusionHistory>>[number];

export const RECENT_EXECUTIONS = 10;

const recentExecutions = prepared((v: { resourceId: string }) =>
  executionRows().where("e.resourceId", "=", v.resourceId).orderBy("e.createdAt", "desc").orderBy("e.key").limit(sql.lit(RECENT_EXECUTIONS)),
);

/** What executors (or people) did on the resource lately, newest first: one statement (index resourceId, createdAt). */
export function listRecentExecutions(resourceId: string) {
  return execute(recentExecutions({ resourceId }));
}
