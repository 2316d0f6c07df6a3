// Party slots as rollouts: in each slot's window, the group's included resources of the party's
// environment are patched through the executor, a few at a time, canary first, halting past the
// failure threshold — the same machine as fleet templates (engine.ts). A production slot does
// not start while its change request is not approved or the party is held: its run waits,
// SCHEDULED, with the reason. Outcomes land in PatchOutcome, the patch history.
import "server-only";
import { hasTestedSet, recordTestedSet } from "../data/tested-sets";
import type { Prisma } from "@prisma/client";
import { sql } from "kysely";
import { db, execute, qb, unnest } from "../db";
import type { AttemptStatus, OutcomeStatus } from "../database/generated/kysely";
import { SCHEDULER } from "../data/audit";
import { partyChanges } from "../data/change-requests";
import {
  partyBlockedReason,
  canarySize,
  freezeHolds,
  frozenTeams,
  type Freeze,
  effectiveConcurrency,
  executionDeadline,
  haltReason,
  startAllowance,
  startCutoff,
  type ExecutorName,
  type UpgradeRequest,
  slotLabel,
} from "../domain";
import { freezesAfter } from "../data/freezes";
import { getSlotExecution, getSlotRollout } from "../data/slot-rollout";
import { settleDue } from "../data/executions";
import { onlyExecutor, type Executor, type Executors } from "./executor";
import { oneNodePerCluster } from "./engine";
import { haltSlotRun, lockSlotRun } from "../data/runs";
import { partyData, recordEvent } from "../data/webhooks";

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

/** The slots open now, and those whose run still has work (of the parties `ids`, or of all): one statement. */
function slotsToTick(now: Date, ids: string[] | null) {
  return execute(
    qb
      .selectFrom("PartySlot as s")
      .innerJoin("Party as p", "p.id", "s.partyId")
      .select(["s.partyId", "s.group", "s.startsAt", "s.endsAt"])
      .where((eb) =>
        eb.and([
          eb("p.status", "in", [sql.lit("PLANNED" as const), sql.lit("RUNNING" as const)]),
          eb("s.startsAt", "<=", now),
          eb("s.endsAt", ">", now),
          eb.or([eb(eb.cast(eb.val(ids), sql`text[]`), "is", null), eb("p.id", "=", eb.fn.any(eb.cast<string[]>(eb.val(ids), sql`text[]`)))]),
        ]),
      )
      .union((eb) =>
        eb
          .selectFrom("PartyRun as r")
          .select(["r.partyId", "r.group", "r.startsAt", "r.endsAt"])
          .where((eb) =>
            eb.and([
              eb("r.state", "in", [sql.lit("SCHEDULED" as const), sql.lit("RUNNING" as const), sql.lit("HALTED" as const)]),
              eb.or([eb(eb.cast(eb.val(ids), sql`text[]`), "is", null), eb("r.partyId", "=", eb.fn.any(eb.cast<string[]>(eb.val(ids), sql`text[]`)))]),
            ]),
          ),
      )
      .orderBy(sql.lit(1))
      .orderBy(sql.lit(2)),
  );
}
type Slot = Awaited<ReturnType<typeof slotsToTick>>[number];

/** One step for every slot that is open now, or whose run still has work. */
export async function tickParties(now: Date, executors: Executor | Executors, options: { partyIds?: string[]; teamIds?: string[] } = {}): Promise<SlotTick[]> {
  const executor = "get" in executors ? executors : onlyExecutor(executors);
  const ids = options.partyIds ?? null;
  const slots = await slotsToTick(now, ids);
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

      // Nothing starts inside a freeze (issue 16): every team's servers of this environment, or some teams'.
      const freezes = await freezesAfter(now, tx);
      const frozen = frozenTeams(freezes, environment === "PRODUCTION" ? "production" : "non-production", now);
      if (run.state === "SCHEDULED") {
        const held = party.heldAt && party.heldReason ? { by: party.heldBy ?? "an admin", reason: party.heldReason } : null;
        const blocked =
          (party.kind === "PRODUCTION" ? partyBlockedReason({ held }, (await partyChanges([slot.partyId])).get(slot.partyId) ?? null) : null) ??
          (frozen === "all" ? frozenReason(freezes, environment, now) : null);
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

      const [counts] = await execute(
        qb
          .selectFrom("PatchAttempt")
          .select((eb) => [
            eb.cast<number>(eb.fn.countAll(), "integer").as("attempted"),
            eb.cast<number>(eb.fn.countAll().filterWhere("status", "<>", "RUNNING"), "integer").as("finished"),
            eb.cast<number>(eb.fn.countAll().filterWhere("status", "=", "FAILED"), "integer").as("failed"),
            eb.cast<number>(eb.fn.countAll().filterWhere("status", "=", "SKIPPED"), "integer").as("skipped"),
          ])
          .where("runId", "=", run.id),
        tx,
      );
      if (!counts) throw new Error("An aggregate without GROUP BY returns one row.");
      const canaryComplete = run.canarySize > 0 && counts.attempted >= run.canarySize && stillRunning === 0;
      const halt = haltReason(settings, { failed: counts.failed - run.failureBaseline, finished: counts.finished, canaryComplete });
      if (halt) {
        await haltSlotRun(tx, run, { partyId: slot.partyId, label }, halt, now);
        return { ...report, state: "HALTED", halted: halt };
      }
      let claimedAll = false;
      const cutoff = startCutoff(slot.endsAt, execution.cutoffMinutes);
      if (now < cutoff && frozen === "all") report.blocked = frozenReason(freezes, environment, now);
      if (now < cutoff && frozen !== "all") {
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
          // Production installs what QA tested, once QA recorded what that was (decision 020).
          testedSet: party.kind === "PRODUCTION" && (await hasTestedSet(party.tag, tx)),
          party: { id: slot.partyId, tag: party.tag, kind: party.kind === "PRODUCTION" ? ("production" as const) : ("qa" as const), group: slot.group },
        };
        report.started = limit > 0 ? await startPatches(tx, target, slot.endsAt, execution, limit, now, executor, teamIds, [...frozen]) : 0;
        // Members of a frozen team wait: the slot is not done while they could still start.
        claimedAll = !gated && report.started < limit && frozen.size === 0;
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

/** Why nothing starts now: the freezes that hold every server. */
function frozenReason(freezes: readonly Freeze[], environment: "PRODUCTION" | "NON_PRODUCTION", now: Date) {
  const server = { environment: environment === "PRODUCTION" ? ("production" as const) : ("non-production" as const), teamId: "" };
  const holding = freezes.filter((f) => f.startsAt <= now && now < f.endsAt && f.teamIds.length === 0 && freezeHolds(f, server));
  return `Frozen: ${holding.map((f) => `"${f.name}" until ${f.endsAt.toISOString().slice(0, 16).replace("T", " ")} UTC`).join(", ")}.`;
}

function audit(tx: Tx, action: string, partyId: string, label: string, after: Prisma.InputJsonValue, reason: string | null, now: Date) {
  return tx.auditEvent.create({
    data: { actorLabel: SCHEDULER.label, action, entityType: "party", entityId: partyId, entityLabel: label, after, reason, at: now },
  });
}

type SlotTarget = {
  runId: string;
  environment: "PRODUCTION" | "NON_PRODUCTION";
  party: { id: string; tag: string; kind: "qa" | "production"; group: number };
  /** The quarter has a tested set: each member is told to install it (production). */
  testedSet: boolean;
};
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
  /** Teams whose servers a freeze holds now: none of theirs starts. */
  frozenTeamIds: string[],
) {
  const { runId, environment } = slot;
  const candidates = await execute(
    qb
      .selectFrom("Resource as r")
      .leftJoin("Cluster as c", "c.id", "r.clusterId")
      .leftJoin("UpdateScan as s", "s.resourceId", "r.id")
      .select([
        "r.id",
        "r.name",
        "r.version",
        "r.address",
        "r.sshPort as port",
        "r.sshUser as user",
        "r.kind",
        "r.tags",
        "c.name as cluster",
        "r.clusterId",
        "s.release",
      ])
      .where((eb) =>
        eb.and([
          eb("r.environment", "=", environment),
          eb("r.patchGroup", "=", slot.party.group),
          eb.not("r.excluded"),
          // A server retired by its inventory source (issue 21) is patched no more.
          eb("r.retiredAt", "is", null),
          // NOT IN over the run's attempts is hashed once; a NOT EXISTS was planned as a nested loop
          // when the attempts' statistics were stale (seconds per tick at 30,000, docs/benchmarks.md).
          eb("r.id", "not in", eb.selectFrom("PatchAttempt as a").select("a.resourceId").where("a.runId", "=", runId)),
          eb.or([eb(eb.cast(eb.val(teamIds), sql`text[]`), "is", null), eb("r.teamId", "=", eb.fn.any(eb.cast<string[]>(eb.val(teamIds), sql`text[]`)))]),
          eb.not(eb("r.teamId", "=", eb.fn.any(eb.cast<string[]>(eb.val(frozenTeamIds), sql`text[]`)))),
          eb.or([
            eb("r.clusterId", "is", null),
            eb(
              "r.clusterId",
              "not in",
              eb
                .selectFrom("PatchAttempt as a")
                .innerJoin("Resource as r2", "r2.id", "a.resourceId")
                .select("r2.clusterId")
                .where("a.runId", "=", runId)
                .where("a.status", "in", ["RUNNING", "FAILED"])
                .where("r2.clusterId", "is not", null),
            ),
          ]),
        ]),
      )
      .orderBy("r.name")
      .limit(limit)
      .forUpdate("r")
      .skipLocked(),
    tx,
  );
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
    install: slot.testedSet ? { tag: slot.party.tag, release: r.release ?? "" } : null,
  }));
  await executor.start(tx, requests, now);
  await execute(
    qb
      .insertInto("PatchAttempt")
      .columns(["id", "runId", "resourceId", "status", "handle", "expectedAt", "startedAt"])
      .expression(
        qb
          .selectFrom(unnest("v", { resourceId: [requests.map((r) => r.resourceId!), "text"], handle: [requests.map((r) => r.key), "text"] }))
          .select((eb) => [
            eb.cast<string>(eb.fn("gen_random_uuid"), "text").as("id"),
            eb.val(runId).as("runId"),
            "v.resourceId",
            sql.lit("RUNNING").as("status"),
            "v.handle",
            eb.val(deadline).as("expectedAt"),
            eb.val(now).as("startedAt"),
          ]),
      ),
    tx,
  );
  return resources.length;
}

/**
 * Reads the outcomes of the patches in flight and records the finished ones as patch outcomes
 * (attempt, the resource's last outcome, its history) in one statement, so a slot of 30,000
 * costs what a slot of 30 does in round trips. Returns how many still run.
 */
async function finishPatches(tx: Tx, runId: string, slot: Slot, tag: string, now: Date, report: SlotTick): Promise<number> {
  const [{ inFlight } = { inFlight: 0 }] = await execute(
    qb
      .selectFrom("PatchAttempt")
      .select((eb) => eb.cast<number>(eb.fn.countAll(), "integer").as("inFlight"))
      .where("runId", "=", runId)
      .where("status", "=", "RUNNING"),
    tx,
  );
  if (inFlight === 0) return 0;
  await settleDue(tx, { partyRunId: runId }, now);
  const [done] = await execute(
    qb
      .with("finished", (db) =>
        db
          .selectFrom("PatchAttempt as a")
          .leftJoin("Execution as e", "e.key", "a.handle")
          .select((eb) => [
            "a.id",
            "a.resourceId",
            "a.startedAt",
            eb.case().when("e.key", "is", null).then(sql.lit("FAILED")).else(eb.cast<string>("e.state", "text")).end().as("status"),
            eb
              .case()
              .when("e.state", "=", sql.lit("SUCCEEDED"))
              .then(sql.lit(null))
              .else(
                eb.fn<string>("left", [
                  eb.fn.coalesce(
                    "e.message",
                    eb
                      .case()
                      .when("e.key", "is", null)
                      .then(sql.lit("The patch was never started."))
                      .when("e.state", "=", sql.lit("SKIPPED"))
                      .then(sql.lit("The patch was skipped."))
                      .else(sql.lit("The patch failed."))
                      .end(),
                  ),
                  sql.lit(500),
                ]),
              )
              .end()
              .as("message"),
          ])
          .where("a.runId", "=", runId)
          .where("a.status", "=", "RUNNING")
          .where((eb) => eb.or([eb("e.key", "is", null), eb("e.state", "in", ["SUCCEEDED", "FAILED", "SKIPPED"])])),
      )
      .with("attempts", (db) =>
        db
          .updateTable("PatchAttempt as a")
          .from("finished as f")
          .set((eb) => ({ status: eb.cast<AttemptStatus>("f.status", sql.id("AttemptStatus")), finishedAt: now, message: eb.ref("f.message") }))
          .whereRef("a.id", "=", "f.id")
          .returning("a.id"),
      )
      .with("resources", (db) =>
        db
          .updateTable("Resource as r")
          .from("finished as f")
          .set((eb) => {
            const succeeded = eb("f.status", "=", sql.lit("SUCCEEDED"));
            return {
              lastOutcome: eb.cast<OutcomeStatus>(eb.case().when(succeeded).then(sql.lit("PATCHED")).else(sql.lit("FAILED")).end(), sql.id("OutcomeStatus")),
              lastPatchedAt: eb
                .case()
                .when(succeeded)
                .then(eb.cast<Date>(eb.val(now), "timestamp"))
                .else(eb.ref("r.lastPatchedAt"))
                .end(),
              lastPatchTag: eb.case().when(succeeded).then(eb.val(tag)).else(eb.ref("r.lastPatchTag")).end(),
              updatedAt: now,
            };
          })
          .whereRef("r.id", "=", "f.resourceId")
          .where("f.status", "<>", sql.lit("SKIPPED"))
          .returning("r.id"),
      )
      .with("history", (db) =>
        db
          .insertInto("PatchOutcome")
          .columns(["id", "resourceId", "partyId", "group", "status", "message", "startedAt", "finishedAt"])
          .expression(
            db
              .selectFrom("finished as f")
              .select((eb) => [
                eb.cast<string>(eb.fn("gen_random_uuid"), "text").as("id"),
                "f.resourceId",
                eb.val(slot.partyId).as("partyId"),
                eb.val(slot.group).as("group"),
                eb
                  .cast<OutcomeStatus>(
                    eb
                      .case("f.status")
                      .when(sql.lit("SUCCEEDED"))
                      .then(sql.lit("PATCHED"))
                      .when(sql.lit("SKIPPED"))
                      .then(sql.lit("SKIPPED"))
                      .else(sql.lit("FAILED"))
                      .end(),
                    sql.id("OutcomeStatus"),
                  )
                  .as("status"),
                "f.message",
                "f.startedAt",
                eb.val(now).as("finishedAt"),
              ]),
          )
          .onConflict((conflict) => conflict.columns(["resourceId", "partyId"]).doNothing())
          .returning("id"),
      )
      .selectFrom("finished")
      .select((eb) => [
        eb.cast<number>(eb.fn.countAll().filterWhere("status", "=", sql.lit("SUCCEEDED")), "integer").as("patched"),
        eb.cast<number>(eb.fn.countAll().filterWhere("status", "=", sql.lit("FAILED")), "integer").as("failed"),
        eb.cast<number>(eb.fn.countAll(), "integer").as("finished"),
      ]),
    tx,
  );
  report.patched = done?.patched ?? 0;
  report.failed = done?.failed ?? 0;
  return inFlight - (done?.finished ?? 0);
}

/** RUNNING while a slot's run is open; COMPLETED once the party is over and no run is open. */
async function settlePartyStatus(partyId: string, now: Date) {
  const party = await db.party.findUnique({ where: { id: partyId }, select: { tag: true, kind: true, startsAt: true, endsAt: true, status: true } });
  if (!party || party.status === "CANCELLED") return;
  const open = await db.partyRun.count({ where: { partyId, state: { in: ["RUNNING", "HALTED"] } } });
  const status = open > 0 ? "RUNNING" : now >= party.endsAt ? "COMPLETED" : party.status;
  if (status === party.status) return;
  await db.$transaction(async (tx) => {
    // From the status read above only: of two workers settling it at once, one tells.
    const { count } = await tx.party.updateMany({ where: { id: partyId, status: party.status }, data: { status } });
    if (count === 0) return;
    // A QA party that completed leaves its tested set for production (decision 020).
    if (status === "COMPLETED" && party.kind === "QA") await recordTestedSet(tx, partyId, party.tag, now);
    const event = status === "RUNNING" ? "party.started" : status === "COMPLETED" ? "party.completed" : null;
    if (event) await recordEvent(tx, event, { party: partyData(party) }, now);
  });
}
