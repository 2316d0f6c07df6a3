// The rollout engine (docs/decisions/007-rollout-engine.md): a state machine advanced by
// `tick(now)`. graphile-worker calls it every minute, and every few seconds while a rollout
// runs; tests call it with a clock they control. It never sleeps and keeps nothing in memory:
// everything it knows is in the database, so a killed worker loses nothing and any other
// worker carries on.
import type { Prisma } from "@prisma/client";
import { db } from "../db";
import { SCHEDULER } from "../data/audit";
import { upgradeApproved } from "../data/change-requests";
import { storedSchedules } from "../data/policies";
import {
  effectiveConcurrency,
  haltReason,
  openWindow,
  planStartOrder,
  startAllowance,
  type PlanComponent,
  type Safety,
  type TemplateStateName,
  executionDeadline,
  startCutoff,
  type ExecutorName,
  type UpgradeRequest,
} from "../domain";
import { planMembers, storedPlan } from "../data/upgrade-plans";
import { settleExecutions } from "../data/executions";
import { type Executor, type Executors, onlyExecutor } from "./executor";
import { closeTemplateRun, haltTemplateRun, openTemplateRun, settleTemplateState, TEMPLATE_RUN_SELECT, type TemplateRun } from "../data/runs";

type Tx = Prisma.TransactionClient;

export type TemplateTick = {
  templateId: string;
  templateName?: string;
  skipped?: "locked";
  started: number;
  succeeded: number;
  failed: number;
  runOpened?: string;
  runClosed?: "COMPLETED" | "PARTIAL";
  /** Why a window open now did not start the upgrade. */
  blocked?: string;
  /** Why the run halted in this tick. */
  halted?: string;
  state?: TemplateStateName;
};

/**
 * One step for every template with work to do (or the ones given). Each template is its own
 * transaction, taken with `FOR UPDATE SKIP LOCKED`: a second worker ticking at the same moment
 * skips it instead of doing it twice.
 */
export async function tick(now: Date, executors: Executor | Executors, options: { templateIds?: string[] } = {}): Promise<TemplateTick[]> {
  const executor = "get" in executors ? executors : onlyExecutor(executors);
  const templates = await db.template.findMany({
    where: { state: { not: "IN_SYNC" }, ...(options.templateIds ? { id: { in: options.templateIds } } : {}) },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const results: TemplateTick[] = [];
  for (const { id } of templates) results.push(await tickTemplate(id, now, executor));
  return results;
}

export async function tickTemplate(templateId: string, now: Date, executors: Executor | Executors): Promise<TemplateTick> {
  const choice = "get" in executors ? executors : onlyExecutor(executors);
  return db.$transaction(
    async (tx) => {
      const report: TemplateTick = { templateId, started: 0, succeeded: 0, failed: 0 };
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Template" WHERE id = ${templateId} FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return { ...report, skipped: "locked" as const };
      const template = await tx.template.findUniqueOrThrow({
        where: { id: templateId },
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
          state: true,
          executor: true,
          preHook: true,
          postHook: true,
          cutoffMinutes: true,
          memberTimeoutMinutes: true,
          policy: { select: { schedules: { select: { id: true, name: true, recurrence: true, windowHours: true } } } },
        },
      });

      report.templateName = template.name;
      const stillRunning = await finishAttempts(tx, template, now, report);

      let run: TemplateRun | null = await tx.upgradeRun.findFirst({
        where: { templateId, state: { in: ["RUNNING", "HALTED"] } },
        orderBy: { windowStart: "desc" },
        select: TEMPLATE_RUN_SELECT,
      });
      if (!run) run = await openRun(tx, template, now, report);

      // A halted run waits for an admin to resume it: what is in flight finishes, nothing starts.
      if (run && run.state === "RUNNING") {
        const counts = await attemptCounts(tx, run.id);
        const canaryComplete = run.canarySize > 0 && counts.attempted >= run.canarySize && stillRunning === 0;
        const halt = haltReason(template, { failed: counts.failed - run.failureBaseline, finished: counts.finished, canaryComplete });
        if (halt) {
          await haltTemplateRun(tx, template, run, halt, now);
          report.halted = halt;
        } else {
          let claimedAll = false;
          const cutoff = startCutoff(run.windowEnd, template.cutoffMinutes);
          if (now < cutoff) {
            const members = await tx.templateMember.count({ where: { templateId } });
            const free = Math.max(0, effectiveConcurrency(template, members) - stillRunning);
            const {
              limit,
              gated,
              passCanary: passed,
            } = startAllowance({
              canarySize: run.canarySize,
              canaryPassed: run.canaryPassedAt !== null,
              attempted: counts.attempted,
              inFlight: stillRunning,
              free,
            });
            if (passed) await passCanary(tx, template, run, counts, now);
            const executor = choice.get((template.executor as ExecutorName | null) ?? choice.defaultName);
            const started = limit > 0 ? await startMembers(tx, template, run, limit, now, executor, storedPlan(template.planComponents)) : 0;
            report.started = started;
            claimedAll = !gated && started < limit;
          }
          if ((now >= cutoff || claimedAll) && stillRunning + report.started === 0) {
            report.runClosed = await closeTemplateRun(tx, template, run, now);
          }
        }
      }

      report.state = await settleTemplateState(tx, template.id, template.targetVersion, template.state);
      return report;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

type TemplateRow = Safety & {
  id: string;
  name: string;
  targetVersion: string;
  targetSetAt: Date;
  state: TemplateStateName;
  planComponents: Prisma.JsonValue;
  executor: string | null;
  preHook: string | null;
  postHook: string | null;
  cutoffMinutes: number;
  memberTimeoutMinutes: number;
  policy: { schedules: { id: string; name: string; recurrence: string; windowHours: number }[] };
};

async function attemptCounts(tx: Tx, runId: string) {
  const [row] = await tx.$queryRaw<{ attempted: number; finished: number; failed: number }[]>`
    SELECT count(*)::int AS attempted, (count(*) FILTER (WHERE status <> 'RUNNING'))::int AS finished, (count(*) FILTER (WHERE status = 'FAILED'))::int AS failed
    FROM "UpgradeAttempt" WHERE "runId" = ${runId}`;
  return row ?? { attempted: 0, finished: 0, failed: 0 };
}

async function passCanary(tx: Tx, template: TemplateRow, run: TemplateRun, counts: { finished: number; failed: number }, now: Date) {
  await tx.upgradeRun.update({ where: { id: run.id }, data: { canaryPassedAt: now } });
  await tx.auditEvent.create({
    data: {
      actorLabel: SCHEDULER.label,
      action: "template.canary-passed",
      entityType: "template",
      entityId: template.id,
      entityLabel: template.name,
      after: { version: run.version, canary: run.canarySize, failed: counts.failed },
      at: now,
    },
  });
}

/** Reads the outcomes of the upgrades in flight and records the finished ones; returns how many still run. */
async function finishAttempts(tx: Tx, template: TemplateRow, now: Date, report: TemplateTick): Promise<number> {
  const inFlight = await tx.$queryRaw<
    { id: string; memberId: string; handle: string | null; fromVersion: string; toVersion: string; resourceId: string | null; name: string }[]
  >`
    SELECT a.id, a."memberId", a.handle, a."fromVersion", a."toVersion", m."resourceId", coalesce(r.name, c.name, m.id) AS name
    FROM "UpgradeAttempt" a
    JOIN "UpgradeRun" u ON u.id = a."runId"
    JOIN "TemplateMember" m ON m.id = a."memberId"
    LEFT JOIN "Resource" r ON r.id = m."resourceId"
    LEFT JOIN "Cluster" c ON c.id = m."clusterId"
    WHERE u."templateId" = ${template.id} AND a.status = 'RUNNING'`;
  if (inFlight.length === 0) return 0;
  const outcomes = new Map(
    (
      await settleExecutions(
        tx,
        inFlight.flatMap((a) => (a.handle ? [a.handle] : [])),
        now,
      )
    ).map((f) => [f.key, f]),
  );
  const done: { attempt: (typeof inFlight)[number]; status: "SUCCEEDED" | "FAILED" | "SKIPPED"; message: string | null }[] = [];
  for (const attempt of inFlight) {
    const outcome = attempt.handle ? outcomes.get(attempt.handle) : { state: "FAILED" as const, message: "The upgrade was never started." };
    if (outcome)
      done.push({
        attempt,
        status: outcome.state,
        message:
          outcome.state === "SUCCEEDED" ? null : (outcome.message ?? `The upgrade ${outcome.state === "SKIPPED" ? "was skipped" : "failed"}.`).slice(0, 500),
      });
  }
  if (done.length === 0) return inFlight.length;

  const ok = done.filter((d) => d.status === "SUCCEEDED").map((d) => d.attempt);
  const bad = done.filter((d) => d.status !== "SUCCEEDED");
  if (ok.length) {
    await tx.$executeRaw`UPDATE "UpgradeAttempt" SET status = 'SUCCEEDED', "finishedAt" = ${now} WHERE id = ANY(${ok.map((a) => a.id)})`;
    await tx.$executeRaw`
      UPDATE "TemplateMember" m SET "currentVersion" = v.version, state = 'IN_SYNC', "lastError" = NULL
      FROM unnest(${ok.map((a) => a.memberId)}::text[], ${ok.map((a) => a.toVersion)}::text[]) AS v(id, version) WHERE m.id = v.id`;
  }
  if (bad.length) {
    await tx.$executeRaw`
      UPDATE "UpgradeAttempt" a SET status = v.status::"AttemptStatus", "finishedAt" = ${now}, message = v.message
      FROM unnest(${bad.map((d) => d.attempt.id)}::text[], ${bad.map((d) => d.status)}::text[], ${bad.map((d) => d.message)}::text[]) AS v(id, status, message) WHERE a.id = v.id`;
    // A skipped member waits for the next run; a failed one is marked failed.
    await tx.$executeRaw`
      UPDATE "TemplateMember" m SET state = CASE WHEN v.status = 'SKIPPED' THEN 'PENDING' ELSE 'FAILED' END::"MemberState", "lastError" = v.message
      FROM unnest(${bad.map((d) => d.attempt.memberId)}::text[], ${bad.map((d) => d.status)}::text[], ${bad.map((d) => d.message)}::text[]) AS v(id, status, message) WHERE m.id = v.id`;
  }
  await tx.auditEvent.createMany({
    data: done.map(({ attempt, status, message }) => ({
      actorLabel: SCHEDULER.label,
      action: status === "SUCCEEDED" ? "template.member-upgraded" : status === "SKIPPED" ? "template.member-skipped" : "template.member-failed",
      entityType: attempt.resourceId ? "resource" : "template-member",
      entityId: attempt.resourceId ?? attempt.memberId,
      entityLabel: attempt.name,
      before: { template: template.name, version: attempt.fromVersion },
      after: { template: template.name, version: status === "SUCCEEDED" ? attempt.toVersion : attempt.fromVersion, execution: attempt.handle },
      reason: message,
      at: now,
    })),
  });
  report.succeeded = ok.length;
  report.failed = bad.filter((d) => d.status === "FAILED").length;
  return inFlight.length - done.length;
}

/**
 * Opens the run of the window open now, once per window, when members are off target and the
 * target was set before the window opened: the newest version at the window's start is the one
 * applied, so bumps made before it collapse (1.0.0 → 3.0.0 skips 2.0.0).
 */
async function openRun(tx: Tx, template: TemplateRow, now: Date, report: TemplateTick): Promise<TemplateRun | null> {
  const window = openWindow(storedSchedules(template.policy), now);
  if (!window || template.targetSetAt > window.start) return null;
  const offTarget = await tx.templateMember.count({ where: { templateId: template.id, currentVersion: { not: template.targetVersion } } });
  if (offTarget === 0) return null;
  // Change management: an upgrade whose change request is not approved does not start.
  if (!(await upgradeApproved(tx, template.id, template.targetVersion))) {
    report.blocked = `The upgrade to ${template.targetVersion} has no approved change request.`;
    return null;
  }
  const run = await openTemplateRun(
    tx,
    {
      template,
      window,
      forced: false,
      audit: {
        actor: SCHEDULER,
        action: "template.upgrade-started",
        after: { window: `${window.scheduleName}: ${window.start.toISOString()} – ${window.end.toISOString()}`, members: offTarget },
      },
    },
    now,
  );
  if (!run) return null; // This window already had its run.
  report.runOpened = run.id;
  return run;
}

/**
 * Starts up to `limit` members not yet tried in this run, each exactly once (unique run + member).
 * With an upgrade plan, only the members the plan allows now, in its order (lib/domain/upgrade-plan.ts).
 * A cluster's nodes go one at a time: none starts while another node of its cluster is in flight
 * (its health check is part of its upgrade), nor after one failed in this run.
 */
async function startMembers(
  tx: Tx,
  template: TemplateRow,
  run: TemplateRun,
  limit: number,
  now: Date,
  executor: Executor,
  components: PlanComponent[] | null,
): Promise<number> {
  let allowed: string[] | null = null;
  if (components) {
    const members = await planMembers(tx, template.id, run.version, run.id);
    const idByName = new Map(members.map((m) => [m.name, m.id]));
    allowed = planStartOrder(members, components).map((name) => idByName.get(name)!);
    if (allowed.length === 0) return 0;
  }
  const candidates = await tx.$queryRaw<MemberTarget[]>`
    SELECT m.id, m."currentVersion", coalesce(r.name, c.name, m.id) AS name, r.id AS "resourceId", r.address, r."sshPort" AS port, r."sshUser" AS "user",
           r.kind::text AS kind, coalesce(r.tags, '{}') AS tags, coalesce(rc.name, c.name) AS cluster, r."clusterId"
    FROM "TemplateMember" m
    LEFT JOIN "Resource" r ON r.id = m."resourceId"
    LEFT JOIN "Cluster" c ON c.id = m."clusterId"
    LEFT JOIN "Cluster" rc ON rc.id = r."clusterId"
    WHERE m."templateId" = ${template.id}
      AND m."currentVersion" <> ${run.version}
      -- NOT IN is hashed once whatever the statistics say (see the party engine's start).
      AND m.id NOT IN (SELECT a."memberId" FROM "UpgradeAttempt" a WHERE a."runId" = ${run.id})
      AND (${allowed}::text[] IS NULL OR m.id = ANY(${allowed}::text[]))
      AND (r."clusterId" IS NULL OR r."clusterId" NOT IN (
        SELECT r2."clusterId" FROM "UpgradeAttempt" a JOIN "TemplateMember" m2 ON m2.id = a."memberId" JOIN "Resource" r2 ON r2.id = m2."resourceId"
        WHERE a."runId" = ${run.id} AND a.status IN ('RUNNING', 'FAILED') AND r2."clusterId" IS NOT NULL))
    ORDER BY array_position(${allowed}::text[], m.id), m.id
    LIMIT ${limit}
    FOR UPDATE OF m SKIP LOCKED`;
  const members = oneNodePerCluster(candidates);
  if (members.length === 0) return 0;
  const deadline = executionDeadline(executor.name, now, run.windowEnd, template.memberTimeoutMinutes);
  const requests: UpgradeRequest[] = members.map((m) => ({
    key: `${run.id}:${m.id}`,
    resourceId: m.resourceId,
    memberName: m.name,
    address: m.address,
    port: m.port,
    user: m.user,
    kind: m.kind,
    tags: m.tags,
    cluster: m.cluster,
    fromVersion: m.currentVersion,
    toVersion: run.version,
    party: null,
    template: { id: template.id, name: template.name },
    deadline,
    startBy: startCutoff(run.windowEnd, template.cutoffMinutes),
    hooks: { pre: template.preHook, post: template.postHook },
  }));
  await executor.start(tx, requests, now);
  await tx.upgradeAttempt.createMany({
    data: requests.map((r, i) => ({
      runId: run.id,
      memberId: members[i]!.id,
      fromVersion: r.fromVersion,
      toVersion: run.version,
      status: "RUNNING" as const,
      handle: r.key,
      expectedAt: deadline,
      startedAt: now,
    })),
  });
  await tx.templateMember.updateMany({ where: { id: { in: members.map((m) => m.id) } }, data: { state: "UPGRADING", lastAttemptAt: now } });
  return members.length;
}

type MemberTarget = {
  id: string;
  currentVersion: string;
  name: string;
  resourceId: string | null;
  address: string | null;
  port: number | null;
  user: string | null;
  kind: string | null;
  tags: string[];
  cluster: string | null;
  clusterId: string | null;
};

/** At most one node of a cluster per batch: the next waits for this one's outcome. */
export function oneNodePerCluster<T extends { clusterId: string | null }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    if (!row.clusterId) return true;
    if (seen.has(row.clusterId)) return false;
    seen.add(row.clusterId);
    return true;
  });
}
