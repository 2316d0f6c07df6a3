// Executions as the party, template and resource pages list them: everything a run recorded for
// a member but the whole output (its tail; the execution's own page has all of it). Each page's
// data module reads them with its own filter (party-detail.ts, templates.ts, resource-detail.ts).
import "server-only";
import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type InferResult, type SqlBool } from "kysely";
import { jsonBuildObject } from "kysely/helpers/postgres";
import type { Prisma } from "@prisma/client";
import { execute, qb } from "../db";
import type { TeamScope } from "../auth/permissions";
import type { DB } from "../database/generated/kysely";
import type { ExecutionState } from "./executions";

/** A list shows the last this many characters of each member's output. */
export const OUTPUT_TAIL_CHARS = 2_000;
export const EXECUTION_PAGE_SIZE = 50;

export type StateCounts = Partial<Record<ExecutionState, number>>;

type Executions = { e: DB["Execution"] };
/** Which executions a page lists, said of the executions `e`: `(eb) => eb("e.resourceId", "=", id)`. */
export type ExecutionWhere = (eb: ExpressionBuilder<Executions, "e">) => Expression<SqlBool>;
const executions = expressionBuilder<Executions, "e">();

/**
 * The executions a reader may see (issue 21): a server's when its team is among `teams` (their
 * `readableTeams`), a cluster's when one of its nodes is; null reads all. Every list of executions
 * takes it, so no page can leave it out; `executionScopeInput` is the same rule for Prisma's reads.
 */
export function executionScope(teams: TeamScope): ExecutionWhere {
  return (eb) => {
    if (teams === null) return eb.lit(true);
    if (teams.length === 0) return eb.lit(false);
    return eb.or([
      eb(
        "e.resourceId",
        "in",
        qb
          .selectFrom("Resource")
          .select("id")
          .where("teamId", "in", [...teams]),
      ),
      eb.and([
        eb("e.resourceId", "is", null),
        eb(
          "e.memberName",
          "in",
          qb
            .selectFrom("Cluster as c")
            .innerJoin("Resource as n", "n.clusterId", "c.id")
            .select("c.name")
            .where("n.teamId", "in", [...teams]),
        ),
      ]),
    ]);
  };
}

/** `executionScope` for Prisma's reads (the executions API): the same rule, with the clusters read first. */
export async function executionScopeInput(teams: TeamScope): Promise<Prisma.ExecutionWhereInput> {
  if (teams === null) return {};
  const clusters = await execute(
    qb
      .selectFrom("Cluster as c")
      .innerJoin("Resource as n", "n.clusterId", "c.id")
      .select("c.name")
      .distinct()
      .where("n.teamId", "in", teams.length ? [...teams] : [""]),
  );
  return { OR: [{ resource: { teamId: { in: [...teams] } } }, { resourceId: null, memberName: { in: clusters.map((c) => c.name) } }] };
}

/** The listed columns, from the executions `e` and their resources `r`. */
export function executionRows() {
  return qb
    .selectFrom("Execution as e")
    .leftJoin("Resource as r", "r.id", "e.resourceId")
    .select((eb) => {
      // Each path on its own: inline in jsonBuildObject's argument, TypeScript loses their types.
      const party = eb.ref("e.request", "->>").key("party");
      const [tag, kind, group] = [party.key("tag"), party.key("kind"), eb.cast<number>(party.key("group"), "integer")];
      const template = eb.ref("e.request", "->>").key("template");
      const [id, name] = [template.key("id"), template.key("name")];
      return [
        "e.key",
        "e.executor",
        "e.state",
        "e.memberName",
        "r.teamId", // the resource's team (null for a cluster member of a template): who may record its outcome
        "e.fromVersion",
        "e.toVersion",
        "e.createdAt",
        "e.startedAt",
        "e.finishedAt",
        "e.deadline",
        "e.exitStatus",
        "e.packages",
        "e.rebootRequired",
        "e.rebooted",
        "e.healthCheck",
        "e.message",
        "e.reportedBy",
        eb.fn<string | null>("right", ["e.output", eb.val(OUTPUT_TAIL_CHARS)]).as("outputTail"),
        eb.cast<number>(eb.fn.coalesce(eb.fn<number | null>("length", ["e.output"]), sql.lit(0)), "integer").as("outputLength"),
        // (`e.request->'party'` is NULL when the request has no party: no object then.)
        eb
          .case()
          .when(eb.fn("jsonb_typeof", [eb.ref("e.request", "->").key("party")]), "=", "object")
          .then(jsonBuildObject({ tag, kind, group }))
          .end()
          .as("party"),
        eb
          .case()
          .when(eb.fn("jsonb_typeof", [eb.ref("e.request", "->").key("template")]), "=", "object")
          .then(jsonBuildObject({ id, name }))
          .end()
          .as("template"),
      ];
    });
}

export type ExecutionRow = InferResult<ReturnType<typeof executionRows>>[number];

export type ExecutionPageQuery = { state?: ExecutionState; after?: string; limit?: number };

/** `after` is the previous page's last row: "<member name>|<key>" (names repeat across a template's runs, keys do not, and hold no "|"). */
export const executionCursor = (row: Pick<ExecutionRow, "memberName" | "key">) => `${row.memberName}|${row.key}`;

/** The rows after the cursor `after` (keyset on name and key): none for no cursor, or one that was never ours. */
function afterRow(after: string | undefined) {
  // PostgreSQL text holds no NUL: such a cursor was never ours.
  if (!after || after.includes("\u0000")) return [];
  const cut = after.lastIndexOf("|");
  if (cut < 0) return [executions("e.memberName", ">", after)];
  return [executions(executions.refTuple("e.memberName", "e.key"), ">", executions.tuple(after.slice(0, cut), after.slice(cut + 1)))];
}

/**
 * One page of the executions `where` picks, in member-name order (keyset on name and key): one
 * statement. A slot of 30,000 members is read a page at a time, never whole.
 */
export async function listExecutionRows(
  where: ExecutionWhere,
  teams: TeamScope,
  query: ExecutionPageQuery,
): Promise<{ rows: ExecutionRow[]; next: string | null }> {
  const limit = query.limit ?? EXECUTION_PAGE_SIZE;
  const filters = [
    where(executions),
    executionScope(teams)(executions),
    ...(query.state ? [executions("e.state", "=", query.state)] : []),
    ...afterRow(query.after),
  ];
  const rows = await execute(
    executionRows()
      .where(executions.and(filters))
      .orderBy("e.memberName")
      .orderBy("e.key")
      .limit(limit + 1),
  );
  const page = rows.slice(0, limit);
  return { rows: page, next: rows.length > limit ? executionCursor(page.at(-1)!) : null };
}

/** How many executions `where` picks, of those `teams` may read, are in each state: one aggregate. */
export async function countExecutionStates(where: ExecutionWhere, teams: TeamScope): Promise<StateCounts> {
  const rows = await execute(
    qb
      .selectFrom("Execution as e")
      .select((eb) => ["e.state", eb.cast<number>(eb.fn.countAll(), "integer").as("n")])
      .where(executions.and([where(executions), executionScope(teams)(executions)]))
      .groupBy("e.state"),
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}
