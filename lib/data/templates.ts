// Fleet templates: a fleet of clusters or resources that must share one version, linked to one
// maintenance policy. The rollout engine (lib/rollout/engine.ts) moves members to the target
// version inside the policy's windows; here are the reads and the people's writes.
import { Prisma } from "@prisma/client";
import { db, sql } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import { bumpRefusal, nextWindows, upgradeNowRefusal, UPGRADE_WINDOW_LOOKAHEAD, upgradeWindow, type MemberStateName, type TemplateStateName } from "../domain";
import { EXECUTION_FIELDS, type TemplateCreate, type TemplatePatch } from "../validation/templates";
import { recordAudit } from "./audit";
import { upgradeApproved } from "./change-requests";
import { refuse, succeed, type Outcome } from "./outcome";
import { storedSchedules } from "./policies";
import { executorRefusal } from "./slot-rollout";
import { FORCED_RUN_HOURS, openTemplateRun, settleTemplateState } from "./runs";
import { countExecutionStates, listExecutionRows, type ExecutionPageQuery, type StateCounts } from "./execution-rows";

const actorOf = (user: CurrentUser) => ({ id: user.id, label: user.email });

export type TemplateSummary = {
  id: string;
  name: string;
  policyId: string;
  policyName: string;
  targetVersion: string;
  state: TemplateStateName;
  concurrency: number;
  members: number;
  onTarget: number;
};

/** The templates that name their own executor instead of the installation's default (/admin/execution). */
export function listTemplateExecutors() {
  return db.template.findMany({ where: { executor: { not: null } }, select: { id: true, name: true, executor: true }, orderBy: { name: "asc" } });
}

/** Every template with its member counts, from one aggregate. */
export function listTemplates(options: { ids?: string[] } = {}): Promise<TemplateSummary[]> {
  const ids = options.ids ?? null;
  return sql<TemplateSummary>`
    SELECT t.id, t.name, t."policyId", p.name AS "policyName", t."targetVersion", t.state::text AS state, t.concurrency,
           count(m.id)::int AS members, (count(m.id) FILTER (WHERE m."currentVersion" = t."targetVersion"))::int AS "onTarget"
    FROM "Template" t
    JOIN "MaintenancePolicy" p ON p.id = t."policyId"
    LEFT JOIN "TemplateMember" m ON m."templateId" = t.id
    WHERE ${ids}::text[] IS NULL OR t.id = ANY(${ids}::text[])
    GROUP BY t.id, p.name
    ORDER BY t.name
    LIMIT 500`;
}

export async function getTemplate(id: string, now: Date) {
  const template = await db.template.findUnique({
    where: { id },
    select: {
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
      state: true,
      revision: true,
      createdAt: true,
      policy: { select: { id: true, name: true, schedules: { select: { id: true, name: true, recurrence: true, windowHours: true } } } },
    },
  });
  if (!template) return null;
  const [byState, byVersion, runs] = await Promise.all([
    db.templateMember.groupBy({ by: ["state"], where: { templateId: id }, _count: { _all: true } }),
    db.templateMember.groupBy({ by: ["currentVersion"], where: { templateId: id }, _count: { _all: true }, orderBy: { currentVersion: "asc" }, take: 20 }),
    sql<{
      id: string;
      version: string;
      windowStart: Date;
      windowEnd: Date;
      forced: boolean;
      state: string;
      haltReason: string | null;
      canarySize: number;
      canaryPassedAt: Date | null;
      succeeded: number;
      failed: number;
      running: number;
    }>`
      SELECT u.id, u.version, u."windowStart", u."windowEnd", u.forced, u.state::text AS state, u."haltReason", u."canarySize", u."canaryPassedAt",
             (count(a.id) FILTER (WHERE a.status = 'SUCCEEDED'))::int AS succeeded,
             (count(a.id) FILTER (WHERE a.status = 'FAILED'))::int AS failed,
             (count(a.id) FILTER (WHERE a.status = 'RUNNING'))::int AS running
      FROM (SELECT * FROM "UpgradeRun" WHERE "templateId" = ${id} ORDER BY "windowStart" DESC LIMIT 10) u
      LEFT JOIN "UpgradeAttempt" a ON a."runId" = u.id
      GROUP BY u.id, u.version, u."windowStart", u."windowEnd", u.forced, u.state, u."haltReason", u."canarySize", u."canaryPassedAt"
      ORDER BY u."windowStart" DESC`,
  ]);
  const counts = Object.fromEntries(byState.map((s) => [s.state, s._count._all])) as Partial<Record<MemberStateName, number>>;
  const windows = nextWindows(storedSchedules(template.policy), now, UPGRADE_WINDOW_LOOKAHEAD);
  return {
    ...template,
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

export type MemberRow = {
  id: string;
  name: string;
  kind: "resource" | "cluster";
  currentVersion: string;
  state: MemberStateName;
  lastAttemptAt: Date | null;
  lastError: string | null;
};

/** One page of members in name order (keyset on name, id). */
export async function listMembers(templateId: string, options: { state?: MemberStateName; after?: string; limit?: number } = {}) {
  const limit = options.limit ?? 50;
  const state = options.state ?? null;
  const after = options.after ?? null;
  const rows = await sql<MemberRow>`
    SELECT * FROM (
      SELECT m.id, coalesce(r.name, c.name) AS name, CASE WHEN m."resourceId" IS NULL THEN 'cluster' ELSE 'resource' END AS kind,
             m."currentVersion", m.state::text AS state, m."lastAttemptAt", m."lastError"
      FROM "TemplateMember" m
      LEFT JOIN "Resource" r ON r.id = m."resourceId"
      LEFT JOIN "Cluster" c ON c.id = m."clusterId"
      WHERE m."templateId" = ${templateId} AND (${state}::text IS NULL OR m.state::text = ${state}::text)
    ) x
    WHERE ${after}::text IS NULL OR x.name > ${after}::text
    ORDER BY x.name
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  return { members: page, next: rows.length > limit ? (page.at(-1)?.name ?? null) : null };
}

function uniqueViolation(error: unknown) {
  return (error as { code?: string }).code === "P2002";
}

export async function createTemplate(user: CurrentUser, input: TemplateCreate, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "template:manage" })) return refuse(403, "forbidden", "You may not manage fleet templates.");
  try {
    return await db.$transaction(async (tx) => {
      // The policy row is locked so it cannot lose its last schedule or be deleted meanwhile.
      const policy = (await tx.$queryRaw<{ id: string; name: string }[]>`SELECT id, name FROM "MaintenancePolicy" WHERE id = ${input.policyId} FOR SHARE`)[0];
      if (!policy) return refuse(400, "policy", "That maintenance policy does not exist.");
      const schedules = await tx.upgradeSchedule.count({ where: { policyId: policy.id } });
      if (schedules === 0)
        return refuse(
          400,
          "policy",
          `The policy "${policy.name}" has no upgrade schedule, so its template would never be upgraded. Add a schedule to it first.`,
        );

      const resources = await tx.resource.findMany({ where: { name: { in: input.members } }, select: { id: true, name: true } });
      const found = new Set(resources.map((r) => r.name));
      const clusters = await tx.cluster.findMany({ where: { name: { in: input.members.filter((n) => !found.has(n)) } }, select: { id: true, name: true } });
      for (const c of clusters) found.add(c.name);
      const unknown = input.members.filter((n) => !found.has(n));
      if (unknown.length) return refuse(400, "members", `No resource or cluster is named ${list(unknown)}.`);
      const taken = await tx.templateMember.findMany({
        where: { OR: [{ resourceId: { in: resources.map((r) => r.id) } }, { clusterId: { in: clusters.map((c) => c.id) } }] },
        select: { template: { select: { name: true } }, resource: { select: { name: true } }, cluster: { select: { name: true } } },
        take: 5,
      });
      if (taken.length)
        return refuse(
          409,
          "members",
          `A member belongs to one template only: ${taken.map((t) => `${t.resource?.name ?? t.cluster?.name} is in "${t.template.name}"`).join(", ")}.`,
        );

      const created = await tx.template.create({
        data: { name: input.name, policyId: policy.id, targetVersion: input.targetVersion, targetSetAt: now, concurrency: input.concurrency, state: "IN_SYNC" },
        select: { id: true },
      });
      // Members are deployed from the template, so they start on its version.
      await tx.templateMember.createMany({
        data: [
          ...resources.map((r) => ({ templateId: created.id, resourceId: r.id, currentVersion: input.targetVersion })),
          ...clusters.map((c) => ({ templateId: created.id, clusterId: c.id, currentVersion: input.targetVersion })),
        ],
      });
      await recordAudit(tx, {
        actor: actorOf(user),
        action: "template.create",
        entityType: "template",
        entityId: created.id,
        entityLabel: input.name,
        after: { policy: policy.name, targetVersion: input.targetVersion, concurrency: input.concurrency, members: input.members.length },
        at: now,
      });
      return succeed(created);
    });
  } catch (error) {
    if (uniqueViolation(error)) return refuse(409, "duplicate", `A template named "${input.name}" already exists.`);
    throw error;
  }
}

const list = (names: string[]) =>
  names
    .slice(0, 5)
    .map((n) => `"${n}"`)
    .join(", ") + (names.length > 5 ? ` and ${names.length - 5} more` : "");

const CONFLICT = "Someone changed this template since you loaded it. Nothing was saved: reload to see their change.";

/** A new target version (refused while partially applied or upgrading) and/or a new concurrency. */
export async function updateTemplate(user: CurrentUser, id: string, patch: TemplatePatch, now: Date): Promise<Outcome<{ id: string; revision: number }>> {
  if (!can(user, { action: "template:manage" })) return refuse(403, "forbidden", "You may not manage fleet templates.");
  const refusal = await executorRefusal(patch.executor);
  if (refusal) return refuse(400, "executor", refusal);
  const execution = Object.fromEntries(EXECUTION_FIELDS.flatMap((k) => (patch[k] !== undefined ? [[k, patch[k]]] : [])));
  return db.$transaction(async (tx) => {
    // Waits for a rollout tick on this template to finish, so the state read here is current.
    const current = (
      await tx.$queryRaw<
        {
          name: string;
          targetVersion: string;
          concurrency: number;
          state: TemplateStateName;
          revision: number;
          executor: string | null;
          preHook: string | null;
          postHook: string | null;
          cutoffMinutes: number;
          memberTimeoutMinutes: number;
        }[]
      >`
      SELECT name, "targetVersion", concurrency, state::text AS state, revision, executor, "preHook", "postHook", "cutoffMinutes", "memberTimeoutMinutes" FROM "Template" WHERE id = ${id} FOR UPDATE`
    )[0];
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
      if (why) return refuse(409, current.state === "PARTIALLY_APPLIED" ? "partially-applied" : current.state === "UPGRADING" ? "upgrading" : "unchanged", why);
    }
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
        revision: { increment: 1 },
      },
      select: { revision: true, targetVersion: true },
    });
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
      },
      after: {
        targetVersion: updated.targetVersion,
        concurrency: patch.concurrency ?? current.concurrency,
        ...Object.fromEntries(Object.entries(patch).filter(([k]) => ["concurrencyPercent", "canaryPercent", "maxFailures", "maxFailurePercent"].includes(k))),
        ...execution,
      },
      at: now,
    });
    return succeed({ id, revision: updated.revision });
  });
}

/** An admin's forced run outside the schedule: members not on target are upgraded from now on. */
export async function upgradeNow(user: CurrentUser, id: string, now: Date): Promise<Outcome<{ runId: string }>> {
  if (!can(user, { action: "upgrade:force" })) return refuse(403, "forbidden", 'You may not start "Upgrade now".');
  return db.$transaction(async (tx) => {
    const current = (
      await tx.$queryRaw<{ name: string; targetVersion: string; state: TemplateStateName; canaryPercent: number }[]>`
      SELECT name, "targetVersion", state::text AS state, "canaryPercent" FROM "Template" WHERE id = ${id} FOR UPDATE`
    )[0];
    if (!current) return refuse(404, "not-found", "That template does not exist.");
    const why = upgradeNowRefusal(current.state, current.targetVersion);
    if (why) return refuse(409, current.state === "UPGRADING" ? "upgrading" : "in-sync", why);
    if (!(await upgradeApproved(tx, id, current.targetVersion))) {
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
const runExecutions = (templateId: string, runId: string) =>
  Prisma.sql`e."templateId" = ${templateId} AND e.key LIKE ${`${runId.replace(/[\\%_]/g, "\\$&")}:%`}`;

/** A run's executions per state: one aggregate. */
export function countRunExecutions(templateId: string, runId: string): Promise<StateCounts> {
  return countExecutionStates(runExecutions(templateId, runId));
}

/** One page of a run's executions, by member name, optionally in one state. */
export function listRunExecutions(templateId: string, runId: string, query: ExecutionPageQuery) {
  return listExecutionRows(runExecutions(templateId, runId), query);
}
