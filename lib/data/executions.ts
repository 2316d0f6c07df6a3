// Execution rows: what an executor really did for one member (docs/decisions/014). The engines
// create them through an executor's `start`, read their outcomes on every tick, and nothing else
// writes an outcome: a job (ssh, ansible), the executions API (webhook, manual, a person) or the
// simulated clock (demo and tests) finishes a row, once.
import type { Prisma } from "@prisma/client";
import { db } from "../db";
import { truncateOutput } from "../domain/redact";
import type { ExecutionReport, ExecutorName, Tx, UpgradeRequest } from "../rollout/executor";

export type ExecutionState = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "SKIPPED";
export const FINAL_STATES: ExecutionState[] = ["SUCCEEDED", "FAILED", "SKIPPED"];

/** A worker running an execution beats every HEARTBEAT_SECONDS; after STALE_SECONDS of silence it is gone. */
export const HEARTBEAT_SECONDS = 15;
export const STALE_SECONDS = 120;

/**
 * Inserts one row per request, in `state`; a key already recorded is left as it is (a tick
 * retried after a worker died). Returns the keys inserted now: only those are handed on.
 */
export async function recordExecutions(
  tx: Tx,
  executor: ExecutorName,
  requests: (UpgradeRequest & { extra?: Prisma.InputJsonValue })[],
  state: "QUEUED" | "RUNNING",
  now: Date,
): Promise<string[]> {
  if (requests.length === 0) return [];
  const rows = requests.map((r) => ({
    key: r.key,
    resourceId: r.resourceId,
    memberName: r.memberName,
    address: r.address,
    fromVersion: r.fromVersion,
    toVersion: r.toVersion,
    partyId: r.party?.id ?? null,
    partyGroup: r.party?.group ?? null,
    templateId: r.template?.id ?? null,
    deadline: r.deadline.toISOString(),
    request: { ...r, deadline: r.deadline.toISOString(), extra: r.extra ?? null },
  }));
  const inserted = await tx.$queryRaw<{ key: string }[]>`
    INSERT INTO "Execution" (id, key, executor, state, "resourceId", "memberName", address, "fromVersion", "toVersion", "partyId", "partyGroup", "templateId", request, deadline, "startedAt", "createdAt", "updatedAt")
    SELECT 'exe_' || md5(x.key), x.key, ${executor}, ${state}::"ExecutionState", x."resourceId", x."memberName", x.address, x."fromVersion", x."toVersion", x."partyId", x."partyGroup", x."templateId", x.request, x.deadline,
           CASE WHEN ${state} = 'RUNNING' THEN ${now}::timestamp ELSE NULL END, ${now}, ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(key text, "resourceId" text, "memberName" text, address text, "fromVersion" text, "toVersion" text, "partyId" text, "partyGroup" int, "templateId" text, request jsonb, deadline timestamp)
    ON CONFLICT (key) DO NOTHING
    RETURNING key`;
  return inserted.map((row) => row.key);
}

/** Queues a job in the caller's transaction (graphile-worker's add_job): it runs only if the transaction commits. */
export async function queueJob(tx: Tx, task: string, payload: Record<string, unknown>, options: { jobKey: string; maxAttempts: number }) {
  await tx.$executeRaw`SELECT graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json, job_key := ${options.jobKey}, max_attempts := ${options.maxAttempts})`;
}

export type Finished = { key: string; state: "SUCCEEDED" | "FAILED" | "SKIPPED"; message: string | null };

/**
 * The outcomes of `keys` as of `now`, in one statement each: first what is due is settled (a
 * simulated upgrade whose time came; a member past its deadline, or whose worker stopped beating,
 * fails), then the final rows are read. Rows still queued or running are not returned.
 */
export async function settleExecutions(tx: Tx, keys: string[], now: Date): Promise<Finished[]> {
  if (keys.length === 0) return [];
  const staleBefore = new Date(now.getTime() - STALE_SECONDS * 1000);
  await tx.$executeRaw`
    UPDATE "Execution" e SET
      state = CASE
        WHEN e.executor = 'simulated' AND (e.request->'extra'->>'finishAt')::timestamp <= ${now}::timestamp
          THEN CASE WHEN (e.request->'extra'->>'fails')::boolean THEN 'FAILED' ELSE 'SUCCEEDED' END::"ExecutionState"
        ELSE 'FAILED'::"ExecutionState" END,
      message = CASE
        WHEN e.executor = 'simulated' AND (e.request->'extra'->>'finishAt')::timestamp <= ${now}::timestamp
          THEN CASE WHEN (e.request->'extra'->>'fails')::boolean THEN 'Simulated failure: the health check did not pass after the upgrade.' ELSE 'Simulated upgrade: no server was touched.' END
        WHEN e.deadline <= ${now}::timestamp
          THEN 'No report: the ' || e.executor || ' executor gave no outcome by the deadline (' || to_char(e.deadline, 'YYYY-MM-DD HH24:MI') || ' UTC).'
        ELSE 'The worker running this upgrade stopped (no sign of life since ' || to_char(e."heartbeatAt", 'YYYY-MM-DD HH24:MI:SS') || ' UTC); its outcome is unknown: check the host.' END,
      "healthCheck" = CASE WHEN e.executor = 'simulated' AND (e.request->'extra'->>'finishAt')::timestamp <= ${now}::timestamp
          THEN CASE WHEN (e.request->'extra'->>'fails')::boolean THEN 'failed' ELSE 'passed' END ELSE e."healthCheck" END,
      "reportedBy" = CASE WHEN e.executor = 'simulated' THEN 'simulated' ELSE 'PatchParty (deadline)' END,
      "finishedAt" = ${now}, "updatedAt" = ${now}
    WHERE e.key = ANY(${keys}::text[]) AND e.state IN ('QUEUED', 'RUNNING')
      AND ((e.executor = 'simulated' AND (e.request->'extra'->>'finishAt')::timestamp <= ${now}::timestamp)
        OR e.deadline <= ${now}::timestamp
        OR (e.state = 'RUNNING' AND e."heartbeatAt" < ${staleBefore}::timestamp))`;
  return tx.$queryRaw<Finished[]>`
    SELECT key, state::text AS state, message FROM "Execution"
    WHERE key = ANY(${keys}::text[]) AND state IN ('SUCCEEDED', 'FAILED', 'SKIPPED')`;
}

export type ReportOutcome = { ok: true } | { ok: false; status: 404 | 409; message: string };

/**
 * Finishes one execution with what its executor, automation or a person reported; "running"
 * marks it begun. Refused (409) once it has finished: an outcome is written once.
 */
export async function reportExecution(
  key: string,
  report: ExecutionReport | { state: "running"; message?: string | null; output?: string | null },
  reportedBy: string,
  now: Date,
  client: Tx = db,
): Promise<ReportOutcome> {
  const final = report.state !== "running";
  const state = report.state.toUpperCase();
  const full = report as ExecutionReport;
  const updated = await client.$queryRaw<{ key: string }[]>`
    UPDATE "Execution" SET
      state = ${state}::"ExecutionState",
      "startedAt" = coalesce("startedAt", ${now}),
      "finishedAt" = CASE WHEN ${final} THEN ${now}::timestamp ELSE NULL END,
      "heartbeatAt" = CASE WHEN ${final} THEN "heartbeatAt" ELSE ${now}::timestamp END,
      message = coalesce(${report.message ?? null}, message),
      output = coalesce(${report.output == null ? null : truncateOutput(report.output)}, output),
      "exitStatus" = coalesce(${full.exitStatus ?? null}::int, "exitStatus"),
      packages = coalesce(${full.packages ? JSON.stringify(full.packages) : null}::jsonb, packages),
      "rebootRequired" = coalesce(${full.rebootRequired ?? null}::boolean, "rebootRequired"),
      rebooted = coalesce(${full.rebooted ?? null}::boolean, rebooted),
      "healthCheck" = coalesce(${full.healthCheck ?? null}, "healthCheck"),
      "reportedBy" = ${reportedBy},
      "updatedAt" = ${now}
    WHERE key = ${key} AND state IN ('QUEUED', 'RUNNING')
    RETURNING key`;
  if (updated.length) return { ok: true };
  const exists = await client.execution.findUnique({ where: { key }, select: { state: true } });
  if (!exists) return { ok: false, status: 404, message: `No execution has the key "${key}".` };
  return { ok: false, status: 409, message: `Execution "${key}" has already finished (${exists.state.toLowerCase()}); an outcome is reported once.` };
}

/**
 * A worker claims a queued execution before running it: only one ever does, so a job that runs
 * twice (a retry, a second worker) does not upgrade the host twice. Returns the request, or null
 * when someone else claimed it or it already finished.
 */
export async function claimExecution(key: string, now: Date): Promise<UpgradeRequest | null> {
  const rows = await db.$queryRaw<{ request: UpgradeRequest & { deadline: string } }[]>`
    UPDATE "Execution" SET state = 'RUNNING', "startedAt" = ${now}, "heartbeatAt" = ${now}, "updatedAt" = ${now}
    WHERE key = ${key} AND state = 'QUEUED' RETURNING request`;
  const row = rows[0];
  return row ? { ...row.request, deadline: new Date(row.request.deadline) } : null;
}

/** A running worker's sign of life, and the output so far. */
export async function beat(key: string, now: Date, output?: string) {
  await db.$executeRaw`
    UPDATE "Execution" SET "heartbeatAt" = ${now}, output = coalesce(${output == null ? null : truncateOutput(output)}, output), "updatedAt" = ${now}
    WHERE key = ${key} AND state = 'RUNNING'`;
}
