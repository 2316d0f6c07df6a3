// Include, exclude and regroup a resource, and change how executors reach it. Each change checks
// who may change it and that nobody changed it since it was loaded (revision), then writes the
// resource, its exclusion history and an audit event together, in one statement that applies only
// to the row as it was read. Moving a cluster's node is a transaction instead: the cluster rule
// reads the other nodes, under a lock. So is a connection change: an occasional edit, not the
// exclude/include hot path decision 012 is about.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { sql } from "kysely";
import { db, execute, prepared, qb } from "../db";
import { can, readableTeams, type CurrentUser } from "../auth/permissions";
import { checkGroupChange, CONFLICT_MESSAGE, exclusionChange, expiryRefusal, type ExclusionChange, type PatchGroup } from "../domain";
import { CONNECTION_FIELDS, type ExcludeInput, type GroupChangeInput, type ResourcePatchInput } from "../validation/resources";
import { AUDIT_COLUMNS, auditRow, auditValues, recordAudit, type AuditRow } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";
import { getResource, RESOURCE_RECORD, type ResourceRecord } from "./resource-detail";

type Tx = Prisma.TransactionClient;

/** The row as a change reads it (compiled once: every change starts with it). */
const readRow = (v: { name: string }) =>
  qb
    .selectFrom("Resource")
    .select([
      "id",
      "name",
      "teamId",
      "clusterId",
      "patchGroup",
      "excluded",
      "exclusionReason",
      "exclusionUntil",
      "excludedAt",
      "excludedById",
      "address",
      "sshPort",
      "sshUser",
      "revision",
    ])
    .where("name", "=", v.name);
const rowNamed = prepared(readRow);
const rowNamedLocked = prepared((v: { name: string }) => readRow(v).forUpdate());
type Row = NonNullable<Awaited<ReturnType<typeof readResource>>>;
/** How executors reach the resource (null: not set, or the default port and user). */
type Connection = Pick<Row, "address" | "sshPort" | "sshUser">;

/** The resource as it is now (one statement, no lock). */
async function readResource(name: string) {
  const [row] = await execute(rowNamed({ name }));
  return row ?? null;
}

/** The resource, locked for the rest of the transaction (one statement). */
async function lockResource(tx: Tx, name: string) {
  const [row] = await execute(rowNamedLocked({ name }), tx);
  return row ?? null;
}

/** 404, 403 and 409 checks every single change starts with. */
function gate(user: CurrentUser, resource: Row | null, revision: number | undefined, name: string): Outcome<Row> {
  if (!resource) return refuse(404, "not-found", `No resource is named ${name}.`);
  if (!can(user, { action: "resource:change", target: { teamId: resource.teamId } })) {
    return refuse(403, "forbidden", user.role === "OWNER" ? "You can only change resources of your own teams." : "Your role cannot change resources.");
  }
  if (revision !== undefined && revision !== resource.revision) return refuse(409, "conflict", CONFLICT_MESSAGE);
  return succeed(resource);
}

/** The cluster rule for moving `resource` to `group`; admins may override it with a reason. */
async function checkCluster(tx: Tx, user: CurrentUser, resource: Row, group: PatchGroup, overrideReason: string | undefined): Promise<Outcome<string | null>> {
  if (!resource.clusterId || resource.patchGroup === group) return succeed(null);
  // Serialise changes within one cluster, so two concurrent moves cannot both pass the check.
  await execute(qb.selectFrom("Cluster").select("id").where("id", "=", resource.clusterId).forUpdate(), tx);
  const nodes = await tx.resource.findMany({
    where: { clusterId: resource.clusterId },
    orderBy: { name: "asc" },
    select: { id: true, name: true, patchGroup: true },
  });
  const check = checkGroupChange(
    nodes.map((n) => ({ id: n.id, name: n.name, group: n.patchGroup as PatchGroup })),
    resource.id,
    group,
  );
  if (check.ok) return succeed(null);
  if (!overrideReason) {
    return refuse(409, "cluster-rule", `${check.message}${user.role === "ADMIN" ? " An admin may override this with a reason." : ""}`);
  }
  if (!can(user, { action: "cluster:override" })) return refuse(403, "forbidden", "Only admins can override the cluster rule.");
  return succeed(`Cluster rule overridden: ${overrideReason}`);
}

/**
 * Writes the change, its exclusion event and its audit event in one statement: each statement is
 * a round trip, and a model query also costs ~1 ms of the server's CPU to plan (docs/benchmarks.md).
 * It writes only while the row still has the revision and the cluster `before` read, and returns
 * null when it did not (another change came first). It answers with the resource as written, as
 * getResource reads it: the API's answer needs no second read.
 */
async function writeChange(tx: Tx | null, user: CurrentUser, before: Row, change: ExclusionChange, now: Date): Promise<ResourceRecord | null> {
  const { after, event, audit } = change;
  const statement = changeStatement({
    ...after,
    id: before.id,
    revision: before.revision,
    clusterId: before.clusterId,
    now,
    eventId: randomUUID(),
    eventAction: event.action,
    eventReason: event.reason,
    eventUntil: event.until,
    eventGroup: event.group,
    ...auditRow({
      actor: { id: user.id, label: user.email },
      action: audit.action,
      entityType: "resource",
      entityId: before.id,
      entityLabel: before.name,
      before: audit.before,
      after: audit.after,
      reason: audit.reason,
      at: now,
    }),
  });
  const [updated] = await execute(statement, tx ?? undefined);
  return updated ?? null;
}

/** writeChange's statement, compiled once: the exclude and include round trip runs it. */
const changeStatement = prepared(
  (
    v: ExclusionChange["after"] &
      Pick<Row, "id" | "revision" | "clusterId"> & {
        now: Date;
        eventId: string;
        eventAction: ExclusionChange["event"]["action"];
        eventReason: string | null;
        eventUntil: Date | null;
        eventGroup: number | null;
      } & AuditRow,
  ) =>
    qb
      .with("updated", (db) =>
        db
          .updateTable("Resource")
          .set((eb) => ({
            excluded: v.excluded,
            patchGroup: v.patchGroup,
            exclusionReason: v.exclusionReason,
            exclusionUntil: v.exclusionUntil,
            excludedAt: v.excludedAt,
            excludedById: v.excludedById,
            revision: eb("revision", "+", eb.lit(1)),
            updatedAt: v.now,
          }))
          .where("id", "=", v.id)
          .where("revision", "=", v.revision)
          .where("clusterId", "is not distinct from", v.clusterId)
          .returningAll(),
      )
      // Values in a SELECT are text unless cast: the enum, the timestamps and the group are cast.
      .with("event", (db) =>
        db
          .insertInto("ExclusionEvent")
          .columns(["id", "resourceId", "action", "reason", "until", "group", "actorId", "actorLabel", "at"])
          .expression(
            db
              .selectFrom("updated")
              .select((eb) => [
                eb.val(v.eventId).as("id"),
                eb.val(v.id).as("resourceId"),
                eb.cast(eb.val(v.eventAction), sql`"ExclusionAction"`).as("action"),
                eb.val(v.eventReason).as("reason"),
                eb.cast(eb.val(v.eventUntil), "timestamp(3)").as("until"),
                eb.cast(eb.val(v.eventGroup), "integer").as("group"),
                eb.val(v.actorId).as("actorId"),
                eb.val(v.actorLabel).as("actorLabel"),
                eb.cast(eb.val(v.now), "timestamp(3)").as("at"),
              ]),
          ),
      )
      .with("audit", (db) =>
        db
          .insertInto("AuditEvent")
          .columns(AUDIT_COLUMNS)
          .expression(db.selectFrom("updated").select(auditValues(v))),
      )
      .selectFrom("updated as r")
      .innerJoin("Team as t", "t.id", "r.teamId")
      .innerJoin("Service as s", "s.id", "r.serviceId")
      .leftJoin("Cluster as c", "c.id", "r.clusterId")
      .select(RESOURCE_RECORD),
);

/** What a plan answers when the change must be made under locks, in a transaction. */
const NEEDS_LOCKS = Symbol("needs locks");

/** What a plan answers when the change would leave the resource as it is. */
const UNCHANGED = Symbol("unchanged");

/** What to write for the resource as read; given a transaction, it may read more under locks. */
type Plan = (r: Row, tx: Tx | null) => Promise<Outcome<ExclusionChange | typeof UNCHANGED | typeof NEEDS_LOCKS>>;

/** How often a change is tried without locks before it waits for them (busy rows, no revision named). */
const ATTEMPTS = 3;

/** Makes the change and answers the resource as it is after it (read again only when nothing changed). */
async function change(user: CurrentUser, name: string, revision: number | undefined, now: Date, plan: Plan): Promise<Outcome<ResourceRecord>> {
  const done = await writeOrLock(user, name, revision, now, plan);
  if (!done.ok) return done;
  if (done.value !== UNCHANGED) return succeed(done.value);
  const resource = await getResource(name, readableTeams(user));
  return resource ? succeed(resource) : refuse(404, "not-found", `No resource is named ${name}.`);
}

/**
 * Reads the resource, checks the caller and the revision, and writes in one statement that applies
 * only if nobody changed the row since the read: no transaction, two statements. A caller who named
 * a revision gets 409 when another change came between. Otherwise, and when the plan needs it (a
 * cluster node's move), the change is made in a transaction with the row locked.
 */
async function writeOrLock(
  user: CurrentUser,
  name: string,
  revision: number | undefined,
  now: Date,
  plan: Plan,
): Promise<Outcome<ResourceRecord | typeof UNCHANGED>> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const gated = gate(user, await readResource(name), revision, name);
    if (!gated.ok) return gated;
    const planned = await plan(gated.value, null);
    if (!planned.ok) return planned;
    if (planned.value === NEEDS_LOCKS) break;
    if (planned.value === UNCHANGED) return succeed(UNCHANGED);
    const written = await writeChange(null, user, gated.value, planned.value, now);
    if (written) return succeed(written);
    if (revision !== undefined) return refuse(409, "conflict", CONFLICT_MESSAGE);
  }
  return db.$transaction(async (tx) => {
    const gated = gate(user, await lockResource(tx, name), revision, name);
    if (!gated.ok) return gated;
    const planned = await plan(gated.value, tx);
    if (!planned.ok) return planned;
    if (planned.value === NEEDS_LOCKS) throw new Error("A plan asked for locks while holding them.");
    if (planned.value === UNCHANGED) return succeed(UNCHANGED);
    return succeed((await writeChange(tx, user, gated.value, planned.value, now))!); // locked: nobody changed it
  });
}

export async function excludeResource(user: CurrentUser, name: string, input: ExcludeInput, now: Date): Promise<Outcome<ResourceRecord>> {
  const refusal = expiryRefusal(input.until, now);
  if (refusal) return refuse(400, "invalid", refusal);
  const request = { action: "exclude", reason: input.reason, until: input.until ?? null } as const;
  return change(user, name, input.revision, now, async (r) => succeed(exclusionChange(r, request, user.id, now) ?? UNCHANGED));
}

/**
 * Includes the resource into `group` ("include"), or only moves it to another group ("regroup").
 * Moving a cluster's node checks the cluster rule, which reads the other nodes: under the locks.
 */
export function setResourceGroup(
  user: CurrentUser,
  name: string,
  input: GroupChangeInput,
  now: Date,
  mode: "include" | "regroup",
): Promise<Outcome<ResourceRecord>> {
  return change(user, name, input.revision, now, async (r, tx) => {
    let reason: string | null = null;
    if (r.clusterId && r.patchGroup !== input.group) {
      if (!tx) return succeed(NEEDS_LOCKS);
      const cluster = await checkCluster(tx, user, r, input.group, input.overrideReason);
      if (!cluster.ok) return cluster;
      reason = cluster.value;
    }
    return succeed(exclusionChange(r, { action: mode, group: input.group, reason }, user.id, now) ?? UNCHANGED);
  });
}

const connectionOf = (r: Connection): Connection => ({ address: r.address, sshPort: r.sshPort, sshUser: r.sshUser });

/**
 * PATCH /api/v1/resources/{name} and the resource page's connection form: moves the resource to
 * `input.group`, sets its connection fields (a field left undefined stays as it is, null clears
 * it), or both, as one change with one revision. Without connection fields it is a regroup.
 */
export async function updateResource(user: CurrentUser, name: string, input: ResourcePatchInput, now: Date): Promise<Outcome<ResourceRecord>> {
  const { group, revision, overrideReason } = input;
  if (CONNECTION_FIELDS.every((field) => input[field] === undefined)) {
    if (group === undefined) return refuse(400, "invalid", "Send at least one of group, address, sshPort and sshUser.");
    return setResourceGroup(user, name, { group, revision, overrideReason }, now, "regroup");
  }
  const done = await db.$transaction(async (tx): Promise<Outcome<ResourceRecord | typeof UNCHANGED>> => {
    const gated = gate(user, await lockResource(tx, name), revision, name);
    if (!gated.ok) return gated;
    const before = gated.value;
    // Where the installation's SSH key is used is the admins' to say: an owner pointing their
    // resource at another team's host would have it patched (as root) in their own slot.
    if (!can(user, { action: "resource:connect" }))
      return refuse(403, "forbidden", "Only admins set where the executors reach a resource (its address, SSH port and user).");
    let regrouped: ResourceRecord | null = null;
    if (group !== undefined) {
      let reason: string | null = null;
      if (before.clusterId && before.patchGroup !== group) {
        const cluster = await checkCluster(tx, user, before, group, overrideReason);
        if (!cluster.ok) return cluster;
        reason = cluster.value;
      }
      const regroup = exclusionChange(before, { action: "regroup", group, reason }, user.id, now);
      if (regroup) regrouped = await writeChange(tx, user, before, regroup, now); // locked: it applies
    }
    const after: Connection = {
      address: input.address === undefined ? before.address : input.address,
      sshPort: input.sshPort === undefined ? before.sshPort : input.sshPort,
      sshUser: input.sshUser === undefined ? before.sshUser : input.sshUser,
    };
    if (CONNECTION_FIELDS.every((field) => after[field] === before[field])) return succeed(regrouped ?? UNCHANGED);
    // One request, one revision: a regroup in the same request already counted it.
    const [written] = await execute(
      qb
        .with("updated", (db) =>
          db
            .updateTable("Resource")
            .set((eb) => ({
              address: after.address,
              sshPort: eb.cast<number | null>(eb.val(after.sshPort), "integer"),
              sshUser: after.sshUser,
              revision: before.revision + 1,
              updatedAt: now,
            }))
            .where("id", "=", before.id)
            .returningAll(),
        )
        .selectFrom("updated as r")
        .innerJoin("Team as t", "t.id", "r.teamId")
        .innerJoin("Service as s", "s.id", "r.serviceId")
        .leftJoin("Cluster as c", "c.id", "r.clusterId")
        .select(RESOURCE_RECORD),
      tx,
    );
    await recordAudit(tx, {
      actor: { id: user.id, label: user.email },
      action: "resource.connection",
      entityType: "resource",
      entityId: before.id,
      entityLabel: before.name,
      before: connectionOf(before),
      after,
      at: now,
    });
    return succeed(written!); // locked: the row is there
  });
  if (!done.ok) return done;
  if (done.value !== UNCHANGED) return succeed(done.value);
  const resource = await getResource(name, readableTeams(user));
  return resource ? succeed(resource) : refuse(404, "not-found", `No resource is named ${name}.`);
}
