// Inventory sources and their syncs (issue 21, decision 021). A sync reads the source (Ansible
// through ansible-inventory, or NetBox's API), maps its hosts (lib/domain/inventory.ts), plans
// against the source's servers, and keeps the plan as a preview; "Apply" carries it out in one
// transaction of a few batched statements, with one audit event. Nothing is ever deleted: a server
// gone from its source is retired (retiredAt), and what a person set (patch group, exclusions, SSH
// port and user, and every field the mapping does not map) is never written by a sync.
import "server-only";
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { sql, type InferResult } from "kysely";
import { can, type CurrentUser } from "../auth/permissions";
import { openSecret, sealSecret } from "../auth/secret-box";
import {
  mapHost,
  planSync,
  spreadGroup,
  type DesiredServer,
  type EnvironmentValue,
  type ExistingServer,
  type HostError,
  type KindValue,
  type MappedHost,
  type Mapping,
  type Plan,
  type PlanItem,
  type PlanOp,
  type SourceHost,
} from "../domain/inventory";
import { db, execute, qb, unnest } from "../db";
import { readAnsibleInventory, SourceReadError } from "../inventory/ansible";
import { readNetbox } from "../inventory/netbox";
import {
  AnsibleConfigSchema,
  MappingSchema,
  NetboxConfigSchema,
  type AnsibleConfig,
  type InventorySourceCreate,
  type InventorySourceUpdate,
  type NetboxConfig,
} from "../validation/inventory";
import { firstIssue } from "../validation/common";
import { recordAudit, type Actor } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";

type Tx = Prisma.TransactionClient;

const FORBIDDEN = "Only admins manage inventory sources.";
const NOT_FOUND = "No inventory source has that id.";
const SYNC_NOT_FOUND = "This source has no sync with that id.";
const CONFLICT = "Someone changed this source since you loaded it. Nothing was saved: reload to see their change.";
/** Host errors kept per sync; the rest are counted. */
const ERRORS_KEPT = 2000;
/** Syncs kept per source (newest); older ones are removed when a new one starts. */
const SYNCS_KEPT = 200;
/** A sync left RUNNING this long (its process died) no longer blocks the next one. */
const STUCK_MS = 30 * 60_000;

const actorOf = (user: CurrentUser): Actor => ({ id: user.id, label: user.email });
const kindName = (kind: "ANSIBLE" | "NETBOX") => (kind === "ANSIBLE" ? ("ansible" as const) : ("netbox" as const));

// ---- sources ----

export type SourceConfigView = { kind: "ansible"; fileName: string; text: string; lines: number } | ({ kind: "netbox" } & NetboxConfig);

export type SourceSummary = {
  id: string;
  name: string;
  kind: "ansible" | "netbox";
  tokenSet: boolean;
  intervalMinutes: number | null;
  autoApply: boolean;
  nextSyncAt: Date | null;
  lastSyncAt: Date | null;
  revision: number;
  createdAt: Date;
  servers: number;
  retiredServers: number;
  lastSync: { id: string; state: string; startedAt: Date; finishedAt: Date | null; error: string | null } | null;
};

export type SourceView = SourceSummary & { config: SourceConfigView; mapping: Mapping; createdBy: string | null };

function configView(kind: "ANSIBLE" | "NETBOX", config: unknown, withText: boolean): SourceConfigView {
  if (kind === "ANSIBLE") {
    const c = config as AnsibleConfig;
    const lines = c.text ? c.text.split("\n").length : 0;
    return { kind: "ansible", fileName: c.fileName, text: withText ? c.text : "", lines };
  }
  return { kind: "netbox", ...(config as NetboxConfig) };
}

const summaryQuery = () =>
  qb.selectFrom("InventorySource as s").select((eb) => [
    "s.id",
    "s.name",
    "s.kind",
    "s.tokenSealed",
    "s.intervalMinutes",
    "s.autoApply",
    "s.nextSyncAt",
    "s.lastSyncAt",
    "s.revision",
    "s.createdAt",
    eb
      .selectFrom("Resource as r")
      .select((e) => e.cast<number>(e.fn.countAll(), "integer").as("n"))
      .whereRef("r.sourceId", "=", "s.id")
      .where("r.retiredAt", "is", null)
      .as("servers"),
    eb
      .selectFrom("Resource as r")
      .select((e) => e.cast<number>(e.fn.countAll(), "integer").as("n"))
      .whereRef("r.sourceId", "=", "s.id")
      .where("r.retiredAt", "is not", null)
      .as("retiredServers"),
    eb
      .selectFrom("InventorySync as y")
      .select(
        sql<string>`json_build_object('id', y.id, 'state', y.state, 'startedAt', y."startedAt", 'finishedAt', y."finishedAt", 'error', y.error)::text`.as("j"),
      )
      .whereRef("y.sourceId", "=", "s.id")
      .orderBy("y.startedAt", "desc")
      .limit(1)
      .as("lastSync"),
  ]);

function toSummary(row: {
  id: string;
  name: string;
  kind: "ANSIBLE" | "NETBOX";
  tokenSealed: string | null;
  intervalMinutes: number | null;
  autoApply: boolean;
  nextSyncAt: Date | null;
  lastSyncAt: Date | null;
  revision: number;
  createdAt: Date;
  servers: number | null;
  retiredServers: number | null;
  lastSync: string | null;
}): SourceSummary {
  const last = row.lastSync
    ? (JSON.parse(row.lastSync) as { id: string; state: string; startedAt: string; finishedAt: string | null; error: string | null })
    : null;
  return {
    id: row.id,
    name: row.name,
    kind: kindName(row.kind),
    tokenSet: row.tokenSealed !== null,
    intervalMinutes: row.intervalMinutes,
    autoApply: row.autoApply,
    nextSyncAt: row.nextSyncAt,
    lastSyncAt: row.lastSyncAt,
    revision: row.revision,
    createdAt: row.createdAt,
    servers: row.servers ?? 0,
    retiredServers: row.retiredServers ?? 0,
    lastSync: last ? { ...last, startedAt: new Date(`${last.startedAt}Z`), finishedAt: last.finishedAt ? new Date(`${last.finishedAt}Z`) : null } : null,
  };
}

/** Every source, by name (a few dozen is many). */
export async function listSources(): Promise<SourceSummary[]> {
  return (await execute(summaryQuery().orderBy("s.name").limit(500))).map(toSummary);
}

/** One source with its settings and mapping; never its token. The inventory text only when `withText`. */
export async function getSource(id: string, { withText = true }: { withText?: boolean } = {}): Promise<SourceView | null> {
  if (id.length > 40) return null;
  const [row] = await execute(
    summaryQuery().leftJoin("User as u", "u.id", "s.createdById").select(["s.config", "s.mapping", "u.email as createdBy"]).where("s.id", "=", id),
  );
  if (!row) return null;
  return { ...toSummary(row), config: configView(row.kind, row.config, withText), mapping: row.mapping as Mapping, createdBy: row.createdBy };
}

const nextRun = (interval: number | null, now: Date) => (interval ? new Date(now.getTime() + interval * 60_000) : null);

const sealedToken = (token: string, sourceId: string) => sealSecret(token, sourceId, "inventory-token");

export async function createSource(user: CurrentUser, input: InventorySourceCreate, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "inventory:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  return db.$transaction(async (tx) => {
    const taken = await tx.inventorySource.findUnique({ where: { name: input.name }, select: { id: true } });
    if (taken) return refuse(409, "conflict", `name: a source called ${input.name} exists already`);
    const id = `inv_${randomUUID().replace(/-/g, "")}`;
    await tx.inventorySource.create({
      data: {
        id,
        name: input.name,
        kind: input.kind === "ansible" ? "ANSIBLE" : "NETBOX",
        config: input.config,
        mapping: input.mapping,
        intervalMinutes: input.intervalMinutes,
        autoApply: input.autoApply,
        nextSyncAt: nextRun(input.intervalMinutes, now),
        // Sealed bound to the row's id: a sealed token copied to another row does not open.
        tokenSealed: input.token ? sealedToken(input.token, id) : null,
        createdById: user.id,
        createdAt: now,
      },
    });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "inventory-source.create",
      entityType: "inventory-source",
      entityId: id,
      entityLabel: input.name,
      after: auditedSettings(input.kind, input.config, input.mapping, input.intervalMinutes, input.autoApply, Boolean(input.token)),
      at: now,
    });
    return succeed({ id });
  });
}

/** A source's settings as its audit records them: never the token, and of an inventory's text only its size. */
function auditedSettings(kind: "ansible" | "netbox", config: unknown, mapping: unknown, intervalMinutes: number | null, autoApply: boolean, tokenSet: boolean) {
  const c = config as Record<string, unknown>;
  const shown = kind === "ansible" ? { fileName: c.fileName, characters: typeof c.text === "string" ? c.text.length : 0 } : c;
  return { kind, config: shown, mapping, intervalMinutes, autoApply, tokenSet } as Prisma.InputJsonValue;
}

export async function updateSource(user: CurrentUser, id: string, input: InventorySourceUpdate, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "inventory:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  if (id.length > 40) return refuse(404, "not-found", NOT_FOUND);
  return db.$transaction(async (tx) => {
    const [current] = await execute(
      qb
        .selectFrom("InventorySource")
        .select(["id", "name", "kind", "config", "mapping", "intervalMinutes", "autoApply", "tokenSealed", "revision", "nextSyncAt"])
        .where("id", "=", id)
        .forUpdate(),
      tx,
    );
    if (!current) return refuse(404, "not-found", NOT_FOUND);
    if (input.revision !== undefined && input.revision !== current.revision) return refuse(409, "conflict", CONFLICT);
    const kind = kindName(current.kind);
    let config: unknown = current.config;
    if (input.config !== undefined) {
      // A config is sent whole; for Ansible, a missing text keeps the one stored (the page does not resend 10 MB).
      const merged = kind === "ansible" && input.config.text === undefined ? { ...input.config, text: (current.config as AnsibleConfig).text } : input.config;
      const parsed = (kind === "ansible" ? AnsibleConfigSchema : NetboxConfigSchema).safeParse(merged);
      if (!parsed.success) return refuse(400, "invalid", `config.${firstIssue(parsed.error)}`);
      config = parsed.data;
    }
    if (input.name !== undefined && input.name !== current.name) {
      const taken = await tx.inventorySource.findUnique({ where: { name: input.name }, select: { id: true } });
      if (taken) return refuse(409, "conflict", `name: a source called ${input.name} exists already`);
    }
    const intervalMinutes = input.intervalMinutes !== undefined ? input.intervalMinutes : current.intervalMinutes;
    const autoApply = input.autoApply ?? current.autoApply;
    const tokenSealed = input.token === undefined ? current.tokenSealed : input.token === null ? null : sealedToken(input.token, id);
    if (kind === "netbox" && tokenSealed === null) return refuse(400, "invalid", "token: a NetBox source needs a token");
    await tx.inventorySource.update({
      where: { id },
      data: {
        name: input.name,
        config: config as Prisma.InputJsonValue,
        mapping: input.mapping,
        intervalMinutes,
        autoApply,
        tokenSealed,
        nextSyncAt: input.intervalMinutes !== undefined ? nextRun(intervalMinutes, now) : current.nextSyncAt,
        revision: { increment: 1 },
        updatedAt: now,
      },
    });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "inventory-source.update",
      entityType: "inventory-source",
      entityId: id,
      entityLabel: input.name ?? current.name,
      before: auditedSettings(kind, current.config, current.mapping, current.intervalMinutes, current.autoApply, current.tokenSealed !== null),
      after: {
        ...(auditedSettings(kind, config, input.mapping ?? current.mapping, intervalMinutes, autoApply, tokenSealed !== null) as object),
        ...(typeof input.token === "string" ? { tokenReplaced: true } : {}),
      },
      at: now,
    });
    return succeed({ id });
  });
}

/**
 * Deletes a source and its sync history. Its servers stay, as if typed by a person (their source
 * is cleared by the foreign key, ON DELETE SET NULL): nothing of their history is lost, and no
 * sync owns them any more.
 */
export async function deleteSource(user: CurrentUser, id: string, now: Date): Promise<Outcome<null>> {
  if (!can(user, { action: "inventory:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  if (id.length > 40) return refuse(404, "not-found", NOT_FOUND);
  return db.$transaction(async (tx) => {
    const [current] = await execute(qb.selectFrom("InventorySource").select(["id", "name", "kind"]).where("id", "=", id).forUpdate(), tx);
    if (!current) return refuse(404, "not-found", NOT_FOUND);
    await tx.inventorySource.delete({ where: { id } });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "inventory-source.delete",
      entityType: "inventory-source",
      entityId: id,
      entityLabel: current.name,
      before: { kind: kindName(current.kind) },
      at: now,
    });
    return succeed(null);
  });
}

// ---- reading and mapping ----

type SourceRow = { id: string; name: string; kind: "ANSIBLE" | "NETBOX"; config: unknown; mapping: unknown; tokenSealed: string | null; updatedAt: Date };

const loadSource = async (id: string, tx?: Tx) =>
  (
    await execute(qb.selectFrom("InventorySource").select(["id", "name", "kind", "config", "mapping", "tokenSealed", "updatedAt"]).where("id", "=", id), tx)
  )[0] as SourceRow | undefined;

/** The source's hosts, read now. A SourceReadError says why not, without the token. */
async function readSource(source: SourceRow): Promise<SourceHost[]> {
  const token = source.tokenSealed ? openSecret(source.tokenSealed, source.id, "inventory-token") : null;
  if (source.tokenSealed && token === null)
    throw new SourceReadError("The source's token cannot be read (NEXTAUTH_SECRET changed?): set it again on its page.");
  if (source.kind === "ANSIBLE") return readAnsibleInventory(source.config as AnsibleConfig, token);
  return readNetbox(source.config as NetboxConfig, token);
}

type Teams = { byKey: Map<string, string> };

async function loadTeams(tx?: Tx): Promise<Teams> {
  const rows = await execute(qb.selectFrom("Team").select(["id", "slug", "name"]), tx);
  const byKey = new Map<string, string>();
  for (const t of rows) {
    byKey.set(t.slug.toLowerCase(), t.id);
    byKey.set(t.name.toLowerCase(), t.id);
  }
  return { byKey };
}

/** Hosts through the mapping, with their teams found: what the plan takes. */
function desiredOf(hosts: readonly SourceHost[], mapping: Mapping, teams: Teams) {
  const desired: DesiredServer[] = [];
  const mapped: (MappedHost & { teamId: string })[] = [];
  const errors: HostError[] = [];
  const failed = new Set<string>();
  for (const host of hosts) {
    const result = mapHost(mapping, host);
    if (!result.ok) {
      errors.push(result.error);
      failed.add(host.externalId);
      continue;
    }
    const h = result.host;
    const teamId = teams.byKey.get(h.team.toLowerCase());
    if (!teamId) {
      // Teams carry their members and customer contacts: a person adds them, a sync never invents one.
      errors.push({ host: h.name, message: `no team "${h.team}" in PatchParty (by slug or name): add it, or map this host to one that exists` });
      failed.add(host.externalId);
      continue;
    }
    mapped.push({ ...h, teamId });
    const server: DesiredServer = {
      externalId: h.externalId,
      name: h.name,
      teamId,
      environment: h.environment,
      kind: h.kind,
      service: h.service,
      group: h.group ?? spreadGroup(h.name),
    };
    if (h.cluster !== undefined) server.cluster = h.cluster;
    if (h.address !== undefined) server.address = h.address;
    if (h.tags !== undefined) server.tags = h.tags;
    desired.push(server);
  }
  return { desired, mapped, errors, failed };
}

export type MappingPreview = { hosts: number; mapped: (MappedHost & { teamId: string })[]; errors: HostError[]; errorCount: number };

/** "Preview mapping": the source read now through `mapping` (the one being edited, not yet saved): the first hosts mapped and the errors. Writes nothing. */
export async function previewMapping(user: CurrentUser, id: string, mapping: Mapping, shown = 20): Promise<Outcome<MappingPreview>> {
  if (!can(user, { action: "inventory:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  const source = id.length <= 40 ? await loadSource(id) : undefined;
  if (!source) return refuse(404, "not-found", NOT_FOUND);
  let hosts: SourceHost[];
  try {
    hosts = await readSource(source);
  } catch (error) {
    if (error instanceof SourceReadError) return refuse(400, "source", error.message);
    throw error;
  }
  const { mapped, errors } = desiredOf(hosts, mapping, await loadTeams());
  return succeed({ hosts: hosts.length, mapped: mapped.slice(0, shown), errors: errors.slice(0, 50), errorCount: errors.length });
}

/** The source's servers as the plan compares them: one statement. */
async function existingServers(sourceId: string, tx?: Tx): Promise<ExistingServer[]> {
  const rows = await execute(
    qb
      .selectFrom("Resource as r")
      .innerJoin("Service as v", "v.id", "r.serviceId")
      .leftJoin("Cluster as c", "c.id", "r.clusterId")
      .select([
        "r.id",
        "r.externalId",
        "r.revision",
        "r.retiredAt",
        "r.name",
        "r.teamId",
        "r.environment",
        "r.kind",
        "v.name as service",
        "c.name as cluster",
        "r.address",
        "r.tags",
      ])
      .where("r.sourceId", "=", sourceId),
    tx,
  );
  return rows.map((r) => ({ ...r, externalId: r.externalId ?? r.id, environment: r.environment as EnvironmentValue, kind: r.kind as KindValue }));
}

/** Of `names`, those held by servers typed by a person or of another source. */
async function namesHeldElsewhere(sourceId: string, names: string[], tx?: Tx): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await execute(
    qb
      .selectFrom("Resource")
      .select("name")
      .where((eb) => eb("name", "=", eb.fn.any(eb.val(names))))
      .where((eb) => eb.or([eb("sourceId", "is", null), eb("sourceId", "<>", sourceId)])),
    tx,
  );
  return new Set(rows.map((r) => r.name));
}

async function planFor(source: SourceRow, hosts: readonly SourceHost[]): Promise<Plan> {
  const mapping = MappingSchema.safeParse(source.mapping);
  if (!mapping.success) throw new SourceReadError(`The source's mapping is not valid: ${firstIssue(mapping.error)}. Fix it on the source's page.`);
  const { desired, errors, failed } = desiredOf(hosts, mapping.data, await loadTeams());
  const [existing, takenNames] = await Promise.all([
    existingServers(source.id),
    namesHeldElsewhere(
      source.id,
      desired.map((d) => d.name),
    ),
  ]);
  return planSync({ desired, existing, failed, errors, takenNames });
}

// ---- syncs ----

export type SyncView = {
  id: string;
  sourceId: string;
  state: "RUNNING" | "PREVIEW" | "APPLIED" | "DISCARDED" | "FAILED";
  trigger: string;
  actorLabel: string;
  startedAt: Date;
  finishedAt: Date | null;
  appliedAt: Date | null;
  hosts: number;
  added: number;
  changed: number;
  retired: number;
  restored: number;
  unchanged: number;
  hostErrors: HostError[];
  error: string | null;
};

const SYNC_COLUMNS = [
  "y.id",
  "y.sourceId",
  "y.state",
  "y.trigger",
  "y.actorLabel",
  "y.startedAt",
  "y.finishedAt",
  "y.appliedAt",
  "y.hosts",
  "y.added",
  "y.changed",
  "y.retired",
  "y.unchanged",
  "y.hostErrors",
  "y.error",
] as const;

const syncQuery = () =>
  qb
    .selectFrom("InventorySync as y")
    .select(SYNC_COLUMNS)
    .select(sql<number>`coalesce(jsonb_array_length(jsonb_path_query_array(y.plan, '$[*] ? (@.op == "restore")')), 0)`.as("restored"));

function toSync(row: InferResult<ReturnType<typeof syncQuery>>[number]): SyncView {
  return { ...row, hostErrors: (row.hostErrors as HostError[]) ?? [] };
}

/** The newest syncs of a source. */
export async function listSyncs(sourceId: string, limit = 20): Promise<SyncView[]> {
  if (sourceId.length > 40) return [];
  return (await execute(syncQuery().where("y.sourceId", "=", sourceId).orderBy("y.startedAt", "desc").orderBy("y.id", "desc").limit(limit))).map(toSync);
}

export async function getSync(sourceId: string, syncId: string): Promise<SyncView | null> {
  if (sourceId.length > 40 || syncId.length > 60) return null;
  const [row] = await execute(syncQuery().where("y.sourceId", "=", sourceId).where("y.id", "=", syncId));
  return row ? toSync(row) : null;
}

/** A page of a sync's plan (one kind of change, or all), in plan order. */
export async function listPlanItems(syncId: string, op: PlanOp | undefined, offset: number, limit: number): Promise<{ items: PlanItem[]; total: number }> {
  const elements = sql<{
    item: PlanItem;
    n: number;
  }>`jsonb_array_elements(coalesce((SELECT plan FROM "InventorySync" WHERE id = ${syncId}), '[]'::jsonb)) WITH ORDINALITY`.as<"e">(sql`e(item, n)`);
  let query = qb.selectFrom(elements).select((eb) => ["e.item", eb.fn.count<bigint>("e.n").over().as("total")]);
  if (op) query = query.where(sql<string>`e.item->>'op'`, "=", op);
  const rows = await execute(query.orderBy("e.n").offset(offset).limit(limit));
  const total = rows[0] ? Number(rows[0].total) : op ? 0 : 0;
  return { items: rows.map((r) => r.item), total };
}

const sameSourceRunning = (sourceId: string, now: Date) =>
  qb
    .selectFrom("InventorySync")
    .select("id")
    .where("sourceId", "=", sourceId)
    .where("state", "=", "RUNNING")
    .where("startedAt", ">", new Date(now.getTime() - STUCK_MS));

export type SyncRequest = { actor: Actor; trigger: "person" | "schedule"; apply: boolean };

/**
 * A sync of one source: reads it (outside any transaction: a dynamic inventory may take minutes),
 * plans, and records the plan as a preview; with `apply` it is carried out at once. A source that
 * cannot be read gives a FAILED sync with a readable reason. One sync of a source runs at a time.
 */
export async function startSync(user: CurrentUser | null, sourceId: string, request: SyncRequest, now: Date): Promise<Outcome<SyncView>> {
  if (user && !can(user, { action: "inventory:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  const source = sourceId.length <= 40 ? await loadSource(sourceId) : undefined;
  if (!source) return refuse(404, "not-found", NOT_FOUND);
  const syncId = `sync_${randomUUID().replace(/-/g, "")}`;
  const started = await db.$transaction(async (tx) => {
    // The source's row lock orders two requests to start: the second sees the first RUNNING.
    await execute(qb.selectFrom("InventorySource").select("id").where("id", "=", sourceId).forUpdate(), tx);
    if ((await execute(sameSourceRunning(sourceId, now), tx)).length > 0) return false;
    await tx.inventorySync.create({
      data: { id: syncId, sourceId, state: "RUNNING", trigger: request.trigger, actorId: request.actor.id, actorLabel: request.actor.label, startedAt: now },
    });
    const old = await execute(
      qb.selectFrom("InventorySync").select("id").where("sourceId", "=", sourceId).orderBy("startedAt", "desc").offset(SYNCS_KEPT).limit(1000),
      tx,
    );
    if (old.length) await tx.inventorySync.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
    return true;
  });
  if (!started) return refuse(409, "running", "A sync of this source is running: wait for it to finish.");
  let plan: Plan;
  try {
    plan = await planFor(source, await readSource(source));
  } catch (error) {
    const message = error instanceof SourceReadError ? error.message : "Reading the source failed unexpectedly; it was logged on the server.";
    if (!(error instanceof SourceReadError)) console.error(`Inventory sync of ${source.name} failed`, error);
    await db.inventorySync.update({ where: { id: syncId }, data: { state: "FAILED", error: message, finishedAt: new Date() } });
    await execute(qb.updateTable("InventorySource").set({ lastSyncAt: now }).where("id", "=", sourceId));
    return succeed((await getSync(sourceId, syncId))!);
  }
  const errors =
    plan.errors.length > ERRORS_KEPT
      ? [...plan.errors.slice(0, ERRORS_KEPT), { host: "…", message: `and ${plan.errors.length - ERRORS_KEPT} more` }]
      : plan.errors;
  await db.$transaction(async (tx) => {
    // A newer preview replaces an older one: only the latest can be applied.
    await tx.inventorySync.updateMany({ where: { sourceId, state: "PREVIEW" }, data: { state: "DISCARDED", finishedAt: now } });
    // Built, not a model call: a plan of 100,000 servers is ~25 MB of JSON, sent as one text parameter.
    await execute(
      qb
        .updateTable("InventorySync")
        .set({
          state: "PREVIEW",
          finishedAt: new Date(),
          hosts: plan.counts.hosts,
          added: plan.counts.added,
          changed: plan.counts.changed + plan.counts.restored,
          retired: plan.counts.retired,
          unchanged: plan.counts.unchanged,
          plan: sql`${JSON.stringify(plan.items)}::jsonb`,
          hostErrors: sql`${JSON.stringify(errors)}::jsonb`,
        })
        .where("id", "=", syncId),
      tx,
    );
  });
  // A sync that would change nothing is done: applying it writes no server (and a schedule leaves no preview to look at).
  if (request.apply || plan.items.length === 0) {
    const applied = await applySync(null, sourceId, syncId, request.actor, now, { quietWhenEmpty: request.trigger === "schedule" });
    if (!applied.ok) return applied;
  }
  return succeed((await getSync(sourceId, syncId))!);
}

class PlanConflict extends Error {
  override name = "PlanConflict";
}

/**
 * Carries out a preview: in one transaction, under the source's row lock, the servers to add are
 * inserted, those to change or restore updated, and those to retire marked, each kind in one
 * statement from arrays (unnest), whatever their number; services and clusters the plan names
 * that do not exist yet are made first. Every server is written only if it is still as the
 * preview saw it (its revision; an added name still free): otherwise nothing is written and the
 * answer says to preview again. Audited once, with the counts.
 */
export async function applySync(
  user: CurrentUser | null,
  sourceId: string,
  syncId: string,
  actor: Actor,
  now: Date,
  { quietWhenEmpty = false }: { quietWhenEmpty?: boolean } = {},
): Promise<Outcome<SyncView>> {
  if (user && !can(user, { action: "inventory:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  if (sourceId.length > 40 || syncId.length > 60) return refuse(404, "not-found", SYNC_NOT_FOUND);
  try {
    const result = await db.$transaction(
      async (tx) => {
        const [source] = await execute(qb.selectFrom("InventorySource").select(["id", "name", "updatedAt"]).where("id", "=", sourceId).forUpdate(), tx);
        if (!source) return refuse(404, "not-found", NOT_FOUND);
        const [sync] = await execute(
          qb
            .selectFrom("InventorySync")
            .select(["id", "state", "startedAt", "plan", "added", "changed", "retired", "unchanged", "hostErrors"])
            .where("id", "=", syncId)
            .where("sourceId", "=", sourceId)
            .forUpdate(),
          tx,
        );
        if (!sync) return refuse(404, "not-found", SYNC_NOT_FOUND);
        if (sync.state !== "PREVIEW") return refuse(409, "state", `This sync is ${sync.state.toLowerCase()}: only a preview can be applied.`);
        if (source.updatedAt > sync.startedAt) return refuse(409, "stale", "The source's settings or mapping changed since this preview: preview again.");
        const items = (sync.plan as PlanItem[] | null) ?? [];
        await writePlan(tx, sourceId, items, now);
        await tx.inventorySync.update({ where: { id: syncId }, data: { state: "APPLIED", appliedAt: now } });
        await execute(qb.updateTable("InventorySource").set({ lastSyncAt: now }).where("id", "=", sourceId), tx);
        const restored = items.filter((i) => i.op === "restore").length;
        if (!(quietWhenEmpty && items.length === 0))
          await recordAudit(tx, {
            actor,
            action: "inventory.sync",
            entityType: "inventory-source",
            entityId: sourceId,
            entityLabel: source.name,
            after: {
              sync: syncId,
              added: sync.added,
              changed: sync.changed - restored,
              restored,
              retired: sync.retired,
              unchanged: sync.unchanged,
              hostErrors: Array.isArray(sync.hostErrors) ? sync.hostErrors.length : 0,
            },
            reason: items.length === 0 ? "nothing changed" : null,
            at: now,
          });
        return succeed(null);
      },
      { timeout: 10 * 60_000, maxWait: 30_000 },
    );
    if (!result.ok) return result;
  } catch (error) {
    if (error instanceof PlanConflict || (error as { code?: string }).code === "23505" || /unique constraint/i.test(String((error as Error).message)))
      return refuse(
        409,
        "conflict",
        `Servers of this source changed since the preview${error instanceof PlanConflict ? ` (${error.message})` : ""}: nothing was written. Preview again.`,
      );
    throw error;
  }
  return succeed((await getSync(sourceId, syncId))!);
}

/** Drops a preview: no server is written; who dropped it, and what it held, is audited. */
export async function discardSync(user: CurrentUser, sourceId: string, syncId: string, now: Date): Promise<Outcome<SyncView>> {
  if (!can(user, { action: "inventory:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  if (sourceId.length > 40 || syncId.length > 60) return refuse(404, "not-found", SYNC_NOT_FOUND);
  const done = await db.$transaction(async (tx) => {
    const dropped = await tx.inventorySync.updateManyAndReturn({
      where: { id: syncId, sourceId, state: "PREVIEW" },
      data: { state: "DISCARDED", finishedAt: now },
      select: { added: true, changed: true, retired: true, unchanged: true, source: { select: { name: true } } },
    });
    for (const sync of dropped)
      await recordAudit(tx, {
        actor: { id: user.id, label: user.email },
        action: "inventory.discard",
        entityType: "inventory-source",
        entityId: sourceId,
        entityLabel: sync.source.name,
        after: { sync: syncId, added: sync.added, changed: sync.changed, retired: sync.retired, unchanged: sync.unchanged },
      });
    return dropped.length;
  });
  const sync = await getSync(sourceId, syncId);
  if (!sync) return refuse(404, "not-found", SYNC_NOT_FOUND);
  if (done === 0) return refuse(409, "state", `This sync is ${sync.state.toLowerCase()}: only a preview can be discarded.`);
  return succeed(sync);
}

/** The separator of a server's tags in one text value (tags are one line each, so never hold it). */
const TAG_SEPARATOR = "\u001f";
const tagsText = (tags: readonly string[] | undefined) => (tags === undefined ? null : tags.join(TAG_SEPARATOR));

/** Every write of a plan, in the caller's transaction: a handful of statements whatever its size. */
async function writePlan(tx: Tx, sourceId: string, items: readonly PlanItem[], now: Date) {
  const adds = items.filter((i) => i.op === "add");
  const updates = items.filter((i) => i.op === "change" || i.op === "restore");
  const retires = items.filter((i) => i.op === "retire");
  const written = [...adds, ...updates];
  // Services and clusters named that do not exist yet: made now (a service belongs to its first server's team).
  const services = new Map<string, string>();
  const clusters = new Set<string>();
  for (const item of written) {
    const service = item.after?.service;
    if (service !== undefined && !services.get(service)) services.set(service, item.after?.teamId ?? "");
    if (item.after?.cluster) clusters.add(item.after.cluster);
  }
  const serviceIds = new Map<string, string>();
  if (services.size) {
    const names = [...services.keys()];
    // A service changing on a server that keeps its team: the new service gets that server's team.
    const teamless = names.filter((n) => !services.get(n));
    if (teamless.length) {
      const owners = await execute(
        qb
          .selectFrom("Resource")
          .select(["teamId", "externalId"])
          .where("sourceId", "=", sourceId)
          .where((eb) => eb("externalId", "=", eb.fn.any(eb.val(updates.filter((u) => teamless.includes(u.after!.service!)).map((u) => u.externalId))))),
        tx,
      );
      const byExternal = new Map(owners.map((o) => [o.externalId, o.teamId]));
      for (const u of updates) if (u.after?.service && !services.get(u.after.service)) services.set(u.after.service, byExternal.get(u.externalId) ?? "");
    }
    const rows = [...services].filter(([, team]) => team);
    await execute(
      qb
        .insertInto("Service")
        .columns(["id", "name", "teamId"])
        .expression(
          qb
            .selectFrom(unnest("u", { name: [rows.map(([n]) => n), "text"], team: [rows.map(([, t]) => t), "text"] }))
            .select([sql<string>`gen_random_uuid()::text`.as("id"), "u.name", "u.team"]),
        )
        .onConflict((c) => c.column("name").doNothing()),
      tx,
    );
    for (const s of await execute(
      qb
        .selectFrom("Service")
        .select(["id", "name"])
        .where((eb) => eb("name", "=", eb.fn.any(eb.val(names)))),
      tx,
    ))
      serviceIds.set(s.name, s.id);
  }
  const clusterIds = new Map<string, string>();
  if (clusters.size) {
    const names = [...clusters];
    await execute(
      qb
        .insertInto("Cluster")
        .columns(["id", "name"])
        .expression(qb.selectFrom(unnest("u", { name: [names, "text"] })).select([sql<string>`gen_random_uuid()::text`.as("id"), "u.name"]))
        .onConflict((c) => c.column("name").doNothing()),
      tx,
    );
    for (const c of await execute(
      qb
        .selectFrom("Cluster")
        .select(["id", "name"])
        .where((eb) => eb("name", "=", eb.fn.any(eb.val(names)))),
      tx,
    ))
      clusterIds.set(c.name, c.id);
  }
  const serviceOf = (name: string | undefined) => (name === undefined ? null : (serviceIds.get(name) ?? null));
  const clusterOf = (name: string | null | undefined) => (name ? (clusterIds.get(name) ?? null) : null);

  if (adds.length) {
    const a = <T>(f: (i: PlanItem) => T) => adds.map(f);
    const inserted = await execute(
      qb
        .insertInto("Resource")
        .columns([
          "id",
          "name",
          "kind",
          "environment",
          "teamId",
          "serviceId",
          "clusterId",
          "patchGroup",
          "tags",
          "address",
          "sourceId",
          "externalId",
          "createdAt",
          "updatedAt",
        ])
        .expression(
          qb
            .selectFrom(
              unnest("u", {
                id: [a(() => randomUUID()), "text"],
                name: [a((i) => i.after!.name), "text"],
                kind: [a((i) => i.after!.kind), "text"],
                environment: [a((i) => i.after!.environment), "text"],
                team: [a((i) => i.after!.teamId), "text"],
                service: [a((i) => serviceOf(i.after!.service)), "text"],
                cluster: [a((i) => clusterOf(i.after!.cluster)), "text"],
                grp: [a((i) => i.after!.group ?? spreadGroup(i.name)), "integer"],
                tags: [a((i) => tagsText(i.after!.tags) ?? ""), "text"],
                address: [a((i) => i.after!.address ?? null), "text"],
                external: [a((i) => i.externalId), "text"],
              }),
            )
            .select((eb) => [
              "u.id",
              "u.name",
              eb.cast(eb.ref("u.kind"), sql`"ResourceKind"`).as("kind"),
              eb.cast(eb.ref("u.environment"), sql`"Environment"`).as("environment"),
              "u.team",
              "u.service",
              "u.cluster",
              "u.grp",
              sql<string[]>`case when u.tags = '' then '{}'::text[] else string_to_array(u.tags, chr(31)) end`.as("tags"),
              "u.address",
              eb.val(sourceId).as("sourceId"),
              "u.external",
              eb.val(now).as("createdAt"),
              eb.val(now).as("updatedAt"),
            ]),
        )
        .onConflict((c) => c.doNothing())
        .returning("id"),
      tx,
    );
    if (inserted.length !== adds.length) throw new PlanConflict(`${adds.length - inserted.length} name(s) to add are taken now`);
  }

  if (updates.length) {
    const u = <T>(f: (i: PlanItem) => T) => updates.map(f);
    const has = (key: keyof NonNullable<PlanItem["after"]>) => u((i) => i.after !== undefined && key in i.after);
    const updated = await execute(
      qb
        .updateTable("Resource as r")
        .from(
          unnest("u", {
            id: [u((i) => i.resourceId), "text"],
            rev: [u((i) => i.revision), "integer"],
            restore: [u((i) => i.op === "restore"), "boolean"],
            name: [u((i) => i.after?.name ?? null), "text"],
            kind: [u((i) => i.after?.kind ?? null), "text"],
            environment: [u((i) => i.after?.environment ?? null), "text"],
            team: [u((i) => i.after?.teamId ?? null), "text"],
            service: [u((i) => serviceOf(i.after?.service)), "text"],
            set_cluster: [has("cluster"), "boolean"],
            cluster: [u((i) => clusterOf(i.after?.cluster)), "text"],
            set_address: [has("address"), "boolean"],
            address: [u((i) => i.after?.address ?? null), "text"],
            set_tags: [has("tags"), "boolean"],
            tags: [u((i) => tagsText(i.after?.tags) ?? ""), "text"],
          }),
        )
        .set((eb) => ({
          name: eb.fn.coalesce("u.name", "r.name"),
          kind: eb.fn.coalesce(eb.cast<KindValue | null>(eb.ref("u.kind"), sql`"ResourceKind"`), "r.kind"),
          environment: eb.fn.coalesce(eb.cast<EnvironmentValue | null>(eb.ref("u.environment"), sql`"Environment"`), "r.environment"),
          teamId: eb.fn.coalesce("u.team", "r.teamId"),
          serviceId: eb.fn.coalesce("u.service", "r.serviceId"),
          clusterId: sql<string | null>`case when u.set_cluster then u.cluster else r."clusterId" end`,
          address: sql<string | null>`case when u.set_address then u.address else r.address end`,
          tags: sql<string[]>`case when not u.set_tags then r.tags when u.tags = '' then '{}'::text[] else string_to_array(u.tags, chr(31)) end`,
          retiredAt: sql<Date | null>`case when u.restore then null else r."retiredAt" end`,
          revision: eb("r.revision", "+", eb.lit(1)),
          updatedAt: eb.val(now),
        }))
        .whereRef("r.id", "=", "u.id")
        .whereRef("r.revision", "=", "u.rev")
        .where("r.sourceId", "=", sourceId)
        .returning("r.id"),
      tx,
    );
    if (updated.length !== updates.length) throw new PlanConflict(`${updates.length - updated.length} server(s) were changed by someone meanwhile`);
  }

  if (retires.length) {
    const retired = await execute(
      qb
        .updateTable("Resource as r")
        .from(unnest("u", { id: [retires.map((i) => i.resourceId), "text"], rev: [retires.map((i) => i.revision), "integer"] }))
        .set((eb) => ({ retiredAt: eb.val(now), revision: eb("r.revision", "+", eb.lit(1)), updatedAt: eb.val(now) }))
        .whereRef("r.id", "=", "u.id")
        .whereRef("r.revision", "=", "u.rev")
        .where("r.sourceId", "=", sourceId)
        .where("r.retiredAt", "is", null)
        .returning("r.id"),
      tx,
    );
    if (retired.length !== retires.length) throw new PlanConflict(`${retires.length - retired.length} server(s) to retire were changed meanwhile`);
  }
}

// ---- the schedule ----

/**
 * Sources whose scheduled sync is due, claimed (their next time moved on first, so a second
 * worker does not take them too) and synced one after another: with autoApply the sync is
 * applied, else a preview waits for a person. Returns what each did.
 */
export async function runDueSyncs(now: Date, actor: Actor, limit = 5): Promise<{ source: string; state: string }[]> {
  const claimed = await db.$transaction(async (tx) => {
    const due = await execute(
      qb
        .selectFrom("InventorySource")
        .select(["id", "name", "intervalMinutes", "autoApply"])
        .where("nextSyncAt", "<=", now)
        .where("intervalMinutes", "is not", null)
        .orderBy("nextSyncAt")
        .limit(limit)
        .forUpdate()
        .skipLocked(),
      tx,
    );
    for (const s of due)
      await execute(
        qb
          .updateTable("InventorySource")
          .set({ nextSyncAt: nextRun(s.intervalMinutes, now) })
          .where("id", "=", s.id),
        tx,
      );
    return due;
  });
  const results: { source: string; state: string }[] = [];
  for (const s of claimed) {
    const outcome = await startSync(null, s.id, { actor, trigger: "schedule", apply: s.autoApply }, now);
    results.push({ source: s.name, state: outcome.ok ? outcome.value.state : outcome.message });
  }
  return results;
}
