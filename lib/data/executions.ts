// Execution rows: what an executor really did for one member (docs/decisions/014). The engines
// create them through an executor's `start`, read their outcomes on every tick, and nothing else
// writes an outcome: a job (ssh, ansible), the executions API (webhook, manual, a person) or the
// simulated clock (demo and tests) finishes a row, once.
import "server-only";
import type { Prisma } from "@prisma/client";
import { sql, type Selectable } from "kysely";
import { db, execute, qb, unnest } from "../db";
import type { DB } from "../database/generated/kysely";
import { redact, truncateOutput } from "../domain/redact";
import { env } from "../env";
import type { ExecutionReport, ExecutorName, PackageChange, UpgradeRequest } from "../domain";
import { can, type CurrentUser, type TeamScope } from "../auth/permissions";
import type { EXECUTION_STATES, ExecutionReportInput } from "../validation/executions";
import { recordAudit } from "./audit";
import { executionScopeInput } from "./execution-rows";
import { refuse, succeed, type Outcome } from "./outcome";
import { portalUrl, recordEvents } from "./webhooks";

type Tx = Prisma.TransactionClient;

export type ExecutionState = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "SKIPPED";
export const FINAL_STATES: ExecutionState[] = ["SUCCEEDED", "FAILED", "SKIPPED"];

/** A worker running an execution beats every HEARTBEAT_SECONDS; after STALE_SECONDS of silence it is gone. */
export const HEARTBEAT_SECONDS = 15;
export const STALE_SECONDS = 120;

/** The columns recordExecutions reads from its batch, with their SQL types (jsonb_to_recordset's column list). */
const RECORD_COLUMNS = {
  key: "text",
  resourceId: "text",
  memberName: "text",
  address: "text",
  fromVersion: "text",
  toVersion: "text",
  partyId: "text",
  partyGroup: "int",
  templateId: "text",
  request: "jsonb",
  deadline: "timestamp",
  expectedAt: "timestamp",
} as const satisfies { [C in keyof DB["Execution"]]?: string };

/**
 * Inserts one row per request, in `state`; a key already recorded is left as it is (a tick
 * retried after a worker died). Returns the keys inserted now: only those are handed on.
 */
export async function recordExecutions(
  tx: Tx,
  executor: ExecutorName,
  requests: (UpgradeRequest & { extra?: Prisma.InputJsonValue; expectedAt?: Date })[],
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
    expectedAt: r.expectedAt?.toISOString() ?? null,
    request: { ...r, deadline: r.deadline.toISOString(), expectedAt: undefined, extra: r.extra ?? null },
  }));
  // The batch is one jsonb parameter, read as rows of the Execution's own columns.
  const batch = sql<Pick<Selectable<DB["Execution"]>, keyof typeof RECORD_COLUMNS>>`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)`.as<"x">(
    sql`x(${sql.join(Object.entries(RECORD_COLUMNS).map(([column, type]) => sql`${sql.id(column)} ${sql.raw(type)}`))})`,
  );
  const inserted = await execute(
    qb
      .insertInto("Execution")
      .columns([
        "id",
        "key",
        "executor",
        "state",
        "resourceId",
        "memberName",
        "address",
        "fromVersion",
        "toVersion",
        "partyId",
        "partyGroup",
        "templateId",
        "request",
        "deadline",
        "expectedAt",
        "startedAt",
        "createdAt",
        "updatedAt",
      ])
      .expression(
        qb
          .selectFrom(batch)
          .select((eb) => [
            eb(sql.lit("exe_"), "||", eb.fn<string>("md5", ["x.key"])).as("id"),
            "x.key",
            eb.val(executor).as("executor"),
            eb.cast<ExecutionState>(eb.val(state), sql.id("ExecutionState")).as("state"),
            "x.resourceId",
            "x.memberName",
            "x.address",
            "x.fromVersion",
            "x.toVersion",
            "x.partyId",
            "x.partyGroup",
            "x.templateId",
            "x.request",
            "x.deadline",
            "x.expectedAt",
            eb.cast<Date | null>(eb.val(state === "RUNNING" ? now : null), "timestamp").as("startedAt"),
            eb.val(now).as("createdAt"),
            eb.val(now).as("updatedAt"),
          ]),
      )
      .onConflict((conflict) => conflict.column("key").doNothing())
      .returning("key"),
    tx,
  );
  return inserted.map((row) => row.key);
}

/** Queues a job in the caller's transaction (graphile-worker's add_job): it runs only if the transaction commits. */
export async function queueJob(tx: Tx, task: string, payload: Record<string, unknown>, options: { jobKey: string; maxAttempts: number }) {
  // graphile-worker's function, with named arguments: outside the typed schema.
  const job = sql<unknown>`graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json, job_key := ${options.jobKey}, max_attempts := ${options.maxAttempts})`;
  await execute(qb.selectNoFrom(job.as("job")), tx);
}

/**
 * The outcomes of `keys` as of `now`, in one statement each: first what is due is settled (a
 * simulated upgrade whose time came; a member past its deadline, or whose worker stopped beating,
 * fails), then the final rows are read. Rows still queued or running are not returned.
 */
export async function settleExecutions(tx: Tx, keys: string[], now: Date) {
  if (keys.length === 0) return [];
  await settleDue(tx, keys, now);
  return execute(
    qb
      .selectFrom("Execution")
      .select(["key", "state", "message"])
      .where((eb) => eb("key", "=", eb.fn.any(eb.val(keys))))
      .where("state", "in", ["SUCCEEDED", "FAILED", "SKIPPED"])
      .$narrowType<{ state: "SUCCEEDED" | "FAILED" | "SKIPPED" }>(), // what the filter above keeps
    tx,
  );
}

export type Finished = Awaited<ReturnType<typeof settleExecutions>>[number];

/**
 * Finishes what is due by `now` (see settleExecutions), in one statement: among `keys`, or among
 * the executions a party slot's run has in flight (read in the statement, not sent to it).
 */
export async function settleDue(tx: Tx, which: string[] | { partyRunId: string }, now: Date): Promise<void> {
  if (Array.isArray(which) && which.length === 0) return;
  const staleBefore = new Date(now.getTime() - STALE_SECONDS * 1000);
  await execute(
    qb
      .updateTable("Execution as e")
      .set((eb) => {
        const at = eb.cast<Date>(eb.val(now), "timestamp");
        const simulatedDue = eb.and([eb("e.executor", "=", "simulated"), eb("e.expectedAt", "<=", at)]);
        const fails = eb.cast<boolean>(eb.ref("e.request", "->>").key("extra").key("fails"), "boolean");
        return {
          state: eb
            .case()
            .when(simulatedDue)
            .then(eb.cast<ExecutionState>(eb.case().when(fails).then(sql.lit("FAILED")).else(sql.lit("SUCCEEDED")).end(), sql.id("ExecutionState")))
            .else(eb.cast<ExecutionState>(sql.lit("FAILED"), sql.id("ExecutionState")))
            .end(),
          message: eb
            .case()
            .when(simulatedDue)
            .then(
              eb
                .case()
                .when(fails)
                .then(sql.lit("Simulated failure: the health check did not pass after the upgrade."))
                .else(sql.lit("Simulated upgrade: no server was touched."))
                .end(),
            )
            .when("e.deadline", "<=", at)
            .then(
              sql<string>`'No report: the ' || ${eb.ref("e.executor")} || ' executor gave no outcome by the deadline (' || to_char(${eb.ref("e.deadline")}, 'YYYY-MM-DD HH24:MI') || ' UTC).'`,
            )
            .else(
              sql<string>`'The worker running this upgrade stopped (no sign of life since ' || to_char(${eb.ref("e.heartbeatAt")}, 'YYYY-MM-DD HH24:MI:SS') || ' UTC); its outcome is unknown: check the host.'`,
            )
            .end(),
          healthCheck: eb
            .case()
            .when(simulatedDue)
            .then(eb.case().when(fails).then(sql.lit("failed")).else(sql.lit("passed")).end())
            .else(eb.ref("e.healthCheck"))
            .end(),
          reportedBy: eb.case().when("e.executor", "=", "simulated").then(sql.lit("simulated")).else(sql.lit("PatchParty (deadline)")).end(),
          finishedAt: now,
          updatedAt: now,
        };
      })
      .where((eb) =>
        eb.and([
          Array.isArray(which)
            ? eb("e.key", "=", eb.fn.any(eb.val(which)))
            : eb(
                "e.key",
                "in",
                eb.selectFrom("PatchAttempt as a").select("a.handle").where("a.runId", "=", which.partyRunId).where("a.status", "=", "RUNNING"),
              ),
          eb("e.state", "in", ["QUEUED", "RUNNING"]),
          eb.or([
            eb.and([eb("e.executor", "=", "simulated"), eb("e.expectedAt", "<=", eb.cast<Date>(eb.val(now), "timestamp"))]),
            eb("e.deadline", "<=", eb.cast<Date>(eb.val(now), "timestamp")),
            // Only workers beat (ssh, ansible); an automation that reported "running" has until the deadline.
            eb.and([
              eb("e.state", "=", "RUNNING"),
              eb("e.executor", "in", ["ssh", "ansible"]),
              eb("e.heartbeatAt", "<", eb.cast<Date>(eb.val(staleBefore), "timestamp")),
            ]),
          ]),
        ]),
      )
      .returning(["e.key", "e.state"]),
    tx,
  ).then((rows) =>
    executionsFailed(
      tx,
      rows.filter((r) => r.state === "FAILED").map((r) => r.key),
      now,
    ),
  );
}

/**
 * The `execution.failed` event of each of `keys` (executions that have just failed), in the
 * transaction that failed them. Every write of a final state in this module calls it.
 */
async function executionsFailed(tx: Tx, keys: string[], now: Date) {
  if (keys.length === 0) return;
  const rows = await tx.execution.findMany({ where: { key: { in: keys } }, select: SUMMARY_FIELDS, orderBy: { key: "asc" } });
  await recordEvents(
    tx,
    rows.map(summary).map((e) => ({
      type: "execution.failed" as const,
      data: {
        execution: {
          key: e.key,
          executor: e.executor,
          member: e.memberName,
          resource: e.resource?.name ?? null,
          party: e.party,
          template: e.template,
          message: e.message,
          finishedAt: e.finishedAt?.toISOString() ?? null,
          url: portalUrl(`/api/v1/executions/${encodeURIComponent(e.key)}`),
        },
      },
    })),
    now,
  );
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
  client?: Tx,
): Promise<ReportOutcome> {
  const final = report.state !== "running";
  const state = report.state.toUpperCase();
  const full = report as ExecutionReport;
  const updated = await execute(
    qb
      .updateTable("Execution")
      .set((eb) => ({
        state: eb.cast<ExecutionState>(eb.val(state), sql.id("ExecutionState")),
        startedAt: eb.fn.coalesce("startedAt", eb.val(now)),
        finishedAt: eb.cast<Date | null>(eb.val(final ? now : null), "timestamp"),
        heartbeatAt: final ? eb.ref("heartbeatAt") : eb.cast<Date>(eb.val(now), "timestamp"),
        message: eb.fn.coalesce(eb.val(report.message == null ? null : cleanMessage(report.message)), "message"),
        output: eb.fn.coalesce(eb.val(report.output == null ? null : truncateOutput(report.output, configuredSecrets())), "output"),
        exitStatus: eb.fn.coalesce(eb.cast<number | null>(eb.val(full.exitStatus ?? null), "integer"), "exitStatus"),
        packages: eb.fn.coalesce(eb.cast<PackageChange[] | null>(eb.val(full.packages ? JSON.stringify(full.packages) : null), "jsonb"), "packages"),
        rebootRequired: eb.fn.coalesce(eb.cast<boolean | null>(eb.val(full.rebootRequired ?? null), "boolean"), "rebootRequired"),
        rebooted: eb.fn.coalesce(eb.cast<boolean | null>(eb.val(full.rebooted ?? null), "boolean"), "rebooted"),
        healthCheck: eb.fn.coalesce(eb.val(full.healthCheck ?? null), "healthCheck"),
        reportedBy,
        updatedAt: now,
      }))
      .where("key", "=", key)
      .where("state", "in", ["QUEUED", "RUNNING"])
      .returning("key"),
    client,
  );
  // Outside a transaction (an automation's report) the event is recorded just after: the failure stands either way.
  if (updated.length && state === "FAILED") await executionsFailed(client ?? db, [key], now);
  if (updated.length) return { ok: true };
  const exists = await (client ?? db).execution.findUnique({ where: { key }, select: { state: true } });
  if (!exists) return { ok: false, status: 404, message: `No execution has the key "${key}".` };
  return { ok: false, status: 409, message: `Execution "${key}" has already finished (${exists.state.toLowerCase()}); an outcome is reported once.` };
}

/**
 * A worker claims a queued execution before running it: only one ever does, so a job that runs
 * twice (a retry, a second worker) does not upgrade the host twice. Returns the request, or null
 * when someone else claimed it or it already finished.
 */
export async function claimExecution(key: string, now: Date): Promise<UpgradeRequest | null> {
  const [row] = await execute(
    qb
      .updateTable("Execution")
      .set({ state: "RUNNING", startedAt: now, heartbeatAt: now, updatedAt: now })
      .where("key", "=", key)
      .where("state", "=", "QUEUED")
      .returning("request"),
  );
  if (!row) return null;
  const request = { ...row.request, deadline: new Date(row.request.deadline), startBy: row.request.startBy ? new Date(row.request.startBy) : null };
  const refusal = await lateStart(key, now);
  if (refusal) {
    await reportExecution(key, { state: "skipped", message: refusal }, "PatchParty", now);
    return null;
  }
  return request;
}

/**
 * Why an upgrade handed over earlier must not begin now, or null: the window's cutoff has passed
 * while it waited for a worker (or a webhook's retries), or its rollout halted meanwhile. Asked
 * before a worker touches a host and before a webhook is sent.
 */
export async function lateStart(key: string, now: Date): Promise<string | null> {
  const runId = key.slice(0, key.indexOf(":"));
  const [row] = await execute(
    qb.selectNoFrom((eb) => [
      eb
        .selectFrom("Execution")
        .select((eb) => eb.cast<Date>(eb.ref("request", "->>").key("startBy"), "timestamp").as("startBy"))
        .where("key", "=", key)
        .as("startBy"),
      // The two runs' states are enums of their own: as text, one column.
      eb
        .selectFrom("PartyRun")
        .select((eb) => eb.cast<string>("state", "text").as("state"))
        .where("id", "=", runId)
        .unionAll(
          eb
            .selectFrom("UpgradeRun")
            .select((eb) => eb.cast<string>("state", "text").as("state"))
            .where("id", "=", runId),
        )
        .limit(1)
        .as("runState"),
    ]),
  );
  if (row?.startBy && now >= row.startBy)
    return `Not started: it was still waiting at the window's cutoff (${row.startBy.toISOString().slice(0, 16).replace("T", " ")} UTC).`;
  if (row?.runState === "HALTED") return "Not started: the rollout halted (failures past its threshold) while it waited.";
  return null;
}

const MIN_SECRET_LENGTH = 12;

/** The secrets this installation knows: never stored in an execution's message or output. */
function configuredSecrets(): string[] {
  const e = env();
  const fromUrl = (url: string | undefined) => {
    try {
      return url ? decodeURIComponent(new URL(url).password) : "";
    } catch {
      return "";
    }
  };
  // Only secrets long enough not to be words: an old embedded database's password was "patchparty",
  // and replacing it took the product's name out of every path and message.
  return [
    e.NEXTAUTH_SECRET,
    e.OIDC_CLIENT_SECRET,
    e.PATCHPARTY_WEBHOOK_SECRET,
    fromUrl(e.DATABASE_URL),
    fromUrl(e.DATABASE_MIGRATION_URL),
    fromUrl(e.SMTP_URL),
  ].filter((s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH);
}

/** A message as stored and shown to every reader: secrets redacted, at most 2,000 characters, no NUL. */
export function cleanMessage(message: string): string {
  return redact(message.replace(/\u0000/g, ""), configuredSecrets()).slice(0, 2_000);
}

/** A running worker's sign of life, and the output so far. */
export async function beat(key: string, now: Date, output?: string) {
  await execute(
    qb
      .updateTable("Execution")
      .set((eb) => ({
        heartbeatAt: now,
        output: eb.fn.coalesce(eb.val(output == null ? null : truncateOutput(output, configuredSecrets())), "output"),
        updatedAt: now,
      }))
      .where("key", "=", key)
      .where("state", "=", "RUNNING"),
  );
}

// ---- The executions API (app/api/v1/executions) and the webhook delivery read these. ----

const SUMMARY_FIELDS = {
  id: true,
  key: true,
  executor: true,
  state: true,
  memberName: true,
  address: true,
  fromVersion: true,
  toVersion: true,
  partyId: true,
  templateId: true,
  request: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  deadline: true,
  exitStatus: true,
  packages: true,
  rebootRequired: true,
  rebooted: true,
  healthCheck: true,
  message: true,
  reportedBy: true,
  resource: { select: { name: true, teamId: true } },
} satisfies Prisma.ExecutionSelect;

type SummaryRow = Prisma.ExecutionGetPayload<{ select: typeof SUMMARY_FIELDS }>;

/** One execution as the API and the webhook show it; lists leave the output out. */
export type ExecutionSummary = Omit<SummaryRow, "request" | "packages"> & {
  packages: PackageChange[];
  /** As the engine asked for it (UpgradeRequest): what the webhook sent the automation. */
  party: { tag: string; kind: "qa" | "production"; group: number } | null;
  template: { id: string; name: string } | null;
};
export type ExecutionRecord = ExecutionSummary & { output: string | null };

/** Keys are `${runId}:${memberId}`: anything longer, or holding a NUL (PostgreSQL text cannot), is no key. */
const isKey = (key: string) => key.length <= 300 && !key.includes("\u0000");

function summary({ request, packages, ...row }: SummaryRow): ExecutionSummary {
  const asked = (request ?? {}) as Partial<Pick<UpgradeRequest, "party" | "template">>;
  return {
    ...row,
    packages: Array.isArray(packages) ? (packages as PackageChange[]) : [],
    party: asked.party ? { tag: asked.party.tag, kind: asked.party.kind, group: asked.party.group } : null,
    template: asked.template ? { id: asked.template.id, name: asked.template.name } : null,
  };
}

/** The execution keyed so, if `teams` (a reader's `readableTeams`, null for all) may read it. */
export async function getExecution(key: string, teams: TeamScope): Promise<ExecutionRecord | null> {
  if (!isKey(key)) return null;
  const row = await db.execution.findFirst({ where: { key, ...(await executionScopeInput(teams)) }, select: { ...SUMMARY_FIELDS, output: true } });
  return row ? { ...summary(row), output: row.output } : null;
}

export type ExecutionFilter = ({ party: string; kind: "qa" | "production"; group?: number } | { template: string }) & {
  state?: (typeof EXECUTION_STATES)[number];
  /** The previous page's last key. */
  after?: string;
  limit: number;
};

/**
 * A party slot's or a template's executions, ordered by key, `limit` at a time (keyset pages on
 * the indexes (partyId, partyGroup, key) and (templateId, key)). 404 for an unknown party or template.
 */
export async function listExecutions(filter: ExecutionFilter, teams: TeamScope): Promise<Outcome<{ items: ExecutionSummary[]; next: string | null }>> {
  let where: Prisma.ExecutionWhereInput;
  if ("party" in filter) {
    const party = await db.party.findUnique({
      where: { tag_kind: { tag: filter.party, kind: filter.kind === "qa" ? "QA" : "PRODUCTION" } },
      select: { id: true },
    });
    if (!party) return refuse(404, "not-found", `No ${filter.kind} party is tagged ${filter.party}.`);
    where = { partyId: party.id, ...(filter.group !== undefined ? { partyGroup: filter.group } : {}) };
  } else {
    const template = await db.template.findUnique({ where: { id: filter.template }, select: { id: true } });
    if (!template) return refuse(404, "not-found", "No template has that id.");
    where = { templateId: template.id };
  }
  const rows = await db.execution.findMany({
    where: {
      ...where,
      ...(await executionScopeInput(teams)),
      ...(filter.state ? { state: filter.state.toUpperCase() as ExecutionState } : {}),
      ...(filter.after ? { key: { gt: filter.after } } : {}),
    },
    orderBy: { key: "asc" },
    take: filter.limit + 1,
    select: SUMMARY_FIELDS,
  });
  const page = rows.slice(0, filter.limit);
  return succeed({ items: page.map(summary), next: rows.length > filter.limit ? (page.at(-1)?.key ?? null) : null });
}

/**
 * A report through the executions API, by an executor (a machine), an admin or an owner of the
 * resource's team: checked, written by reportExecution, and a final one audited in the same
 * transaction. Answers the execution as it is now.
 */
export async function reportExecutionAs(user: CurrentUser, key: string, input: ExecutionReportInput, now: Date): Promise<Outcome<ExecutionRecord>> {
  const target = !isKey(key)
    ? null
    : await db.execution.findUnique({ where: { key }, select: { memberName: true, executor: true, toVersion: true, resource: { select: { teamId: true } } } });
  if (!target) return refuse(404, "not-found", `No execution has the key "${key}".`);
  if (!can(user, { action: "execution:report", target: { teamId: target.resource?.teamId ?? null } })) {
    return refuse(403, "forbidden", "You may not report this upgrade: executors, admins and the owners of its resource's team may.");
  }
  const report = input.state === "running" ? { ...input, state: "running" as const } : { ...input, state: input.state };
  const result = await db.$transaction(async (tx) => {
    const written = await reportExecution(key, report, user.email, now, tx);
    if (written.ok && report.state !== "running") {
      await recordAudit(tx, {
        actor: { id: user.id, label: user.email },
        action: `execution.${report.state}`,
        entityType: "execution",
        entityId: key,
        entityLabel: target.memberName,
        after: {
          executor: target.executor,
          version: target.toVersion,
          state: report.state,
          exitStatus: report.exitStatus ?? null,
          healthCheck: report.healthCheck ?? null,
          packages: report.packages?.length ?? 0,
        },
        reason: report.message ?? null,
        at: now,
      });
    }
    return written;
  });
  if (!result.ok) return refuse(result.status, result.status === 404 ? "not-found" : "finished", result.message);
  // Its reporter may read it (an owner reports their teams' servers only).
  const execution = await getExecution(key, null);
  return execution ? succeed(execution) : refuse(404, "not-found", `No execution has the key "${key}".`);
}

// ---- People's outcomes in bulk (lib/data/manual-outcomes.ts: a selection, a CSV of thousands). ----

export type FinalReport = { key: string; state: "succeeded" | "failed"; message: string | null };

/**
 * Final outcomes of many executions at once, as people record them: reportExecution's write for a
 * state and a message, in one statement (a CSV of 10,000 rows, one by one, took a minute).
 * Returns the keys written; a key not among them was not open (or does not exist).
 */
export async function reportExecutions(tx: Tx, reports: FinalReport[], reportedBy: string, now: Date): Promise<string[]> {
  if (reports.length === 0) return [];
  const batch = unnest("v", {
    key: [reports.map((r) => r.key), "text"],
    state: [reports.map((r) => r.state), "text"],
    message: [reports.map((r) => (r.message == null ? null : cleanMessage(r.message))), "text"],
  });
  const rows = await execute(
    qb
      .updateTable("Execution as e")
      .from(batch)
      .set((eb) => ({
        state: eb.cast<ExecutionState>(eb.fn("upper", ["v.state"]), sql.id("ExecutionState")),
        startedAt: eb.fn.coalesce("e.startedAt", eb.val(now)),
        finishedAt: now,
        message: eb.fn.coalesce("v.message", "e.message"),
        reportedBy,
        updatedAt: now,
      }))
      .whereRef("e.key", "=", "v.key")
      .where("e.state", "in", ["QUEUED", "RUNNING"])
      .returning(["e.key", "e.state"]),
    tx,
  );
  await executionsFailed(
    tx,
    rows.filter((r) => r.state === "FAILED").map((r) => r.key),
    now,
  );
  return rows.map((r) => r.key);
}
