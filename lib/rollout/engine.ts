// The rollout engine (docs/decisions/007-rollout-engine.md): a state machine advanced by
// `tick(now)`. graphile-worker calls it every minute, and every few seconds while a rollout
// runs; tests call it with a clock they control. It never sleeps and keeps nothing in memory:
// everything it knows is in the database, so a killed worker loses nothing and any other
// worker carries on.
import "server-only";
import type { Prisma } from "@prisma/client";
import { sql } from "kysely";
import { db, execute, qb, unnest } from "../db";
import type { AttemptStatus, MemberState } from "../database/generated/kysely";
import { SCHEDULER } from "../data/audit";
import { rebindTemplateChanges } from "../data/change-binding";
import { freezesAfter } from "../data/freezes";
import { upgradeApproval } from "../data/change-requests";
import { storedSchedules } from "../data/policies";
import {
  activeFreezes,
  effectiveConcurrency,
  frozenTeams,
  haltReason,
  type Freeze,
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
import { TEMPLATE_SETTINGS } from "../data/templates";
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
      const locked = await execute(qb.selectFrom("Template").select("id").where("id", "=", templateId).forUpdate().skipLocked(), tx);
      if (locked.length === 0) return { ...report, skipped: "locked" as const };
      const template = await tx.template.findUniqueOrThrow({ where: { id: templateId }, select: TEMPLATE_SETTINGS });

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
            // Nothing starts inside a freeze (issue 16): members whose servers one holds now wait.
            const frozen = activeFreezes(await freezesAfter(now, tx), now);
            const started = limit > 0 ? await startMembers(tx, template, run, limit, now, executor, storedPlan(template.planComponents), frozen) : 0;
            report.started = started;
            claimedAll = !gated && started < limit && frozen.length === 0;
            if (frozen.length && limit > 0 && started === 0) report.blocked = `Frozen: ${frozen.map((f) => `"${f.name}"`).join(", ")} holds its members now.`;
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
  const [row] = await execute(
    qb
      .selectFrom("UpgradeAttempt")
      .select((eb) => [
        eb.cast<number>(eb.fn.countAll(), "integer").as("attempted"),
        eb.cast<number>(eb.fn.countAll().filterWhere("status", "<>", "RUNNING"), "integer").as("finished"),
        eb.cast<number>(eb.fn.countAll().filterWhere("status", "=", "FAILED"), "integer").as("failed"),
      ])
      .where("runId", "=", runId),
    tx,
  );
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
  const inFlight = await execute(
    qb
      .selectFrom("UpgradeAttempt as a")
      .innerJoin("UpgradeRun as u", "u.id", "a.runId")
      .innerJoin("TemplateMember as m", "m.id", "a.memberId")
      .leftJoin("Resource as r", "r.id", "m.resourceId")
      .leftJoin("Cluster as c", "c.id", "m.clusterId")
      .select((eb) => ["a.id", "a.memberId", "a.handle", "a.fromVersion", "a.toVersion", "m.resourceId", eb.fn.coalesce("r.name", "c.name", "m.id").as("name")])
      .where("u.templateId", "=", template.id)
      .where("a.status", "=", "RUNNING"),
    tx,
  );
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
    const ids = ok.map((a) => a.id);
    await execute(
      qb
        .updateTable("UpgradeAttempt")
        .set({ status: "SUCCEEDED", finishedAt: now })
        .where((eb) => eb("id", "=", eb.fn.any(eb.val(ids)))),
      tx,
    );
    await execute(
      qb
        .updateTable("TemplateMember as m")
        .from(unnest("v", { id: [ok.map((a) => a.memberId), "text"], version: [ok.map((a) => a.toVersion), "text"] }))
        .set((eb) => ({ currentVersion: eb.ref("v.version"), state: "IN_SYNC", lastError: null }))
        .whereRef("m.id", "=", "v.id"),
      tx,
    );
  }
  if (bad.length) {
    const outcomes = (pick: (d: (typeof bad)[number]) => string) =>
      unnest("v", { id: [bad.map(pick), "text"], status: [bad.map((d) => d.status), "text"], message: [bad.map((d) => d.message), "text"] });
    await execute(
      qb
        .updateTable("UpgradeAttempt as a")
        .from(outcomes((d) => d.attempt.id))
        .set((eb) => ({ status: eb.cast<AttemptStatus>("v.status", sql.id("AttemptStatus")), finishedAt: now, message: eb.ref("v.message") }))
        .whereRef("a.id", "=", "v.id"),
      tx,
    );
    // A skipped member waits for the next run; a failed one is marked failed.
    await execute(
      qb
        .updateTable("TemplateMember as m")
        .from(outcomes((d) => d.attempt.memberId))
        .set((eb) => ({
          state: eb.cast<MemberState>(
            eb.case().when("v.status", "=", sql.lit("SKIPPED")).then(sql.lit("PENDING")).else(sql.lit("FAILED")).end(),
            sql.id("MemberState"),
          ),
          lastError: eb.ref("v.message"),
        }))
        .whereRef("m.id", "=", "v.id"),
      tx,
    );
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
  // Change management: an upgrade whose change request is not approved does not start, nor one
  // approved for another window (it passed without the upgrade, or the policy moved it): that
  // change goes back to an approver (issue 16).
  const approval = await upgradeApproval(tx, template.id, template.targetVersion);
  if (!approval) {
    report.blocked = `The upgrade to ${template.targetVersion} has no approved change request.`;
    return null;
  }
  // Once it ran in its window, later windows carry on (failed members are retried there).
  const ranBefore = (await tx.upgradeRun.count({ where: { templateId: template.id, version: template.targetVersion } })) > 0;
  if (!ranBefore && approval.start.getTime() !== window.start.getTime()) {
    const approvedFor = `${approval.start.toISOString().slice(0, 16).replace("T", " ")} UTC`;
    if (approval.start < window.start) {
      await rebindTemplateChanges(tx, template, window, SCHEDULER, now, `The window it was approved for (opening ${approvedFor}) passed without the upgrade`);
      report.blocked = `The upgrade to ${template.targetVersion} was approved for a window that passed (${approvedFor}); it waits for an approver again.`;
    } else report.blocked = `The upgrade to ${template.targetVersion} is approved for the window opening ${approvedFor}, not this one.`;
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
  /** The freezes in force now: a member whose server (or any node of its cluster) one holds does not start. */
  frozen: readonly Freeze[] = [],
): Promise<number> {
  let allowed: string[] | null = null;
  if (components) {
    const members = await planMembers(tx, template.id, run.version, run.id);
    const idByName = new Map(members.map((m) => [m.name, m.id]));
    allowed = planStartOrder(members, components).map((name) => idByName.get(name)!);
    if (allowed.length === 0) return 0;
  }
  const candidates = await execute(
    qb
      .selectFrom("TemplateMember as m")
      .leftJoin("Resource as r", "r.id", "m.resourceId")
      .leftJoin("Cluster as c", "c.id", "m.clusterId")
      .leftJoin("Cluster as rc", "rc.id", "r.clusterId")
      .select((eb) => [
        "m.id",
        "m.currentVersion",
        eb.fn.coalesce("r.name", "c.name", "m.id").as("name"),
        "r.id as resourceId",
        "r.address",
        "r.sshPort as port",
        "r.sshUser as user",
        "r.kind",
        eb.fn.coalesce("r.tags", sql<string[]>`'{}'`).as("tags"),
        eb.fn.coalesce("rc.name", "c.name").as("cluster"),
        "r.clusterId",
      ])
      .where((eb) =>
        eb.and([
          eb("m.templateId", "=", template.id),
          eb("m.currentVersion", "<>", run.version),
          // NOT IN is hashed once whatever the statistics say (see the party engine's start).
          eb("m.id", "not in", eb.selectFrom("UpgradeAttempt as a").select("a.memberId").where("a.runId", "=", run.id)),
          eb.or([eb(eb.cast(eb.val(allowed), sql`text[]`), "is", null), eb("m.id", "=", eb.fn.any(eb.cast<string[]>(eb.val(allowed), sql`text[]`)))]),
          ...(frozen.length
            ? [
                eb.not(
                  eb.exists(
                    eb
                      .selectFrom("Resource as h")
                      .select("h.id")
                      .where((eb) => eb.or([eb("h.id", "=", eb.ref("m.resourceId")), eb("h.clusterId", "=", eb.ref("m.clusterId"))]))
                      .where((eb) =>
                        eb.or(
                          (["production", "non-production"] as const).map((environment) => {
                            const teams = frozenTeams(frozen, environment, now);
                            const ofEnvironment = eb("h.environment", "=", environment === "production" ? "PRODUCTION" : "NON_PRODUCTION");
                            return teams === "all" ? ofEnvironment : eb.and([ofEnvironment, eb("h.teamId", "=", eb.fn.any(eb.val([...teams])))]);
                          }),
                        ),
                      ),
                  ),
                ),
              ]
            : []),
          eb.or([
            eb("r.clusterId", "is", null),
            eb(
              "r.clusterId",
              "not in",
              eb
                .selectFrom("UpgradeAttempt as a")
                .innerJoin("TemplateMember as m2", "m2.id", "a.memberId")
                .innerJoin("Resource as r2", "r2.id", "m2.resourceId")
                .select("r2.clusterId")
                .where("a.runId", "=", run.id)
                .where("a.status", "in", ["RUNNING", "FAILED"])
                .where("r2.clusterId", "is not", null),
            ),
          ]),
        ]),
      )
      .orderBy((eb) => eb.fn("array_position", [eb.cast<string[] | null>(eb.val(allowed), sql`text[]`), "m.id"]))
      .orderBy("m.id")
      .limit(limit)
      .forUpdate("m")
      .skipLocked(),
    tx,
  );
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
