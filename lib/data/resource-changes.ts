// Include, exclude and regroup a resource. Each change is one transaction that locks the row,
// checks who may change it and that nobody changed it since it was loaded (revision), then
// writes the resource, its exclusion history and an audit event together.
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { db } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import { checkGroupChange, CONFLICT_MESSAGE, type PatchGroup } from "../domain";
import type { ExcludeInput, GroupChangeInput } from "../validation/resources";
import { auditInsert } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";

type Tx = Prisma.TransactionClient;

/** A resource's exclusion state: what a change sets, all of it. */
type State = { excluded: boolean; patchGroup: number; exclusionReason: string | null; exclusionUntil: Date | null; excludedAt: Date | null; excludedById: string | null };
type Locked = State & { id: string; name: string; teamId: string; clusterId: string | null; revision: number };

export type ChangedResource = { name: string; revision: number; excluded: boolean; patchGroup: number };

/** The resource, locked for the rest of the transaction (one statement). */
async function lockResource(tx: Tx, name: string): Promise<Locked | null> {
  const rows = await tx.$queryRaw<Locked[]>`
    SELECT id, name, "teamId", "clusterId", "patchGroup", excluded, "exclusionReason", "exclusionUntil", "excludedAt", "excludedById", revision
    FROM "Resource" WHERE name = ${name} FOR UPDATE`;
  return rows[0] ?? null;
}

/** 404, 403 and 409 checks every single change starts with. */
function gate(user: CurrentUser, resource: Locked | null, revision: number | undefined, name: string): Outcome<Locked> {
  if (!resource) return refuse(404, "not-found", `No resource is named ${name}.`);
  if (!can(user, { action: "resource:change", target: { teamId: resource.teamId } })) {
    return refuse(403, "forbidden", user.role === "OWNER" ? "You can only change resources of your own teams." : "Your role cannot change resources.");
  }
  if (revision !== undefined && revision !== resource.revision) return refuse(409, "conflict", CONFLICT_MESSAGE);
  return succeed(resource);
}

/** The cluster rule for moving `resource` to `group`; admins may override it with a reason. */
async function checkCluster(tx: Tx, user: CurrentUser, resource: Locked, group: PatchGroup, overrideReason: string | undefined): Promise<Outcome<string | null>> {
  if (!resource.clusterId || resource.patchGroup === group) return succeed(null);
  // Serialise changes within one cluster, so two concurrent moves cannot both pass the check.
  await tx.$queryRaw`SELECT id FROM "Cluster" WHERE id = ${resource.clusterId} FOR UPDATE`;
  const nodes = await tx.resource.findMany({ where: { clusterId: resource.clusterId }, orderBy: { name: "asc" }, select: { id: true, name: true, patchGroup: true } });
  const check = checkGroupChange(
    nodes.map((n) => ({ id: n.id, name: n.name, group: n.patchGroup as PatchGroup })),
    resource.id,
    group,
  );
  if (check.ok) return succeed(null);
  if (!overrideReason) {
    return refuse(409, "cluster-rule", `${check.message}${user.role === "ADMIN" ? " An admin may override this with a reason." : ""}`);
  }
  if (user.role !== "ADMIN") return refuse(403, "forbidden", "Only admins can override the cluster rule.");
  return succeed(`Cluster rule overridden: ${overrideReason}`);
}

function snapshot(r: { excluded: boolean; patchGroup: number; exclusionReason: string | null; exclusionUntil: Date | null }) {
  return {
    excluded: r.excluded,
    group: r.patchGroup,
    ...(r.excluded ? { reason: r.exclusionReason, until: r.exclusionUntil?.toISOString() ?? null } : {}),
  };
}

/**
 * Writes the change, its exclusion event and its audit event in one statement: each statement is
 * a round trip, and a model query also costs ~1 ms of the server's CPU to plan (docs/benchmarks.md).
 */
async function writeChange(
  tx: Tx,
  user: CurrentUser,
  before: Locked,
  change: Partial<State>,
  event: { action: "EXCLUDE" | "INCLUDE" | "REGROUP"; reason: string | null; until: Date | null; group: number | null },
  audit: { action: string; reason: string | null },
  now: Date,
): Promise<ChangedResource> {
  const after: State = { ...before, ...change };
  const [updated] = await tx.$queryRaw<ChangedResource[]>`
    WITH updated AS (
      UPDATE "Resource"
      SET excluded = ${after.excluded}, "patchGroup" = ${after.patchGroup}, "exclusionReason" = ${after.exclusionReason}, "exclusionUntil" = ${after.exclusionUntil},
          "excludedAt" = ${after.excludedAt}, "excludedById" = ${after.excludedById}, revision = revision + 1, "updatedAt" = ${now}
      WHERE id = ${before.id}
      RETURNING name, revision, excluded, "patchGroup"
    ), event AS (
      INSERT INTO "ExclusionEvent" (id, "resourceId", action, reason, until, "group", "actorId", "actorLabel", at)
      VALUES (${randomUUID()}, ${before.id}, ${event.action}::"ExclusionAction", ${event.reason}, ${event.until}, ${event.group}, ${user.id}, ${user.email}, ${now})
    ), audit AS (${auditInsert({ actor: { id: user.id, label: user.email }, action: audit.action, entityType: "resource", entityId: before.id, entityLabel: before.name, before: snapshot(before), after: snapshot(after), reason: audit.reason, at: now })})
    SELECT name, revision, excluded, "patchGroup" FROM updated`;
  return updated!;
}

export async function excludeResource(user: CurrentUser, name: string, input: ExcludeInput, now: Date): Promise<Outcome<ChangedResource>> {
  if (input.until && input.until <= now) return refuse(400, "invalid", "The expiry must be in the future.");
  return db.$transaction(async (tx) => {
    const gated = gate(user, await lockResource(tx, name), input.revision, name);
    if (!gated.ok) return gated;
    const r = gated.value;
    const value = await writeChange(
      tx,
      user,
      r,
      { excluded: true, exclusionReason: input.reason, exclusionUntil: input.until ?? null, excludedAt: now, excludedById: user.id },
      { action: "EXCLUDE", reason: input.reason, until: input.until ?? null, group: null },
      { action: "resource.exclude", reason: input.reason },
      now,
    );
    return succeed(value);
  });
}

/** Includes the resource into `group` ("include"), or only moves it to another group ("regroup"). */
export async function setResourceGroup(user: CurrentUser, name: string, input: GroupChangeInput, now: Date, mode: "include" | "regroup"): Promise<Outcome<ChangedResource>> {
  return db.$transaction(async (tx) => {
    const gated = gate(user, await lockResource(tx, name), input.revision, name);
    if (!gated.ok) return gated;
    const r = gated.value;
    const cluster = await checkCluster(tx, user, r, input.group, input.overrideReason);
    if (!cluster.ok) return cluster;
    const include = mode === "include";
    if (!include && r.patchGroup === input.group) return succeed({ name: r.name, revision: r.revision, excluded: r.excluded, patchGroup: r.patchGroup });
    const value = await writeChange(
      tx,
      user,
      r,
      include
        ? { excluded: false, patchGroup: input.group, exclusionReason: null, exclusionUntil: null, excludedAt: null, excludedById: null }
        : { patchGroup: input.group },
      { action: include ? "INCLUDE" : "REGROUP", reason: cluster.value, until: null, group: input.group },
      { action: include ? "resource.include" : "resource.regroup", reason: cluster.value },
      now,
    );
    return succeed(value);
  });
}
