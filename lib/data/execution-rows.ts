// Executions as the party, template and resource pages list them: everything a run recorded for
// a member but the whole output (its tail; the execution's own page has all of it). Each page's
// data module reads them with its own filter (party-detail.ts, templates.ts, resource-detail.ts).
import { Prisma } from "@prisma/client";
import { sql } from "../db";
import type { PackageChange } from "../domain";
import type { ExecutionState } from "./executions";

/** A list shows the last this many characters of each member's output. */
export const OUTPUT_TAIL_CHARS = 2_000;
export const EXECUTION_PAGE_SIZE = 50;

export type ExecutionRow = {
  key: string;
  executor: string;
  state: ExecutionState;
  memberName: string;
  /** The resource's team (null for a cluster member of a template): who may record its outcome. */
  teamId: string | null;
  fromVersion: string;
  toVersion: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  deadline: Date;
  exitStatus: number | null;
  packages: PackageChange[];
  rebootRequired: boolean | null;
  rebooted: boolean | null;
  healthCheck: string | null;
  message: string | null;
  reportedBy: string | null;
  outputTail: string | null;
  outputLength: number;
  party: { tag: string; kind: "qa" | "production"; group: number } | null;
  template: { id: string; name: string } | null;
};

export type StateCounts = Partial<Record<ExecutionState, number>>;

const COLUMNS = Prisma.sql`
  e.key, e.executor, e.state::text AS state, e."memberName", r."teamId", e."fromVersion", e."toVersion", e."createdAt", e."startedAt", e."finishedAt", e.deadline,
  e."exitStatus", e.packages, e."rebootRequired", e.rebooted, e."healthCheck", e.message, e."reportedBy",
  right(e.output, ${OUTPUT_TAIL_CHARS}) AS "outputTail", coalesce(length(e.output), 0)::int AS "outputLength",
  CASE WHEN e.request ? 'party' AND jsonb_typeof(e.request->'party') = 'object'
    THEN json_build_object('tag', e.request->'party'->>'tag', 'kind', e.request->'party'->>'kind', 'group', (e.request->'party'->>'group')::int) END AS party,
  CASE WHEN e.request ? 'template' AND jsonb_typeof(e.request->'template') = 'object'
    THEN json_build_object('id', e.request->'template'->>'id', 'name', e.request->'template'->>'name') END AS template`;

const FROM = Prisma.sql`FROM "Execution" e LEFT JOIN "Resource" r ON r.id = e."resourceId"`;

export type ExecutionPageQuery = { state?: ExecutionState; after?: string; limit?: number };

/** `after` is the previous page's last row: "<member name>|<key>" (names repeat across a template's runs, keys do not, and hold no "|"). */
export const executionCursor = (row: Pick<ExecutionRow, "memberName" | "key">) => `${row.memberName}|${row.key}`;

function afterRow(after: string | undefined): Prisma.Sql {
  // PostgreSQL text holds no NUL: such a cursor was never ours.
  if (!after || after.includes("\u0000")) return Prisma.empty;
  const cut = after.lastIndexOf("|");
  if (cut < 0) return Prisma.sql`AND e."memberName" > ${after}`;
  return Prisma.sql`AND (e."memberName", e.key) > (${after.slice(0, cut)}, ${after.slice(cut + 1)})`;
}

/**
 * One page of the executions `where` picks, in member-name order (keyset on name and key): one
 * statement. A slot of 30,000 members is read a page at a time, never whole.
 */
export async function listExecutionRows(where: Prisma.Sql, query: ExecutionPageQuery): Promise<{ rows: ExecutionRow[]; next: string | null }> {
  const limit = query.limit ?? EXECUTION_PAGE_SIZE;
  const rows = await sql<ExecutionRow>`
    SELECT ${COLUMNS} ${FROM}
    WHERE ${where} ${query.state ? Prisma.sql`AND e.state = ${query.state}::"ExecutionState"` : Prisma.empty} ${afterRow(query.after)}
    ORDER BY e."memberName", e.key LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  return { rows: page, next: rows.length > limit ? executionCursor(page.at(-1)!) : null };
}

/** The newest `limit` executions `where` picks (a resource's recent ones). */
export function recentExecutionRows(where: Prisma.Sql, limit: number): Promise<ExecutionRow[]> {
  return sql<ExecutionRow>`SELECT ${COLUMNS} ${FROM} WHERE ${where} ORDER BY e."createdAt" DESC, e.key LIMIT ${limit}`;
}

/** How many executions `where` picks are in each state: one aggregate. */
export async function countExecutionStates(where: Prisma.Sql): Promise<StateCounts> {
  const rows = await sql<{
    state: ExecutionState;
    n: number;
  }>`SELECT e.state::text AS state, count(*)::int AS n FROM "Execution" e WHERE ${where} GROUP BY e.state`;
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}
