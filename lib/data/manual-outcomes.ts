// Outcomes that people record on the party slot's and the template's pages: a selection of
// members, or a CSV of them. The outcomes are written by reportExecutions (lib/data/executions.ts,
// the owner of an execution's outcome) with an audit row each, in one transaction: all or none.
// The engines turn them into patch outcomes and member versions on their next tick.
import "server-only";
import type { Prisma } from "@prisma/client";
import { sql } from "kysely";
import { db, execute, qb, unnest } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import { MANUAL_CSV_MAX_ROWS, ManualCsvRowSchema, type ManualOutcomeInput, type ManualTarget } from "../validation/manual-outcomes";
import { reportExecutions } from "./executions";
import { readCsv, type CsvError } from "./csv";
import { refuse, succeed, type Outcome } from "./outcome";

type Scope = { where: Prisma.ExecutionWhereInput; label: string };

/** The executions of one party slot, or of one template; null when it does not exist. */
export async function manualScope(target: ManualTarget): Promise<Scope | null> {
  if (target.scope === "slot") {
    const party = await db.party.findUnique({
      where: { tag_kind: { tag: target.tag, kind: target.kind === "qa" ? "QA" : "PRODUCTION" } },
      select: { id: true },
    });
    if (!party) return null;
    return {
      where: { partyId: party.id, partyGroup: target.group },
      label: `${target.tag} ${target.kind === "qa" ? "QA" : "production"} group ${target.group}`,
    };
  }
  const template = await db.template.findUnique({ where: { id: target.templateId }, select: { id: true, name: true } });
  return template ? { where: { templateId: template.id }, label: `template ${template.name}` } : null;
}

const OPEN = new Set(["QUEUED", "RUNNING"]);
const TARGET_FIELDS = {
  key: true,
  memberName: true,
  state: true,
  executor: true,
  toVersion: true,
  createdAt: true,
  resource: { select: { teamId: true } },
} satisfies Prisma.ExecutionSelect;
type Target = Prisma.ExecutionGetPayload<{ select: typeof TARGET_FIELDS }>;

const mayReport = (user: CurrentUser, e: Target) => can(user, { action: "execution:report", target: { teamId: e.resource?.teamId ?? null } });
const names = (rows: { memberName: string }[]) =>
  rows
    .slice(0, 5)
    .map((r) => r.memberName)
    .join(", ") + (rows.length > 5 ? ` and ${rows.length - 5} more` : "");

type Item = { execution: Target; state: "succeeded" | "failed"; message: string | null; line?: number };
export type Recorded = { succeeded: number; failed: number };

class Conflict extends Error {
  constructor(
    readonly item: Item,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Writes every item's outcome (reportExecutions, the bulk form of reportExecution) and its audit
 * row in one transaction; if one finished meanwhile (its worker, the deadline), nothing is written.
 */
async function write(user: CurrentUser, items: Item[], via: string, now: Date): Promise<Outcome<Recorded> | Conflict> {
  try {
    await db.$transaction(
      async (tx) => {
        const written = new Set(
          await reportExecutions(
            tx,
            items.map((i) => ({ key: i.execution.key, state: i.state, message: i.message })),
            user.email,
            now,
          ),
        );
        const missed = items.find((i) => !written.has(i.execution.key));
        if (missed) throw new Conflict(missed, "It got its outcome meanwhile; an outcome is recorded once.");
        // One statement for all the audit rows (createMany took seconds for 10,000).
        const batch = unnest("v", {
          key: [items.map((i) => i.execution.key), "text"],
          state: [items.map((i) => i.state), "text"],
          member: [items.map((i) => i.execution.memberName), "text"],
          executor: [items.map((i) => i.execution.executor), "text"],
          version: [items.map((i) => i.execution.toVersion), "text"],
          message: [items.map((i) => i.message), "text"],
        });
        await execute(
          qb
            .insertInto("AuditEvent")
            .columns(["actorId", "actorLabel", "action", "entityType", "entityId", "entityLabel", "after", "reason", "at"])
            .expression(
              qb
                .selectFrom(batch)
                .select((eb) => [
                  eb.val(user.id).as("actorId"),
                  eb.val(user.email).as("actorLabel"),
                  eb(sql.lit("execution."), "||", eb.ref("v.state")).as("action"),
                  sql.lit("execution").as("entityType"),
                  "v.key",
                  "v.member",
                  eb
                    .fn("jsonb_build_object", [
                      sql.lit("executor"),
                      "v.executor",
                      sql.lit("version"),
                      "v.version",
                      sql.lit("state"),
                      "v.state",
                      sql.lit("via"),
                      eb.cast(eb.val(via), "text"),
                    ])
                    .as("after"),
                  "v.message",
                  eb.cast<Date>(eb.val(now), "timestamp(3)").as("at"),
                ]),
            ),
          tx,
        );
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
  } catch (error) {
    if (error instanceof Conflict) return error;
    throw error;
  }
  return succeed({ succeeded: items.filter((i) => i.state === "succeeded").length, failed: items.filter((i) => i.state === "failed").length });
}

/** "Patched" or "Failed" (with its reason) for members of a party slot or a template, picked on its page. */
export async function recordManualOutcomes(user: CurrentUser, target: ManualTarget, input: ManualOutcomeInput, now: Date): Promise<Outcome<Recorded>> {
  const scope = await manualScope(target);
  if (!scope) return refuse(404, "not-found", target.scope === "slot" ? "That party does not exist." : "That template does not exist.");
  const rows = await db.execution.findMany({ where: { ...scope.where, key: { in: input.keys } }, select: TARGET_FIELDS });
  if (rows.length < input.keys.length) {
    return refuse(
      404,
      "not-found",
      `${input.keys.length - rows.length} of the selected members are not upgrades of ${scope.label}. Nothing was recorded: reload the page.`,
    );
  }
  const denied = rows.filter((e) => !mayReport(user, e));
  if (denied.length)
    return refuse(
      403,
      "forbidden",
      `You may not record outcomes for ${names(denied)}: owners record their own team's resources, admins any. Nothing was recorded.`,
    );
  const finished = rows.filter((e) => !OPEN.has(e.state));
  if (finished.length) {
    return refuse(
      409,
      "finished",
      `${names(finished)} already ${finished.length === 1 ? "has" : "have"} an outcome (${finished[0]!.state.toLowerCase()}); an outcome is recorded once. Nothing was recorded: reload the page.`,
    );
  }
  const state = input.outcome === "patched" ? "succeeded" : "failed";
  const written = await write(
    user,
    rows.map((execution) => ({ execution, state, message: input.reason || null })),
    target.scope === "slot" ? "party page" : "template page",
    now,
  );
  if (written instanceof Conflict)
    return refuse(409, "finished", `${written.item.execution.memberName}: ${written.message} Nothing was recorded: reload the page.`);
  return written;
}

export type CsvOutcome = ({ ok: true } & Recorded) | { ok: false; status: 400 | 403 | 404 | 409; message: string; errors: CsvError[] };

const MAX_ERRORS = 200;
const COLUMNS = ["key", "member", "state", "message"];

/**
 * A CSV of `key,state,message` or `member,state,message` (state: patched or failed; a failure says
 * why) for one party slot or template: every row is checked first, then all are recorded, or none.
 */
export async function importManualOutcomes(user: CurrentUser, target: ManualTarget, csv: string, now: Date): Promise<CsvOutcome> {
  const scope = await manualScope(target);
  if (!scope) return { ok: false, status: 404, message: target.scope === "slot" ? "That party does not exist." : "That template does not exist.", errors: [] };
  const bad = (errors: CsvError[], message = "The file has errors: nothing was recorded. Fix them and upload it again."): CsvOutcome => ({
    ok: false,
    status: 400,
    message,
    errors: errors.slice(0, MAX_ERRORS),
  });

  const read = readCsv(csv, { shortRows: true });
  if ("error" in read) return bad([read.error]);
  const { header, records } = read;
  const unknown = header.filter((c) => !COLUMNS.includes(c));
  const by = header.includes("key") ? "key" : "member";
  const headerErrors = [
    ...unknown.map((c) => ({ line: 1, column: c, message: "unknown column: the header is key,state,message or member,state,message" })),
    ...(header.includes("key") === header.includes("member")
      ? [{ line: 1, column: "", message: "name the member by key or by member, one of them: key,state,message or member,state,message" }]
      : []),
    ...(header.includes("state") ? [] : [{ line: 1, column: "state", message: "the header has no state column" }]),
  ];
  if (headerErrors.length) return bad(headerErrors);
  if (records.length === 0) return bad([{ line: 2, column: "", message: "the file has no rows" }]);
  if (records.length > MANUAL_CSV_MAX_ROWS) return bad([], `At most ${MANUAL_CSV_MAX_ROWS.toLocaleString("en")} rows in one file: split it.`);

  const errors: CsvError[] = [];
  const rows: { line: number; id: string; state: "succeeded" | "failed"; message: string }[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const parsed = ManualCsvRowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ line: info.lines, column: String(issue.path[0] ?? ""), message: issue.message });
      continue;
    }
    const id = (by === "key" ? parsed.data.key : parsed.data.member)!;
    const first = seen.get(id);
    if (first !== undefined) {
      errors.push({ line: info.lines, column: by, message: `${id} is already on line ${first}` });
      continue;
    }
    seen.set(id, info.lines);
    rows.push({ line: info.lines, id, state: parsed.data.state, message: parsed.data.message });
  }

  // A member named twice in a template's history is its open upgrade, else its newest one.
  const ids = rows.map((r) => r.id);
  const found = await db.execution.findMany({
    where: { ...scope.where, ...(by === "key" ? { key: { in: ids } } : { memberName: { in: ids } }) },
    select: TARGET_FIELDS,
    orderBy: { createdAt: "desc" },
  });
  const byId = new Map<string, Target>();
  for (const e of found) {
    const id = by === "key" ? e.key : e.memberName;
    const kept = byId.get(id);
    if (!kept || (!OPEN.has(kept.state) && OPEN.has(e.state))) byId.set(id, e);
  }
  const items: Item[] = [];
  let forbidden = false;
  for (const row of rows) {
    const execution = byId.get(row.id);
    if (!execution) errors.push({ line: row.line, column: by, message: `${scope.label} has no upgrade ${by === "key" ? "with the key" : "of"} ${row.id}` });
    else if (!mayReport(user, execution)) {
      forbidden = true;
      errors.push({ line: row.line, column: by, message: `you may not record outcomes for ${execution.memberName}: owners record their own team's resources` });
    } else if (!OPEN.has(execution.state))
      errors.push({
        line: row.line,
        column: by,
        message: `${execution.memberName} already has an outcome (${execution.state.toLowerCase()}); an outcome is recorded once`,
      });
    else items.push({ execution, state: row.state, message: row.message || null, line: row.line });
  }
  errors.sort((a, b) => a.line - b.line);
  if (errors.length)
    return forbidden && errors.every((e) => e.message.startsWith("you may not"))
      ? { ok: false, status: 403, message: "You may not record some of these outcomes: nothing was recorded.", errors: errors.slice(0, MAX_ERRORS) }
      : bad(errors);

  const written = await write(user, items, "csv", now);
  if (written instanceof Conflict) {
    return {
      ok: false,
      status: 409,
      message: "An upgrade got its outcome while the file was recorded: nothing was recorded. Upload it again.",
      errors: [{ line: written.item.line ?? 0, column: by, message: written.message }],
    };
  }
  if (!written.ok) return { ok: false, status: written.status, message: written.message, errors: [] };
  return { ok: true, ...written.value };
}
