// Fleet templates: a fleet of clusters or resources that must share one version, linked to one
// maintenance policy. The rollout engine (lib/rollout/engine.ts) moves members to the target
// version inside the policy's windows; here are the reads and the people's writes.
import "server-only";
import { Prisma } from "@prisma/client";
import { sql } from "kysely";
import { db, execute, qb } from "../db";
import { heldByTeams } from "./team-scope";
import { can, type CurrentUser, type TeamScope } from "../auth/permissions";
import { bumpRefusal, nextWindows, upgradeNowRefusal, UPGRADE_WINDOW_LOOKAHEAD, upgradeWindow, type MemberStateName, type TemplateStateName } from "../domain";
import { EXECUTION_FIELDS, type TemplateCreate, type TemplatePatch } from "../validation/templates";
import { recordAudit } from "./audit";
import { upgradeApproval } from "./change-requests";
import { refuse, succeed, type Outcome } from "./outcome";
import { storedSchedules } from "./policies";
import { executorRefusal } from "./slot-rollout";
import { FORCED_RUN_HOURS, openTemplateRun, settleTemplateState } from "./runs";
import { countExecutionStates, listExecutionRows, type ExecutionPageQuery, type ExecutionWhere, type StateCounts } from "./execution-rows";
import { addNamedMembers, lockMembership, planNamedMembers, reconcileQueryMembers, removeNamedMembers, storedMemberQuery } from "./template-members";

const actorOf = (user: CurrentUser) => ({ id: user.id, label: user.email });

/** The templates that name their own executor instead of the installation's default (/admin/execution). */
export function listTemplateExecutors() {
  return db.template.findMany({ where: { executor: { not: null } }, select: { id: true, name: true, executor: true }, orderBy: { name: "asc" } });
}

/** Every template with its member counts, from one aggregate. */
export function listTemplates(options: { ids?: string[] } = {}) {
  const ids = options.ids ?? null;
  return execute(
    qb
      .selectFrom("Template as t")
      .innerJoin("MaintenancePolicy as p", "p.id", "t.policyId")
      .leftJoin("TemplateMember as m", "m.templateId", "t.id")
      .select((eb) => [
        "t.id",
        "t.name",
        "t.policyId",
        "p.name as policyName",
        "t.targetVersion",
        "t.state",
        "t.concurrency",
        eb.cast<number>(eb.fn.count("m.id"), "integer").as("members"),
        eb.cast<number>(eb.fn.count("m.id").filterWhereRef("m.currentVersion", "=", "t.targetVersion"), "integer").as("onTarget"),
      ])
      .where((eb) => eb.or([eb(eb.cast(eb.val(ids), sql`text[]`), "is", null), eb("t.id", "=", eb.fn.any(eb.cast<string[]>(eb.val(ids), sql`text[]`)))]))
      .groupBy(["t.id", "p.name"])
      .orderBy("t.name")
      .limit(500),
  );
}
export type TemplateSummary = Awaited<ReturnType<typeof listTemplates>>[number];

/** A template's settings and its policy's schedules: what its page shows and what its rollout engine works from. */
export const TEMPLATE_SETTINGS = Prisma.validator<Prisma.TemplateSelect>()({
  id: true,
  name: true,
  targetVersion: true,
  targetSetAt: true,
  concurrency: true,
  concurrencyPercent: true,
  canaryPercent: true,
  maxFailures: true,
  maxFailurePercent: true,
  planComponents: true,
  executor: true,
  preHook: true,
  postHook: true,
  cutoffMinutes: true,
  memberTimeoutMinutes: true,
  memberQuery: true,
  state: true,
  revision: true,
  createdAt: true,
  policy: { select: { id: true, name: true, schedules: { select: { id: true, name: true, recurrence: true, windowHours: true } } } },
});

export async function getTemplate(id: string, now: Date) {
  const template = await db.template.findUnique({ where: { id }, select: TEMPLATE_SETTINGS });
  if (!template) return null;
  const [byState, byVersion, runs] = await Promise.all([
    db.templateMember.groupBy({ by: ["state"], where: { templateId: id }, _count: { _all: true } }),
    db.templateMember.groupBy({ by: ["currentVersion"], where: { templateId: id }, _count: { _all: true }, orderBy: { currentVersion: "asc" }, take: 20 }),
    execute(
      qb
        .selectFrom((eb) => eb.selectFrom("UpgradeRun").selectAll().where("templateId", "=", id).orderBy("windowStart", "desc").limit(10).as("u"))
        .leftJoin("UpgradeAttempt as a", "a.runId", "u.id")
        .select((eb) => {
          const attempts = (status: "SUCCEEDED" | "FAILED" | "RUNNING") => eb.cast<number>(eb.fn.count("a.id").filterWhere("a.status", "=", status), "integer");
          return [
            "u.id",
            "u.version",
            "u.windowStart",
            "u.windowEnd",
            "u.forced",
            "u.state",
            "u.haltReason",
            "u.canarySize",
            "u.canaryPassedAt",
            attempts("SUCCEEDED").as("succeeded"),
            attempts("FAILED").as("failed"),
            attempts("RUNNING").as("running"),
          ];
        })
        .groupBy(["u.id", "u.version", "u.windowStart", "u.windowEnd", "u.forced", "u.state", "u.haltReason", "u.canarySize", "u.canaryPassedAt"])
        .orderBy("u.windowStart", "desc"),
    ),
  ]);
  const counts = Object.fromEntries(byState.map((s) => [s.state, s._count._all])) as Partial<Record<MemberStateName, number>>;
  const windows = nextWindows(storedSchedules(template.policy), now, UPGRADE_WINDOW_LOOKAHEAD);
  return {
    ...template,
    memberQuery: storedMemberQuery(template.memberQuery),
    state: template.state as TemplateStateName,
    counts,
    members: byState.reduce((sum, s) => sum + s._count._all, 0),
    versions: byVersion.map((v) => ({ version: v.currentVersion, members: v._count._all })),
    runs,
    nextWindow: windows[0] ?? null,
    /** The window the pending upgrade runs in (null when every member is on target). */
    upgradeWindow: template.state === "IN_SYNC" ? null : upgradeWindow(windows, { version: template.targetVersion, setAt: template.targetSetAt }, runs),
  };
}
export type TemplateDetail = NonNullable<Awaited<ReturnType<typeof getTemplate>>>;

/** One page of members in name order (keyset on name, id). */
export type MemberRow = Awaited<ReturnType<typeof listMembers>>["members"][number];

/** `teams`: the reader's (`readableTeams`): an owner lists the members their teams hold (issue 21); null lists all. */
export async function listMembers(templateId: string, teams: TeamScope, options: { state?: MemberStateName; after?: string; limit?: number } = {}) {
  const limit = options.limit ?? 50;
  const state = options.state ?? null;
  const after = options.after ?? null;
  const rows = await execute(
    qb
      .selectFrom((eb) =>
        eb
          .selectFrom("TemplateMember as m")
          .leftJoin("Resource as r", "r.id", "m.resourceId")
          .leftJoin("Cluster as c", "c.id", "m.clusterId")
          .select((eb) => [
            "m.id",
            // Resources and clusters are never deleted: a member has the name of one or the other.
            eb.fn.coalesce("r.name", "c.name").$notNull().as("name"),
            eb
              .case()
              .when("m.resourceId", "is", null)
              .then(sql.lit("cluster" as const))
              .else(sql.lit("resource" as const))
              .end()
              .as("kind"),
            "m.currentVersion",
            "m.state",
            "m.viaQuery",
            "m.lastAttemptAt",
            "m.lastError",
          ])
          .where((eb) =>
            eb.and([
              eb("m.templateId", "=", templateId),
              eb.or([eb(eb.cast(eb.val(state), "text"), "is", null), eb(eb.cast("m.state", "text"), "=", eb.cast(eb.val(state), "text"))]),
              heldByTeams(teams, eb.ref("m.resourceId"), eb.ref("m.clusterId")),
            ]),
          )
          .as("x"),
      )
      .selectAll()
      .where((eb) => eb.or([eb(eb.cast(eb.val(after), "text"), "is", null), eb("x.name", ">", eb.cast<string>(eb.val(after), "text"))]))
      .orderBy("x.name")
      .limit(limit + 1),
  );
  const page = rows.slice(0, limit);
  return { members: page, next: rows.length > limit ? (page.at(-1)?.name ?? null) : null };
}

function uniqueViolation(error: unknown) {
  return (error as { code?: string }).code === "P2002";
}

export async function createTemplate(user: CurrentUser, input: TemplateCreate, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "template:manage" })) return refuse(403, "forbidden", "You may not manage fleet templates.");
  const names = input.members ?? [];
  const query = input.memberQuery ?? null;
  try {
    return await db.$transaction(async (tx) => {
      await lockMembership(tx);
      // The policy row is locked so it cannot lose its last schedule or be deleted meanwhile.
      const [policy] = await execute(qb.selectFrom("MaintenancePolicy").select(["id", "name"]).where("id", "=", input.policyId).forShare(), tx);
      if (!policy) return refuse(400, "policy", "That maintenance policy does not exist.");
      const schedules = await tx.upgradeSchedule.count({ where: { policyId: policy.id } });
      if (schedules === 0)
        return refuse(
          400,
          "policy",
          `The policy "${policy.name}" has no upgrade schedule, so its template would never be upgraded. Add a schedule to it first.`,
        );

      const plan = await planNamedMembers(tx, null, names);
      if (!plan.ok) return plan;

      const created = await tx.template.create({
        data: {
          name: input.name,
          policyId: policy.id,
          targetVersion: input.targetVersion,
          targetSetAt: now,
          concurrency: input.concurrency,
          state: "IN_SYNC",
          memberQuery: query ?? Prisma.DbNull,
        },
        select: { id: true },
      });
      const template = { id: created.id, targetVersion: input.targetVersion };
      // Named members are deployed from the template, so they start on its version; query members
      // on the version their resource records (decision 022).
      await addNamedMembers(tx, template, plan.value, actorOf(user), now, { onTarget: true });
      const synced = await reconcileQueryMembers(tx, template, query, actorOf(user), now);
      if (synced.joined) await settleTemplateState(tx, created.id, input.targetVersion, "IN_SYNC");
      await recordAudit(tx, {
        actor: actorOf(user),
        action: "template.create",
        entityType: "template",
        entityId: created.id,
        entityLabel: input.name,
        after: {
          policy: policy.name,
          targetVersion: input.targetVersion,
          concurrency: input.concurrency,
          members: names.length,
          memberQuery: query,
          queryMembers: synced.joined,
        },
        at: now,
      });
      return succeed(created);
    });
  } catch (error) {
    if (uniqueViolation(error)) return refuse(409, "duplicate", `A template named "${input.name}" already exists.`);
    throw error;
  }
}

const CONFLICT = "Someone changed this template since you loaded it. Nothing was saved: reload to see their change.";

/** A new target version (refused while partially applied or upgrading) and/or a new concurrency. */
export async function updateTemplate(user: CurrentUser, id: string, patch: TemplatePatch, now: Date): Promise<Outcome<{ id: string; revision: number }>> {
  if (!can(user, { action: "template:manage" })) return refuse(403, "forbidden", "You may not manage fleet templates.");
  const refusal = await executorRefusal(patch.executor);
  if (refusal) return refuse(400, "executor", refusal);
  const execution = Object.fromEntries(EXECUTION_FIELDS.flatMap((k) => (patch[k] !== undefined ? [[k, patch[k]]] : [])));
  const membership = patch.members !== undefined || patch.memberQuery !== undefined;
  return db
    .$transaction(async (tx) => {
      // Membership's lock comes before any template row (template-members.ts).
      if (membership) await lockMembership(tx);
      // Waits for a rollout tick on this template to finish, so the state read here is current.
      const [current] = await execute(
        qb
          .selectFrom("Template")
          .select([
            "name",
            "targetVersion",
            "concurrency",
            "state",
            "revision",
            "executor",
            "preHook",
            "postHook",
            "cutoffMinutes",
            "memberTimeoutMinutes",
            "memberQuery",
          ])
          .where("id", "=", id)
          .forUpdate(),
        tx,
      );
      if (!current) return refuse(404, "not-found", "That template does not exist.");
      if (patch.revision !== undefined && patch.revision !== current.revision) return refuse(409, "conflict", CONFLICT);
      const bump = patch.targetVersion !== undefined && patch.targetVersion !== current.targetVersion;
      const settingsOnly =
        patch.concurrency !== undefined ||
        patch.concurrencyPercent !== undefined ||
        patch.canaryPercent !== undefined ||
        patch.maxFailures !== undefined ||
        patch.maxFailurePercent !== undefined ||
        Object.keys(execution).length > 0;
      if (patch.targetVersion !== undefined && (bump || !settingsOnly)) {
        const why = bumpRefusal(current.state, current.targetVersion, patch.targetVersion);
        if (why)
          return refuse(409, current.state === "PARTIALLY_APPLIED" ? "partially-applied" : current.state === "UPGRADING" ? "upgrading" : "unchanged", why);
      }
      // Named members to add are checked before anything is written: a refusal changes nothing.
      const adding = patch.members?.add?.length ? await planNamedMembers(tx, id, patch.members.add) : null;
      if (adding && !adding.ok) return adding;
      const updated = await tx.template.update({
        where: { id },
        data: {
          ...(bump ? { targetVersion: patch.targetVersion, targetSetAt: now } : {}),
          ...(patch.concurrency !== undefined ? { concurrency: patch.concurrency } : {}),
          ...(patch.concurrencyPercent !== undefined ? { concurrencyPercent: patch.concurrencyPercent } : {}),
          ...(patch.canaryPercent !== undefined ? { canaryPercent: patch.canaryPercent } : {}),
          ...(patch.maxFailures !== undefined ? { maxFailures: patch.maxFailures } : {}),
          ...(patch.maxFailurePercent !== undefined ? { maxFailurePercent: patch.maxFailurePercent } : {}),
          ...execution,
          ...(patch.memberQuery !== undefined ? { memberQuery: patch.memberQuery ?? Prisma.DbNull } : {}),
          revision: { increment: 1 },
        },
        select: { revision: true, targetVersion: true },
      });
      const members = { added: 0, removed: 0, joined: 0, left: 0 };
      if (membership) {
        // Members join on the version their resource records, against the target before any bump below.
        const template = { id, targetVersion: current.targetVersion };
        if (patch.members?.remove?.length) {
          const removed = await removeNamedMembers(tx, id, patch.members.remove, actorOf(user), now);
          // Thrown, not returned: what this transaction wrote so far must not be kept.
          if (!removed.ok) throw new MemberRefusal(removed);
          members.removed = removed.value;
        }
        if (adding?.ok) members.added = await addNamedMembers(tx, template, adding.value, actorOf(user), now, { onTarget: false });
        if (patch.memberQuery !== undefined) {
          const synced = await reconcileQueryMembers(tx, template, patch.memberQuery, actorOf(user), now);
          members.joined = synced.joined;
          members.left = synced.left;
        }
        if (!bump) await settleTemplateState(tx, id, current.targetVersion, current.state);
      }
      if (bump) {
        await tx.templateMember.updateMany({ where: { templateId: id, currentVersion: { not: updated.targetVersion } }, data: { state: "PENDING" } });
        await tx.templateMember.updateMany({ where: { templateId: id, currentVersion: updated.targetVersion }, data: { state: "IN_SYNC" } });
        await settleTemplateState(tx, id, updated.targetVersion, current.state);
      }
      await recordAudit(tx, {
        actor: actorOf(user),
        action: bump ? "template.bump" : "template.update",
        entityType: "template",
        entityId: id,
        entityLabel: current.name,
        before: {
          targetVersion: current.targetVersion,
          concurrency: current.concurrency,
          ...Object.fromEntries(Object.keys(execution).map((k) => [k, current[k as keyof typeof current]])),
          ...(patch.memberQuery !== undefined ? { memberQuery: storedMemberQuery(current.memberQuery) } : {}),
        },
        after: {
          targetVersion: updated.targetVersion,
          concurrency: patch.concurrency ?? current.concurrency,
          ...Object.fromEntries(Object.entries(patch).filter(([k]) => ["concurrencyPercent", "canaryPercent", "maxFailures", "maxFailurePercent"].includes(k))),
          ...execution,
          ...(patch.memberQuery !== undefined ? { memberQuery: patch.memberQuery } : {}),
          ...(membership ? { members: { add: patch.members?.add ?? [], remove: patch.members?.remove ?? [], ...members } } : {}),
        },
        at: now,
      });
      return succeed({ id, revision: updated.revision });
    })
    .catch((error: unknown) => {
      if (error instanceof MemberRefusal) return error.refusal;
      throw error;
    });
}

/** A refused member change found after the transaction wrote: thrown so that it rolls back, answered as the refusal. */
class MemberRefusal extends Error {
  constructor(readonly refusal: Extract<Outcome<never>, { ok: false }>) {
    super(refusal.message);
  }
}

/** An admin's forced run outside the schedule: members not on target are upgraded from now on. */
export async function upgradeNow(user: CurrentUser, id: string, now: Date): Promise<Outcome<{ runId: string }>> {
  if (!can(user, { action: "upgrade:force" })) return refuse(403, "forbidden", 'You may not start "Upgrade now".');
  return db.$transaction(async (tx) => {
    const [current] = await execute(qb.selectFrom("Template").select(["name", "targetVersion", "state", "canaryPercent"]).where("id", "=", id).forUpdate(), tx);
    if (!current) return refuse(404, "not-found", "That template does not exist.");
    const why = upgradeNowRefusal(current.state, current.targetVersion);
    if (why) return refuse(409, current.state === "UPGRADING" ? "upgrading" : "in-sync", why);
    if (!(await upgradeApproval(tx, id, current.targetVersion))) {
      return refuse(
        409,
        "not-approved",
        `The upgrade to ${current.targetVersion} has no approved change request: open one, have an approver approve it, then upgrade.`,
      );
    }
    const run = await openTemplateRun(
      tx,
      {
        template: { id, name: current.name, targetVersion: current.targetVersion, canaryPercent: current.canaryPercent },
        window: { start: now, end: new Date(now.getTime() + FORCED_RUN_HOURS * 3_600_000) },
        forced: true,
        audit: { actor: actorOf(user), action: "template.upgrade-now", after: {} },
      },
      now,
    );
    if (!run) return refuse(409, "upgrading", "An upgrade of this template started a moment ago.");
    return succeed({ runId: run.id });
  });
}

/** The next window of every policy that templates link, by policy id (one query). */
export async function nextWindowsByPolicy(now: Date) {
  const policies = await db.maintenancePolicy.findMany({
    where: { templates: { some: {} } },
    take: 500,
    select: { id: true, schedules: { select: { id: true, name: true, recurrence: true, windowHours: true } } },
  });
  return new Map(
    policies.flatMap((p) => {
      const next = nextWindows(storedSchedules(p), now, 1)[0];
      return next ? [[p.id, next] as const] : [];
    }),
  );
}

/** Names of policies a template may link (they have at least one schedule). */
export function linkablePolicies() {
  return db.maintenancePolicy.findMany({ where: { schedules: { some: {} } }, orderBy: { name: "asc" }, select: { id: true, name: true }, take: 200 });
}

/** The executions of one run of a template (keys are "<runId>:<memberId>", index templateId, key). */
const runExecutions =
  (templateId: string, runId: string): ExecutionWhere =>
  (eb) =>
    eb.and([eb("e.templateId", "=", templateId), eb("e.key", "like", `${runId.replace(/[\\%_]/g, "\\$&")}:%`)]);

/** A run's executions `teams` may read, per state: one aggregate. */
export function countRunExecutions(templateId: string, runId: string, teams: TeamScope): Promise<StateCounts> {
  return countExecutionStates(runExecutions(templateId, runId), teams);
}

/** One page of a run's executions `teams` may read, by member name, optionally in one state. */
export function listRunExecutions(templateId: string, runId: string, teams: TeamScope, query: ExecutionPageQuery) {
  return listExecutionRows(runExecutions(templateId, runId), teams, query);
}
