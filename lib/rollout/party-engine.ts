// Party slots as rollouts: in each slot's window, the group's included resources of the party's
// environment are patched through the executor, a few at a time, canary first, halting past the
// failure threshold — the same machine as fleet templates (engine.ts). A production slot does
// not start while its change request is not approved or the party is held: its run waits,
// SCHEDULED, with the reason. Outcomes land in PatchOutcome, the patch history.
import type { Prisma } from "@prisma/client";
import { db, sql } from "../db";
import { SCHEDULER } from "../data/audit";
import { partyChanges } from "../data/change-requests";
import {
  partyBlockedReason,
  canarySize,
  effectiveConcurrency,
  executionDeadline,
  haltReason,
  startAllowance,
  startCutoff,
  type ExecutorName,
  type UpgradeRequest,
  slotLabel,
} from "../domain";
import { getSlotExecution, getSlotRollout } from "../data/slot-rollout";
import { settleDue } from "../data/executions";
import { onlyExecutor, type Executor, type Executors } from "./executor";
import { oneNodePerCluster } from "./engine";
import { haltSlotRun, lockSlotRun } from "../data/runs";

type Tx = Prisma.TransactionClient;

export type SlotTick = {
  partyId: string;
  group: number;
  skipped?: "locked";
  state?: string;
  started: number;
  patched: number;
  failed: number;
  blocked?: string;
  halted?: string;
};

type Slot = { partyId: string; group: number; startsAt: Date; endsAt: Date };

/** One step for every slot that is open now, or whose run still has work. */
export async function tickParties(now: Date, executors: Executor | Executors, options: { partyIds?: string[]; teamIds?: string[] } = {}): Promise<SlotTick[]> {
  const executor = "get" in executors ? executors : onlyExecutor(executors);
  const ids = options.partyIds ?? null;
  const slots = await sql<Slot>`
    SELECT s."partyId", s."group", s."startsAt", s."endsAt" FROM "PartySlot" s JOIN "Party" p ON p.id = s."partyId"
    WHERE p.status IN ('PLANNED', 'RUNNING') AND s."startsAt" <= ${now} AND s."endsAt" > ${now} AND (${ids}::text[] IS NULL OR p.id = ANY(${ids}::text[]))
    UNION
    SELECT r."partyId", r."group", r."startsAt", r."endsAt" FROM "PartyRun" r
    WHERE r.state IN ('SCHEDULED', 'RUNNING', 'HALTED') AND (${ids}::text[] IS NULL OR r."partyId" = ANY(${ids}::text[]))
    ORDER BY 1, 2`;
  const results: SlotTick[] = [];
  for (const slot of slots) results.push(await tickSlot(slot, now, executor, options.teamIds ?? null));
  const running = await db.party.findMany({ where: { status: "RUNNING", ...(ids ? { id: { in: ids } } : {}) }, select: { id: true } });
  const touched = [...new Set([...slots.map((s) => s.partyId), ...running.map((p) => p.id)])];
  for (const partyId of touched) await settlePartyStatus(partyId, now);
  return results;
}

/** `teamIds` narrows a slot to some teams' resources (tests, and runs scoped to a few teams). */
async function tickSlot(slot: Slot, now: Date, executors: Executors, teamIds: string[] | null): Promise<SlotTick> {
  const inScope = { ...(teamIds ? { teamId: { in: teamIds } } : {}) };
  return db.$transaction(
    async (tx) => {
      const report: SlotTick = { partyId: slot.partyId, group: slot.group, started: 0, patched: 0, failed: 0 };
      const run = await lockSlotRun(tx, slot, now);
      if (!run) return { ...report, skipped: "locked" as const };
      if (run.state === "COMPLETED" || run.state === "PARTIAL") return { ...report, state: run.state };
      const party = await tx.party.findUniqueOrThrow({
        where: { id: slot.partyId },
        select: { tag: true, kind: true, heldAt: true, heldBy: true, heldReason: true },
      });
      const settings = await getSlotRollout(tx);
      const execution = await getSlotExecution(tx);
      const environment: "PRODUCTION" | "NON_PRODUCTION" = party.kind === "PRODUCTION" ? "PRODUCTION" : "NON_PRODUCTION";
      const label = slotLabel(party.tag, party.kind, slot.group);

      if (run.state === "SCHEDULED") {
        const held = party.heldAt && party.heldReason ? { by: party.heldBy ?? "an admin", reason: party.heldReason } : null;
        const blocked = party.kind === "PRODUCTION" ? partyBlockedReason({ held }, (await partyChanges([slot.partyId])).get(slot.partyId) ?? null) : null;
        if (blocked) {
          report.blocked = blocked;
          if (now >= slot.endsAt) {
            await tx.partyRun.update({ where: { id: run.id }, data: { state: "PARTIAL", haltReason: `Did not start: ${blocked}` } });
            return { ...report, state: "PARTIAL" };
          }
          if (run.haltReason !== blocked) {
            await tx.partyRun.update({ where: { id: run.id }, data: { haltReason: blocked } });
            await audit(tx, "party.slot-blocked", slot.partyId, label, { state: "SCHEDULED" }, blocked, now);
          }
          return { ...report, state: "SCHEDULED" };
        }
        if (now >= slot.endsAt) return { ...report, state: "SCHEDULED" };
        const toPatch = await tx.resource.count({ where: { environment, patchGroup: slot.group, excluded: false, ...inScope } });
        Object.assign(run, { state: "RUNNING", canarySize: canarySize(settings.canaryPercent, toPatch), haltReason: null });
        await tx.partyRun.update({ where: { id: run.id }, data: { state: "RUNNING", canarySize: run.canarySize, haltReason: null } });
        await audit(tx, "party.slot-started", slot.partyId, label, { resources: toPatch, canary: run.canarySize }, null, now);
      }

      const stillRunning = await finishPatches(tx, run.id, slot, party.tag, now, report);
      if (run.state !== "RUNNING") return { ...report, state: run.state };

      const counts = (
        await tx.$queryRaw<{ attempted: number; finished: number; failed: number }[]>`
          SELECT count(*)::int AS attempted, (count(*) FILTER (WHERE status <> 'RUNNING'))::int AS finished, (count(*) FILTER (WHERE status = 'FAILED'))::int AS failed,
                 (count(*) FILTER (WHERE status = 'SKIPPED'))::int AS skipped
          FROM "PatchAttempt" WHERE "runId" = ${run.id}`
      )[0]! as { attempted: number; finished: number; failed: number; skipped: number };
      const canaryComplete = run.canarySize > 0 && counts.attempted >= run.canarySize && stillRunning === 0;
      const halt = haltReason(settings, { failed: counts.failed - run.failureBaseline, finished: counts.finished, canaryComplete });
      if (halt) {
        await haltSlotRun(tx, run, { partyId: slot.partyId, label }, halt, now);
        return { ...report, state: "HALTED", halted: halt };
      }
      let claimedAll = false;
      const cutoff = startCutoff(slot.endsAt, execution.cutoffMinutes);
      if (now < cutoff) {
        const total = await tx.resource.count({ where: { environment, patchGroup: slot.group, excluded: false, ...inScope } });
        const free = Math.max(0, effectiveConcurrency(settings, total) - stillRunning);
        const { limit, gated, passCanary } = startAllowance({
          canarySize: run.canarySize,
          canaryPassed: run.canaryPassedAt !== null,
          attempted: counts.attempted,
          inFlight: stillRunning,
          free,
        });
        if (passCanary) await tx.partyRun.update({ where: { id: run.id }, data: { canaryPassedAt: now } });
        const executor = executors.get((execution.executor as ExecutorName | null) ?? executors.defaultName);
        const target = {
          runId: run.id,
          environment,
          party: { id: slot.partyId, tag: party.tag, kind: party.kind === "PRODUCTION" ? ("production" as const) : ("qa" as const), group: slot.group },
        };
        report.started = limit > 0 ? await startPatches(tx, target, slot.endsAt, execution, limit, now, executor, teamIds) : 0;
        claimedAll = !gated && report.started < limit;
      }
      if ((now >= cutoff || claimedAll) && stillRunning + report.started === 0) {
        const state = counts.failed + counts.skipped === 0 && claimedAll ? "COMPLETED" : "PARTIAL";
        await tx.partyRun.update({ where: { id: run.id }, data: { state } });
        await audit(tx, "party.slot-finished", slot.partyId, label, { state, tried: counts.attempted, failed: counts.failed }, null, now);
        return { ...report, state };
      }
      return { ...report, state: "RUNNING" };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

function audit(tx: Tx, action: string, partyId: string, label: string, after: Prisma.InputJsonValue, reason: string | null, now: Date) {
  return tx.auditEvent.create({
    data: { actorLabel: SCHEDULER.label, action, entityType: "party", entityId: partyId, entityLabel: label, after, reason, at: now },
  });
}

type SlotTarget = { runId: string; environment: "PRODUCTION" | "NON_PRODUCTION"; party: { id: string; tag: string; kind: "qa" | "production"; group: number } };
type SlotExecution = Awaited<ReturnType<typeof getSlotExecution>>;

/**
 * Starts up to `limit` included resources of the slot not yet tried in this run. A cluster's nodes
 * go one at a time: none starts while another node of its cluster is in flight, nor after one failed.
 */
async function startPatches(
  tx: Tx,
  slot: SlotTarget,
  endsAt: Date,
  execution: SlotExecution,
  limit: number,
  now: Date,
  executor: Executor,
  teamIds: string[] | null,
) {
  const { runId, environment } = slot;
  const candidates = await tx.$queryRaw<
    {
      id: string;
      name: string;
      version: string | null;
      address: string | null;
      port: number | null;
      user: string | null;
      kind: string;
      tags: string[];
      cluster: string | null;
      clusterId: string | null;
    }[]
  >`
    SELECT r.id, r.name, r.version, r.address, r."sshPort" AS port, r."sshUser" AS "user", r.kind::text AS kind, r.tags, c.name AS cluster, r."clusterId"
    FROM "Resource" r LEFT JOIN "Cluster" c ON c.id = r."clusterId"
    WHERE r.environment = ${environment}::"Environment" AND r."patchGroup" = ${slot.party.group} AND NOT r.excluded
      -- NOT IN over the run's attempts is hashed once; a NOT EXISTS was planned as a nested loop
      -- when the attempts' statistics were stale (seconds per tick at 30,000, docs/benchmarks.md).
      AND r.id NOT IN (SELECT a."resourceId" FROM "PatchAttempt" a WHERE a."runId" = ${runId})
      AND (${teamIds}::text[] IS NULL OR r."teamId" = ANY(${teamIds}::text[]))
      AND (r."clusterId" IS NULL OR r."clusterId" NOT IN (
        SELECT r2."clusterId" FROM "PatchAttempt" a JOIN "Resource" r2 ON r2.id = a."resourceId"
        WHERE a."runId" = ${runId} AND a.status IN ('RUNNING', 'FAILED') AND r2."clusterId" IS NOT NULL))
    ORDER BY r.name LIMIT ${limit}
    FOR UPDATE OF r SKIP LOCKED`;
  const resources = oneNodePerCluster(candidates);
  if (resources.length === 0) return 0;
  const deadline = executionDeadline(executor.name, now, endsAt, execution.memberTimeoutMinutes);
  const requests: UpgradeRequest[] = resources.map((r) => ({
    key: `${runId}:${r.id}`,
    resourceId: r.id,
    memberName: r.name,
    address: r.address,
    port: r.port,
    user: r.user,
    kind: r.kind,
    tags: r.tags,
    cluster: r.cluster,
    fromVersion: r.version ?? "",
    toVersion: slot.party.tag,
    party: slot.party,
    template: null,
    deadline,
    startBy: startCutoff(endsAt, execution.cutoffMinutes),
    hooks: { pre: execution.preHook, post: execution.postHook },
  }));
  await executor.start(tx, requests, now);
  await tx.$executeRaw`
    INSERT INTO "PatchAttempt" (id, "runId", "resourceId", status, handle, "expectedAt", "startedAt")
    SELECT gen_random_uuid()::text, ${runId}, v."resourceId", 'RUNNING', v.handle, ${deadline}, ${now}
    FROM unnest(${requests.map((r) => r.resourceId!)}::text[], ${requests.map((r) => r.key)}::text[]) AS v("resourceId", handle)`;
  return resources.length;
}

/**
 * Reads the outcomes of the patches in flight and records the finished ones as patch outcomes
 * (attempt, the resource's last outcome, its history) in one statement, so a slot of 30,000
 * costs what a slot of 30 does in round trips. Returns how many still run.
 */
async function finishPatches(tx: Tx, runId: string, slot: Slot, tag: string, now: Date, report: SlotTick): Promise<number> {
  const [{ inFlight } = { inFlight: 0 }] = await tx.$queryRaw<
    { inFlight: number }[]
  >`SELECT count(*)::int AS "inFlight" FROM "PatchAttempt" WHERE "runId" = ${runId} AND status = 'RUNNING'`;
  if (inFlight === 0) return 0;
  await settleDue(tx, { partyRunId: runId }, now);
  const [done] = await tx.$queryRaw<{ patched: number; failed: number; finished: number }[]>`
    WITH finished AS (
      SELECT a.id, a."resourceId", a."startedAt",
             CASE WHEN e.key IS NULL THEN 'FAILED' ELSE e.state::text END AS status,
             CASE WHEN e.state = 'SUCCEEDED' THEN NULL
                  ELSE left(coalesce(e.message, CASE WHEN e.key IS NULL THEN 'The patch was never started.' WHEN e.state = 'SKIPPED' THEN 'The patch was skipped.' ELSE 'The patch failed.' END), 500) END AS message
      FROM "PatchAttempt" a LEFT JOIN "Execution" e ON e.key = a.handle
      WHERE a."runId" = ${runId} AND a.status = 'RUNNING' AND (e.key IS NULL OR e.state IN ('SUCCEEDED', 'FAILED', 'SKIPPED'))
    ),
    attempts AS (
      UPDATE "PatchAttempt" a SET status = f.status::"AttemptStatus", "finishedAt" = ${now}, message = f.message
      FROM finished f WHERE a.id = f.id RETURNING a.id
    ),
    resources AS (
      UPDATE "Resource" r SET
        "lastOutcome" = CASE WHEN f.status = 'SUCCEEDED' THEN 'PATCHED' ELSE 'FAILED' END::"OutcomeStatus",
        "lastPatchedAt" = CASE WHEN f.status = 'SUCCEEDED' THEN ${now}::timestamp ELSE r."lastPatchedAt" END,
        "lastPatchTag" = CASE WHEN f.status = 'SUCCEEDED' THEN ${tag} ELSE r."lastPatchTag" END,
        "updatedAt" = ${now}
      FROM finished f WHERE r.id = f."resourceId" AND f.status <> 'SKIPPED' RETURNING r.id
    ),
    history AS (
      INSERT INTO "PatchOutcome" (id, "resourceId", "partyId", "group", status, message, "startedAt", "finishedAt")
      SELECT gen_random_uuid()::text, f."resourceId", ${slot.partyId}, ${slot.group},
             CASE f.status WHEN 'SUCCEEDED' THEN 'PATCHED' WHEN 'SKIPPED' THEN 'SKIPPED' ELSE 'FAILED' END::"OutcomeStatus", f.message, f."startedAt", ${now}
      FROM finished f
      ON CONFLICT ("resourceId", "partyId") DO NOTHING RETURNING id
    )
    SELECT (count(*) FILTER (WHERE status = 'SUCCEEDED'))::int AS patched, (count(*) FILTER (WHERE status = 'FAILED'))::int AS failed, count(*)::int AS finished
    FROM finished`;
  report.patched = done?.patched ?? 0;
  report.failed = done?.failed ?? 0;
  return inFlight - (done?.finished ?? 0);
}

/** RUNNING while a slot's run is open; COMPLETED once the party is over and no run is open. */
async function settlePartyStatus(partyId: string, now: Date) {
  const party = await db.party.findUnique({ where: { id: partyId }, select: { status: true, endsAt: true } });
  if (!party || party.status === "CANCELLED") return;
  const open = await db.partyRun.count({ where: { partyId, state: { in: ["RUNNING", "HALTED"] } } });
  const status = open > 0 ? "RUNNING" : now >= party.endsAt ? "COMPLETED" : party.status;
  if (status !== party.status) await db.party.update({ where: { id: partyId }, data: { status } });
}
