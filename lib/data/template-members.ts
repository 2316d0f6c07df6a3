// Who belongs to a fleet template (issue 21, docs/decisions/022-fleets-by-query.md): members named
// by a person, and members that match the template's member query. This module is the one owner of
// membership: the template's page and API, the schedule and the inventory sync all change it here,
// and every join, leave and refusal is written to the template's member history.
import "server-only";
import type { Prisma } from "@prisma/client";
import { sql, type ExpressionBuilder } from "kysely";
import { db, execute, qb } from "../db";
import type { TeamScope } from "../auth/permissions";
import { heldByTeams } from "./team-scope";
import type { DB } from "../database/generated/kysely";
import type { TemplateStateName } from "../domain";
import { newestFirstCursor } from "../validation/common";
import { TemplateMemberQuerySchema, type TemplateMemberQuery } from "../validation/templates";
import { recordAudit, type Actor } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";
import { resourceFilter } from "./resource-list";
import { settleTemplateState } from "./runs";

type Tx = Prisma.TransactionClient;

/** Who the history names when the schedule or a resource change moved a query member. */
export const QUERY_ACTOR: Actor = { id: null, label: "member query" };

export const LEFT_QUERY = "No longer matches the member query";
export const LEFT_RETIRED = "Retired: gone from its inventory source";
export const LEFT_QUERY_REMOVED = "The member query was removed";

/** A stored member query, or null (none, or one this version cannot read: then it matches nothing new and keeps nobody). */
export function storedMemberQuery(value: unknown): TemplateMemberQuery | null {
  if (value === null || value === undefined) return null;
  const parsed = TemplateMemberQuerySchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * Every change of who belongs to any template takes this lock first (before any template row), so
 * "a server belongs to one template only" holds when two templates' changes run at once.
 */
export async function lockMembership(tx: Tx) {
  await execute(qb.selectNoFrom(sql<string>`pg_advisory_xact_lock(hashtext('template-membership'))::text`.as("locked")), tx);
}

type WithR = DB & { r: DB["Resource"] };

/** The resources the query matches that are not retired; `r` is the resource. */
const matching = (query: TemplateMemberQuery) => (eb: ExpressionBuilder<WithR, "r">) => eb.and([eb("r.retiredAt", "is", null), resourceFilter(query, null)]);

/** `r` is a member of the template (cmp "=") or of another one (cmp "<>"): itself, or through its cluster. */
function claimedBy(eb: ExpressionBuilder<WithR, "r">, templateId: string, cmp: "=" | "<>") {
  return eb.or([
    eb.exists(eb.selectFrom("TemplateMember as o").select(eb.lit(1).as("one")).where("o.templateId", cmp, templateId).whereRef("o.resourceId", "=", "r.id")),
    eb.exists(
      eb.selectFrom("TemplateMember as o").select(eb.lit(1).as("one")).where("o.templateId", cmp, templateId).whereRef("o.clusterId", "=", "r.clusterId"),
    ),
  ]);
}

export type ReconcileResult = { joined: number; left: number; refused: number };

type TemplateForReconcile = { id: string; targetVersion: string };

const EVENT_COLUMNS = ["id", "templateId", "resourceId", "clusterId", "memberLabel", "action", "viaQuery", "reason", "actorId", "actorLabel", "at"] as const;

/**
 * Brings a template's query members in line with its query, in set-based statements whatever the
 * fleet's size: matching, not retired resources that belong to no other template join (on the
 * version their resource records, else the target); query members that no longer match, or are
 * retired, leave (not while being upgraded: they leave at the next reconcile); a match that belongs
 * to another template (itself or through its cluster) is refused, written once per reason. Named
 * members are never touched. The caller holds lockMembership and the template's row.
 */
export async function reconcileQueryMembers(
  tx: Tx,
  template: TemplateForReconcile,
  query: TemplateMemberQuery | null,
  actor: Actor,
  now: Date,
): Promise<ReconcileResult> {
  const eventValues = (action: "JOINED" | "LEFT" | "REFUSED") => ({
    action: sql<"JOINED" | "LEFT" | "REFUSED">`${sql.lit(action)}::"MemberEventAction"`,
    viaQuery: sql<boolean>`true`,
    actorId: sql<string | null>`${actor.id}::text`,
    actorLabel: sql<string>`${actor.label}::text`,
    at: sql<Date>`${now}::timestamp(3)`,
  });

  // Leave: query members the query no longer holds.
  const leave = eventValues("LEFT");
  const left = await execute(
    qb
      .with("gone", (q) =>
        q
          .deleteFrom("TemplateMember")
          .where("TemplateMember.templateId", "=", template.id)
          .where("TemplateMember.viaQuery", "=", true)
          .where("TemplateMember.state", "<>", "UPGRADING")
          .where((eb) =>
            query
              ? eb.not(
                  eb.exists(
                    eb
                      .selectFrom("Resource as r")
                      .select(eb.lit(1).as("one"))
                      .whereRef("r.id", "=", "TemplateMember.resourceId")
                      .where((r) => matching(query)(r)),
                  ),
                )
              : eb.lit(true),
          )
          .returning(["TemplateMember.resourceId"]),
      )
      .insertInto("TemplateMemberEvent")
      .columns([...EVENT_COLUMNS])
      .expression((eb) =>
        eb
          .selectFrom("gone")
          .innerJoin("Resource as r", "r.id", "gone.resourceId")
          .select((s) => [
            sql<string>`gen_random_uuid()::text`.as("id"),
            sql<string>`${template.id}::text`.as("templateId"),
            "r.id as resourceId",
            sql<string | null>`NULL::text`.as("clusterId"),
            "r.name as memberLabel",
            leave.action.as("action"),
            leave.viaQuery.as("viaQuery"),
            s
              .case()
              .when("r.retiredAt", "is not", null)
              .then(sql.lit(query ? LEFT_RETIRED : LEFT_QUERY_REMOVED))
              .else(sql.lit(query ? LEFT_QUERY : LEFT_QUERY_REMOVED))
              .end()
              .as("reason"),
            leave.actorId.as("actorId"),
            leave.actorLabel.as("actorLabel"),
            leave.at.as("at"),
          ]),
      )
      .returning("id"),
    tx,
  );
  if (!query) return { joined: 0, left: left.length, refused: 0 };

  // Join: matches that belong to no template yet.
  const join = eventValues("JOINED");
  const joined = await execute(
    qb
      .with("added", (q) =>
        q
          .insertInto("TemplateMember")
          .columns(["id", "templateId", "resourceId", "currentVersion", "state", "viaQuery"])
          .expression((eb) =>
            eb
              .selectFrom("Resource as r")
              .select((s) => {
                const version = s.fn.coalesce("r.version", sql<string>`${template.targetVersion}::text`);
                return [
                  sql<string>`gen_random_uuid()::text`.as("id"),
                  sql<string>`${template.id}::text`.as("templateId"),
                  "r.id as resourceId",
                  version.as("currentVersion"),
                  s
                    .cast<"IN_SYNC" | "PENDING">(
                      s.case().when(version, "=", template.targetVersion).then(sql.lit("IN_SYNC")).else(sql.lit("PENDING")).end(),
                      sql`"MemberState"`,
                    )
                    .as("state"),
                  sql<boolean>`true`.as("viaQuery"),
                ];
              })
              .where((r) => matching(query)(r))
              .where((r) => r.not(claimedBy(r, template.id, "=")))
              .where((r) => r.not(claimedBy(r, template.id, "<>"))),
          )
          .returning(["TemplateMember.resourceId"]),
      )
      .insertInto("TemplateMemberEvent")
      .columns([...EVENT_COLUMNS])
      .expression((eb) =>
        eb
          .selectFrom("added")
          .innerJoin("Resource as r", "r.id", "added.resourceId")
          .select([
            sql<string>`gen_random_uuid()::text`.as("id"),
            sql<string>`${template.id}::text`.as("templateId"),
            "r.id as resourceId",
            sql<string | null>`NULL::text`.as("clusterId"),
            "r.name as memberLabel",
            join.action.as("action"),
            join.viaQuery.as("viaQuery"),
            sql<string | null>`NULL::text`.as("reason"),
            join.actorId.as("actorId"),
            join.actorLabel.as("actorLabel"),
            join.at.as("at"),
          ]),
      )
      .returning("id"),
    tx,
  );

  // Refuse: matches another template holds, once per reason (not again at every reconcile).
  const refusal = eventValues("REFUSED");
  const refused = await execute(
    qb
      .with("candidates", (q) =>
        q
          .selectFrom("Resource as r")
          .select(["r.id", "r.name", "r.clusterId"])
          .where((r) => matching(query)(r))
          .where((r) => r.not(claimedBy(r, template.id, "="))),
      )
      .with("claims", (q) =>
        q
          .selectFrom("candidates as c")
          .innerJoin("TemplateMember as o", "o.resourceId", "c.id")
          .innerJoin("Template as ot", "ot.id", "o.templateId")
          .select((s) => [
            "c.id",
            "c.name",
            "ot.name as templateName",
            s.fn<string>("concat", [sql.lit('Already a member of the template "'), "ot.name", sql.lit('"')]).as("reason"),
          ])
          .where("o.templateId", "<>", template.id)
          .unionAll(
            q
              .selectFrom("candidates as c")
              .innerJoin("TemplateMember as o", "o.clusterId", "c.clusterId")
              .innerJoin("Template as ot", "ot.id", "o.templateId")
              .innerJoin("Cluster as oc", "oc.id", "o.clusterId")
              .select((s) => [
                "c.id",
                "c.name",
                "ot.name as templateName",
                s.fn<string>("concat", [sql.lit('Its cluster "'), "oc.name", sql.lit('" is a member of the template "'), "ot.name", sql.lit('"')]).as("reason"),
              ])
              .where("o.templateId", "<>", template.id),
          ),
      )
      .with("first", (q) => q.selectFrom("claims as k").distinctOn("k.id").select(["k.id", "k.name", "k.reason"]).orderBy("k.id").orderBy("k.templateName"))
      .insertInto("TemplateMemberEvent")
      .columns([...EVENT_COLUMNS])
      .expression((eb) =>
        eb
          .selectFrom("first as x")
          .select([
            sql<string>`gen_random_uuid()::text`.as("id"),
            sql<string>`${template.id}::text`.as("templateId"),
            "x.id as resourceId",
            sql<string | null>`NULL::text`.as("clusterId"),
            "x.name as memberLabel",
            refusal.action.as("action"),
            refusal.viaQuery.as("viaQuery"),
            "x.reason as reason",
            refusal.actorId.as("actorId"),
            refusal.actorLabel.as("actorLabel"),
            refusal.at.as("at"),
          ])
          // Its last event in this template is this same refusal: told already.
          .where((s) =>
            s(
              s
                .selectFrom("TemplateMemberEvent as e")
                .select((e) => e.fn<string>("concat", ["e.action", sql.lit(":"), "e.reason"]).as("last"))
                .where("e.templateId", "=", template.id)
                .whereRef("e.resourceId", "=", "x.id")
                .orderBy("e.at", "desc")
                .orderBy("e.id", "desc")
                .limit(1),
              "is distinct from",
              s.fn<string>("concat", [sql.lit("REFUSED:"), "x.reason"]),
            ),
          ),
      )
      .returning("id"),
    tx,
  );
  return { joined: joined.length, left: left.length, refused: refused.length };
}

type TemplateLocked = { id: string; name: string; targetVersion: string; state: TemplateStateName; memberQuery: unknown };

async function lockTemplate(tx: Tx, id: string): Promise<TemplateLocked | null> {
  const [row] = await execute(qb.selectFrom("Template").select(["id", "name", "targetVersion", "state", "memberQuery"]).where("id", "=", id).forUpdate(), tx);
  return row ? { ...row, state: row.state as TemplateStateName } : null;
}

/**
 * One template's query members brought in line, in a transaction of its own: after the change, its
 * state is worked out again and, when anyone joined or left, its revision moves and the change is
 * audited (the member history holds each name).
 */
export async function reconcileTemplate(templateId: string, now: Date, actor: Actor = QUERY_ACTOR): Promise<ReconcileResult | null> {
  return db.$transaction(async (tx) => {
    await lockMembership(tx);
    const template = await lockTemplate(tx, templateId);
    if (!template) return null;
    const query = storedMemberQuery(template.memberQuery);
    const result = await reconcileQueryMembers(tx, template, query, actor, now);
    if (result.joined || result.left) {
      await tx.template.update({ where: { id: template.id }, data: { revision: { increment: 1 } } });
      await settleTemplateState(tx, template.id, template.targetVersion, template.state);
      await recordAudit(tx, {
        actor,
        action: "template.members-synced",
        entityType: "template",
        entityId: template.id,
        entityLabel: template.name,
        after: { ...result, memberQuery: query },
        at: now,
      });
    }
    return result;
  });
}

/**
 * Every template with a member query, reconciled one by one (oldest first, so that of two queries
 * matching one server the older template keeps it). The schedule runs it, and so does anything that
 * adds, changes or retires resources: the CSV import here, the inventory sync after it applies.
 */
export async function reconcileAllQueryTemplates(now: Date, actor: Actor = QUERY_ACTOR): Promise<ReconcileResult & { templates: number }> {
  const templates = await execute(qb.selectFrom("Template").select("id").where("memberQuery", "is not", null).orderBy("createdAt").orderBy("id").limit(10_000));
  const total = { joined: 0, left: 0, refused: 0, templates: 0 };
  for (const t of templates) {
    const result = await reconcileTemplate(t.id, now, actor);
    if (!result) continue;
    total.templates += 1;
    total.joined += result.joined;
    total.left += result.left;
    total.refused += result.refused;
  }
  return total;
}

// ---- members named by a person ----

const quoted = (names: string[]) =>
  names
    .slice(0, 5)
    .map((n) => `"${n}"`)
    .join(", ") + (names.length > 5 ? ` and ${names.length - 5} more` : "");

type NamedPlan = {
  resources: { id: string; name: string; version: string | null }[];
  clusters: { id: string; name: string }[];
  /** Query members of this template a person now names: they stay when the query changes. */
  pinned: { id: string; resourceId: string; name: string }[];
};

/**
 * What adding these names to a template would do, or why it is refused (nothing written): a name
 * that is no resource or cluster, a retired server, or one that belongs to another template —
 * itself, through its cluster, or (for a cluster) through one of its servers.
 */
export async function planNamedMembers(tx: Tx, templateId: string | null, names: string[]): Promise<Outcome<NamedPlan>> {
  const resources = await tx.resource.findMany({
    where: { name: { in: names } },
    select: { id: true, name: true, version: true, clusterId: true, retiredAt: true, cluster: { select: { name: true } } },
  });
  const found = new Set(resources.map((r) => r.name));
  const clusters = await tx.cluster.findMany({ where: { name: { in: names.filter((n) => !found.has(n)) } }, select: { id: true, name: true } });
  for (const c of clusters) found.add(c.name);
  const unknown = names.filter((n) => !found.has(n));
  if (unknown.length) return refuse(400, "members", `No resource or cluster is named ${quoted(unknown)}.`);
  const retired = resources.filter((r) => r.retiredAt);
  if (retired.length)
    return refuse(409, "members", `${quoted(retired.map((r) => r.name))} ${retired.length === 1 ? "is" : "are"} retired: gone from its inventory source.`);

  const clusterIds = clusters.map((c) => c.id);
  const claims = await tx.templateMember.findMany({
    where: {
      OR: [
        { resourceId: { in: resources.map((r) => r.id) } },
        { clusterId: { in: [...clusterIds, ...resources.flatMap((r) => (r.clusterId ? [r.clusterId] : []))] } },
        { resource: { clusterId: { in: clusterIds } } },
      ],
    },
    select: {
      id: true,
      templateId: true,
      resourceId: true,
      clusterId: true,
      viaQuery: true,
      template: { select: { name: true } },
      resource: { select: { name: true, clusterId: true } },
      cluster: { select: { name: true } },
    },
    take: 200,
  });
  const problems: string[] = [];
  const same: string[] = [];
  const pinned: NamedPlan["pinned"] = [];
  const already = new Set<string>();
  for (const r of resources) {
    for (const c of claims) {
      const where = c.templateId === templateId ? null : `"${c.template.name}"`;
      if (c.resourceId === r.id) {
        if (where) problems.push(`${r.name} is in ${where}`);
        else if (c.viaQuery) pinned.push({ id: c.id, resourceId: r.id, name: r.name });
        else already.add(r.name);
      } else if (c.clusterId && c.clusterId === r.clusterId) {
        if (where) problems.push(`${r.name} is in the cluster "${r.cluster?.name}", which is in ${where}`);
        else same.push(`${r.name} is in the cluster "${r.cluster?.name}", already a member of this template`);
      }
    }
  }
  for (const cl of clusters) {
    for (const c of claims) {
      const where = c.templateId === templateId ? null : `"${c.template.name}"`;
      if (c.clusterId === cl.id) {
        if (where) problems.push(`${cl.name} is in ${where}`);
        else already.add(cl.name);
      } else if (c.resource?.clusterId === cl.id) {
        if (where) problems.push(`${cl.name} holds ${c.resource.name}, which is in ${where}`);
        else same.push(`${cl.name} holds ${c.resource.name}, already a member of this template (remove it first)`);
      }
    }
  }
  if (problems.length) return refuse(409, "members", `A member belongs to one template only: ${[...new Set(problems)].slice(0, 5).join(", ")}.`);
  if (same.length) return refuse(409, "members", `${[...new Set(same)].slice(0, 5).join(", ")}.`);
  return succeed({
    resources: resources
      .filter((r) => !already.has(r.name) && !pinned.some((p) => p.resourceId === r.id))
      .map((r) => ({ id: r.id, name: r.name, version: r.version })),
    clusters: clusters.filter((c) => !already.has(c.name)),
    pinned,
  });
}

/**
 * Writes a checked plan: the new members (on the version their resource records when the template
 * exists already, on the target when it is being created: deployed from it), query members named
 * now kept as named ones, and a JOINED event for each.
 */
export async function addNamedMembers(
  tx: Tx,
  template: { id: string; targetVersion: string },
  plan: NamedPlan,
  actor: Actor,
  now: Date,
  options: { onTarget: boolean },
): Promise<number> {
  const versionOf = (v: string | null) => (options.onTarget ? template.targetVersion : (v ?? template.targetVersion));
  const stateOf = (v: string) => (v === template.targetVersion ? ("IN_SYNC" as const) : ("PENDING" as const));
  await tx.templateMember.createMany({
    data: [
      ...plan.resources.map((r) => ({
        templateId: template.id,
        resourceId: r.id,
        currentVersion: versionOf(r.version),
        state: stateOf(versionOf(r.version)),
      })),
      ...plan.clusters.map((c) => ({ templateId: template.id, clusterId: c.id, currentVersion: template.targetVersion, state: "IN_SYNC" as const })),
    ],
  });
  if (plan.pinned.length) await tx.templateMember.updateMany({ where: { id: { in: plan.pinned.map((p) => p.id) } }, data: { viaQuery: false } });
  const event = { templateId: template.id, action: "JOINED" as const, viaQuery: false, actorId: actor.id, actorLabel: actor.label, at: now };
  await tx.templateMemberEvent.createMany({
    data: [
      ...plan.resources.map((r) => ({ ...event, resourceId: r.id, memberLabel: r.name })),
      ...plan.clusters.map((c) => ({ ...event, clusterId: c.id, memberLabel: c.name })),
      ...plan.pinned.map((p) => ({ ...event, resourceId: p.resourceId, memberLabel: p.name, reason: "Named by a person: it was a member through the query" })),
    ],
  });
  return plan.resources.length + plan.clusters.length + plan.pinned.length;
}

/**
 * Removes named members by name, or refuses (nothing written): a name that is not a member, a
 * query member (it would come back: the query decides), a member being upgraded now.
 */
export async function removeNamedMembers(tx: Tx, templateId: string, names: string[], actor: Actor, now: Date): Promise<Outcome<number>> {
  const members = await tx.templateMember.findMany({
    where: { templateId, OR: [{ resource: { name: { in: names } } }, { cluster: { name: { in: names } } }] },
    select: {
      id: true,
      resourceId: true,
      clusterId: true,
      viaQuery: true,
      state: true,
      resource: { select: { name: true } },
      cluster: { select: { name: true } },
    },
  });
  const nameOf = (m: (typeof members)[number]) => m.resource?.name ?? m.cluster?.name ?? "";
  const present = new Set(members.map(nameOf));
  const missing = names.filter((n) => !present.has(n));
  if (missing.length) return refuse(400, "members", `${quoted(missing)} ${missing.length === 1 ? "is not a member" : "are not members"} of this template.`);
  const viaQuery = members.filter((m) => m.viaQuery).map(nameOf);
  if (viaQuery.length)
    return refuse(
      409,
      "members",
      `${quoted(viaQuery)} ${viaQuery.length === 1 ? "is a member" : "are members"} through the member query: change the query to leave ${viaQuery.length === 1 ? "it" : "them"} out.`,
    );
  const busy = members.filter((m) => m.state === "UPGRADING").map(nameOf);
  if (busy.length)
    return refuse(409, "members", `${quoted(busy)} ${busy.length === 1 ? "is" : "are"} being upgraded now: remove once the upgrade has finished.`);
  await tx.templateMember.deleteMany({ where: { id: { in: members.map((m) => m.id) } } });
  await tx.templateMemberEvent.createMany({
    data: members.map((m) => ({
      templateId,
      resourceId: m.resourceId,
      clusterId: m.clusterId,
      memberLabel: nameOf(m),
      action: "LEFT" as const,
      viaQuery: false,
      reason: "Removed by a person",
      actorId: actor.id,
      actorLabel: actor.label,
      at: now,
    })),
  });
  return succeed(members.length);
}

// ---- reads ----

/** How many servers a member query matches now (not retired), up to `cap`, and how many of them another template holds. */
export async function countQueryMatches(templateId: string | null, query: TemplateMemberQuery, cap = 100_000) {
  const [row] = await execute(
    qb
      .selectFrom((q) =>
        q
          .selectFrom("Resource as r")
          .select((r) => [
            "r.id",
            (templateId
              ? claimedBy(r, templateId, "<>")
              : r.or([
                  r.exists(r.selectFrom("TemplateMember as o").select(r.lit(1).as("one")).whereRef("o.resourceId", "=", "r.id")),
                  r.exists(r.selectFrom("TemplateMember as o").select(r.lit(1).as("one")).whereRef("o.clusterId", "=", "r.clusterId")),
                ])
            ).as("taken"),
          ])
          .where((r) => matching(query)(r))
          .limit(cap + 1)
          .as("m"),
      )
      .select((eb) => [
        eb.cast<number>(eb.fn.countAll(), "integer").as("matching"),
        eb.cast<number>(eb.fn.countAll().filterWhere("m.taken", "=", true), "integer").as("taken"),
      ]),
  );
  const n = row?.matching ?? 0;
  return { matching: Math.min(n, cap), capped: n > cap, inOtherTemplates: row?.taken ?? 0 };
}

/** One page of a template's member history, newest first (keyset on at, id): of the members `teams` hold (`readableTeams`; null: all). */
export async function listMemberEvents(templateId: string, teams: TeamScope, options: { before?: { at: Date; id: string } | null; limit?: number } = {}) {
  const limit = options.limit ?? 20;
  const before = options.before ?? null;
  let query = qb
    .selectFrom("TemplateMemberEvent as e")
    .leftJoin("Resource as r", "r.id", "e.resourceId")
    .select(["e.id", "e.memberLabel", "e.resourceId", "e.clusterId", "e.action", "e.viaQuery", "e.reason", "e.actorLabel", "e.at", "r.name as resourceName"])
    .where("e.templateId", "=", templateId)
    .where((eb) => heldByTeams(teams, eb.ref("e.resourceId"), eb.ref("e.clusterId")));
  if (before) query = query.where((eb) => eb(eb.refTuple("e.at", "e.id"), "<", eb.tuple(eb.cast<Date>(eb.val(before.at), "timestamp"), before.id)));
  const rows = await execute(
    query
      .orderBy("e.at", "desc")
      .orderBy("e.id", "desc")
      .limit(limit + 1),
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { events: page, next: rows.length > limit && last ? newestFirstCursor(last) : null };
}
export type MemberEventRow = Awaited<ReturnType<typeof listMemberEvents>>["events"][number];
