// The resource list: filters, sorting and keyset pagination in SQL, so it stays fast at
// 100,000 resources (trigram and b-tree indexes, narrow columns, no full count).
import "server-only";
import { expressionBuilder, sql, type ColumnDataType, type Expression, type InferResult, type SqlBool } from "kysely";
import { z } from "zod";
import type { TeamScope } from "../auth/permissions";
import { execute, qb } from "../db";
import type { DB } from "../database/generated/kysely";
import { ENVIRONMENTS, KINDS, type ResourceFilters, type Sort } from "../validation/resources";

/** The tables as the list's statements name them: `r` is the resource. */
type WithR = DB & { r: DB["Resource"] };
const resourceEb = () => expressionBuilder<WithR, "r">();

/** The list's columns: the resource, its team's and its cluster's names. */
const LISTED = qb
  .selectFrom("Resource as r")
  .innerJoin("Team as t", "t.id", "r.teamId")
  .leftJoin("Cluster as c", "c.id", "r.clusterId")
  .select([
    "r.id",
    "r.name",
    "r.kind",
    "r.environment",
    "r.patchGroup",
    "r.excluded",
    "r.exclusionReason",
    "r.lastPatchedAt",
    "r.lastPatchTag",
    "r.lastOutcome",
    "r.tags",
    "r.address",
    "r.sshPort",
    "r.sshUser",
    "r.teamId",
    "r.pendingUpdates",
    "r.securityUpdates",
    "r.rebootPending",
    "r.retiredAt",
    "t.name as teamName",
    "c.name as clusterName",
  ]);

export type ResourceListRow = InferResult<typeof LISTED>[number];

type SortColumn = "r.name" | "r.patchGroup" | "r.kind" | "r.environment";
type SortSpec = {
  columns: [SortColumn] | [SortColumn, SortColumn];
  /** What each cursor value is cast to, column by column. */
  casts: (ColumnDataType | Expression<unknown>)[];
  /** The values a cursor of this sort may hold: what its casts take, so a tampered one is refused here, not by PostgreSQL. */
  cursor: z.ZodType<(string | number)[]>;
  desc: boolean;
  values: (row: ResourceListRow) => (string | number)[];
};
type PlainSort = Exclude<Sort, "lastPatched" | "-lastPatched">;

const NEVER = "never";

// A cursor's values, column by column. PostgreSQL text holds no NUL; an integer column takes 32 bits.
const cursorText = z
  .string()
  .max(300)
  .refine((v) => !v.includes("\u0000"));
const cursorGroup = z.number().int().min(-2_147_483_648).max(2_147_483_647);
/** A last patch as the list wrote it (toISOString), or "never": anything else is no time PostgreSQL should be asked to read. */
const cursorPatchedAt = z.union([
  z.literal(NEVER),
  z.string().refine((v) => {
    if (!/^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v)) return false;
    const at = new Date(v);
    return !Number.isNaN(at.getTime()) && at.toISOString() === v;
  }),
]);

const SORT_SPECS: Record<PlainSort, SortSpec> = {
  name: { columns: ["r.name"], casts: ["text"], cursor: z.tuple([cursorText]), desc: false, values: (r) => [r.name] },
  "-name": { columns: ["r.name"], casts: ["text"], cursor: z.tuple([cursorText]), desc: true, values: (r) => [r.name] },
  group: {
    columns: ["r.patchGroup", "r.name"],
    casts: ["integer", "text"],
    cursor: z.tuple([cursorGroup, cursorText]),
    desc: false,
    values: (r) => [r.patchGroup, r.name],
  },
  kind: {
    columns: ["r.kind", "r.name"],
    casts: [sql`"ResourceKind"`, "text"],
    cursor: z.tuple([z.enum(Object.values(KINDS)), cursorText]),
    desc: false,
    values: (r) => [r.kind, r.name],
  },
  environment: {
    columns: ["r.environment", "r.name"],
    casts: [sql`"Environment"`, "text"],
    cursor: z.tuple([z.enum(Object.values(ENVIRONMENTS)), cursorText]),
    desc: false,
    values: (r) => [r.environment, r.name],
  },
};
const LAST_PATCHED_CURSOR = z.tuple([cursorPatchedAt, cursorText]);

export const CURSOR_REFUSED = "cursor: is not a cursor this list gave out; start again from the first page";

export function encodeCursor(values: (string | number)[]) {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/** The cursor's values when they are what `schema` says (a tampered or mistyped cursor is null), however it was encoded. */
function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T | null {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(values);
  return parsed.success ? parsed.data : null;
}

function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The WHERE condition of a scope: a reader's teams, or all. */
export function scopeFilter(teams: TeamScope): Expression<SqlBool> {
  const eb = resourceEb();
  if (teams === null) return eb.lit(true);
  return teams.length ? eb("r.teamId", "in", [...teams]) : eb.lit(false);
}

/** The WHERE condition of a filter within a reader's teams; `r` is the resource. */
export function resourceFilter(filters: ResourceFilters, teams: TeamScope): Expression<SqlBool> {
  const eb = resourceEb();
  const parts: Expression<SqlBool>[] = teams === null ? [] : [scopeFilter(teams)];
  if (filters.q) parts.push(eb.or([eb("r.name", "ilike", `%${escapeLike(filters.q)}%`), eb("r.tags", "@>", sql<string[]>`ARRAY[${filters.q}]::text[]`)]));
  if (filters.environment) parts.push(eb("r.environment", "=", ENVIRONMENTS[filters.environment]));
  if (filters.kind) parts.push(eb("r.kind", "=", KINDS[filters.kind]));
  if (filters.team) parts.push(eb("r.teamId", "=", eb.selectFrom("Team").select("id").where("slug", "=", filters.team)));
  if (filters.cluster) parts.push(eb("r.clusterId", "=", eb.selectFrom("Cluster").select("id").where("name", "=", filters.cluster)));
  // Every tag given (the tags' GIN index answers @>).
  if (filters.tag?.length) parts.push(eb("r.tags", "@>", eb.cast<string[]>(eb.val(filters.tag), sql`text[]`)));
  if (filters.service) parts.push(eb("r.serviceId", "=", eb.selectFrom("Service").select("id").where("name", "=", filters.service)));
  if (filters.group) parts.push(eb("r.patchGroup", "=", filters.group));
  if (filters.state) parts.push(eb("r.excluded", "=", filters.state === "excluded"));
  if (filters.lastTag) parts.push(eb("r.lastPatchTag", "=", filters.lastTag));
  if (filters.never) parts.push(eb("r.lastPatchedAt", "is", null));
  if (filters.failed) parts.push(eb("r.lastOutcome", "=", sql.lit("FAILED")));
  // The resource's counts of its last scan (lib/data/updates.ts), indexed with the name.
  if (filters.security) parts.push(eb("r.securityUpdates", ">", sql.lit(0)));
  if (filters.reboot) parts.push(eb("r.rebootPending", "=", sql.lit(true)));
  // Retired servers (gone from their inventory source, kept with their history) only when asked for.
  if (filters.retired === "only") parts.push(eb("r.retiredAt", "is not", null));
  else if (filters.retired !== "include") parts.push(eb("r.retiredAt", "is", null));
  return parts.length ? eb.and(parts) : eb.lit(true);
}

/** After the cursor's row in the sort's order: a row-value comparison on the sort's columns. */
function keyset(spec: SortSpec, cursor: (string | number)[]): Expression<SqlBool> {
  const eb = resourceEb();
  const op = spec.desc ? "<" : ">";
  const [first, second] = spec.columns;
  const value = (i: number) => eb.cast<string | number>(eb.val(cursor[i]), spec.casts[i] ?? "text");
  return second ? eb(eb.refTuple(first, second), op, eb.tuple(value(0), value(1))) : eb(first, op, value(0));
}

export type ResourcePage = { rows: ResourceListRow[]; nextCursor: string | null };

function pageOf(rows: ResourceListRow[], limit: number, cursorOf: (row: ResourceListRow) => (string | number)[]): ResourcePage {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}

export async function listResourcePage(
  filters: ResourceFilters,
  teams: TeamScope,
  sort: Sort,
  cursor: string | undefined,
  limit: number,
): Promise<ResourcePage | { error: string }> {
  if (sort === "lastPatched" || sort === "-lastPatched") return lastPatchedPage(filters, teams, sort === "-lastPatched", cursor, limit);
  const spec = SORT_SPECS[sort];
  const after = cursor ? decodeCursor(cursor, spec.cursor) : null;
  if (cursor && !after) return { error: CURSOR_REFUSED };
  let query = LISTED.where(resourceFilter(filters, teams));
  if (after) query = query.where(keyset(spec, after));
  for (const column of spec.columns) query = query.orderBy(column, spec.desc ? "desc" : "asc");
  const rows = await execute(query.limit(limit + 1));
  return pageOf(rows, limit, spec.values);
}

/**
 * By last patch: never-patched resources go last when the most recent come first, and first
 * when the longest unpatched come first. Two index-ordered runs (patched, never patched) instead
 * of one sort on an expression, so every page reads only what it shows.
 */
async function lastPatchedPage(
  filters: ResourceFilters,
  teams: TeamScope,
  recentFirst: boolean,
  cursor: string | undefined,
  limit: number,
): Promise<ResourcePage | { error: string }> {
  const after = cursor ? decodeCursor(cursor, LAST_PATCHED_CURSOR) : null;
  if (cursor && !after) return { error: CURSOR_REFUSED };
  const [when, name] = after ?? [];
  const dir = recentFirst ? "desc" : "asc";
  const cmp = recentFirst ? "<" : ">";
  const patched = (take: number, from?: [string, string]) => {
    let query = LISTED.where(resourceFilter(filters, teams)).where("r.lastPatchedAt", "is not", null);
    if (from) query = query.where((eb) => eb(eb.refTuple("r.lastPatchedAt", "r.name"), cmp, eb.tuple(eb.cast<Date>(eb.val(from[0]), "timestamp"), from[1])));
    return execute(query.orderBy("r.lastPatchedAt", dir).orderBy("r.name", dir).limit(take));
  };
  const never = (take: number, from?: string) => {
    let query = LISTED.where(resourceFilter(filters, teams)).where("r.lastPatchedAt", "is", null);
    if (from !== undefined) query = query.where("r.name", cmp, from);
    return execute(query.orderBy("r.name", dir).limit(take));
  };
  const runs = recentFirst
    ? [
        (take: number) => (when === NEVER ? Promise.resolve([]) : patched(take, when && name ? [when, name] : undefined)),
        (take: number) => never(take, when === NEVER ? name : undefined),
      ]
    : [
        (take: number) => (when && when !== NEVER ? Promise.resolve([]) : never(take, when === NEVER ? name : undefined)),
        (take: number) => patched(take, when && when !== NEVER && name ? [when, name] : undefined),
      ];
  const rows: ResourceListRow[] = [];
  for (const run of runs) {
    if (rows.length > limit) break;
    rows.push(...(await run(limit + 1 - rows.length)));
  }
  return pageOf(rows, limit, (r) => [r.lastPatchedAt?.toISOString() ?? NEVER, r.name]);
}

export const COUNT_CAP = 10_000;

/** How many resources match, counted up to COUNT_CAP (more shows as "10,000+"). */
export async function countMatching(filters: ResourceFilters, teams: TeamScope): Promise<{ count: number; capped: boolean }> {
  const matching = qb
    .selectFrom("Resource as r")
    .select((eb) => eb.lit(1).as("one"))
    .where(resourceFilter(filters, teams))
    .limit(COUNT_CAP + 1);
  const [row] = await execute(qb.selectFrom(matching.as("s")).select((eb) => eb.fn.countAll<bigint>().as("n")));
  const n = Number(row?.n ?? 0);
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

/** Ids and names of matching resources by name, after `afterName`: for bulk actions and export. */
export function listMatchingBatch(filters: ResourceFilters, teams: TeamScope, afterName: string | null, size: number) {
  let query = qb.selectFrom("Resource as r").select(["r.id", "r.name"]).where(resourceFilter(filters, teams));
  if (afterName !== null) query = query.where("r.name", ">", afterName);
  return execute(query.orderBy("r.name").limit(size));
}
