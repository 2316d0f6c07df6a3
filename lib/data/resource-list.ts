// The resource list: filters, sorting and keyset pagination in SQL, so it stays fast at
// 100,000 resources (trigram and b-tree indexes, narrow columns, no full count).
import { Prisma } from "@prisma/client";
import { sql } from "../db";
import { ENVIRONMENTS, KINDS, type ResourceFilters, type Sort } from "../validation/resources";

export type ResourceListRow = {
  id: string;
  name: string;
  kind: string;
  environment: string;
  patchGroup: number;
  excluded: boolean;
  exclusionReason: string | null;
  lastPatchedAt: Date | null;
  lastPatchTag: string | null;
  lastOutcome: string | null;
  tags: string[];
  address: string | null;
  sshPort: number | null;
  sshUser: string | null;
  teamId: string;
  teamName: string;
  clusterName: string | null;
};

type SortSpec = { columns: Prisma.Sql[]; casts: string[]; desc: boolean; values: (row: ResourceListRow) => (string | number)[] };
type PlainSort = Exclude<Sort, "lastPatched" | "-lastPatched">;

const NEVER = "never";

const SORT_SPECS: Record<PlainSort, SortSpec> = {
  name: { columns: [Prisma.sql`r.name`], casts: ["text"], desc: false, values: (r) => [r.name] },
  "-name": { columns: [Prisma.sql`r.name`], casts: ["text"], desc: true, values: (r) => [r.name] },
  group: { columns: [Prisma.sql`r."patchGroup"`, Prisma.sql`r.name`], casts: ["int", "text"], desc: false, values: (r) => [r.patchGroup, r.name] },
  kind: { columns: [Prisma.sql`r.kind`, Prisma.sql`r.name`], casts: ['"ResourceKind"', "text"], desc: false, values: (r) => [r.kind, r.name] },
  environment: {
    columns: [Prisma.sql`r.environment`, Prisma.sql`r.name`],
    casts: ['"Environment"', "text"],
    desc: false,
    values: (r) => [r.environment, r.name],
  },
};

export function encodeCursor(values: (string | number)[]) {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

function decodeCursor(cursor: string, length: number): (string | number)[] | null {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(values) || values.length !== length) return null;
    if (!values.every((v) => (typeof v === "string" && v.length <= 300) || (typeof v === "number" && Number.isInteger(v)))) return null;
    return values as (string | number)[];
  } catch {
    return null;
  }
}

function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The WHERE clause of a filter; `r` is the resource. */
export function filterSql(filters: ResourceFilters): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filters.q) parts.push(Prisma.sql`(r.name ILIKE ${`%${escapeLike(filters.q)}%`} OR r.tags @> ARRAY[${filters.q}]::text[])`);
  if (filters.environment) parts.push(Prisma.sql`r.environment = ${ENVIRONMENTS[filters.environment]}::"Environment"`);
  if (filters.kind) parts.push(Prisma.sql`r.kind = ${KINDS[filters.kind]}::"ResourceKind"`);
  if (filters.team) parts.push(Prisma.sql`r."teamId" = (SELECT id FROM "Team" WHERE slug = ${filters.team})`);
  if (filters.cluster) parts.push(Prisma.sql`r."clusterId" = (SELECT id FROM "Cluster" WHERE name = ${filters.cluster})`);
  if (filters.group) parts.push(Prisma.sql`r."patchGroup" = ${filters.group}`);
  if (filters.state) parts.push(Prisma.sql`r.excluded = ${filters.state === "excluded"}`);
  if (filters.lastTag) parts.push(Prisma.sql`r."lastPatchTag" = ${filters.lastTag}`);
  if (filters.never) parts.push(Prisma.sql`r."lastPatchedAt" IS NULL`);
  if (filters.failed) parts.push(Prisma.sql`r."lastOutcome" = 'FAILED'`);
  return parts.length ? Prisma.join(parts, " AND ") : Prisma.sql`TRUE`;
}

function keysetSql(spec: SortSpec, cursor: (string | number)[]) {
  const values = cursor.map((v, i) => Prisma.sql`CAST(${v} AS ${Prisma.raw(spec.casts[i] ?? "text")})`);
  const op = Prisma.raw(spec.desc ? "<" : ">");
  return Prisma.sql`(${Prisma.join(spec.columns)}) ${op} (${Prisma.join(values)})`;
}

export type ResourcePage = { rows: ResourceListRow[]; nextCursor: string | null };

const SELECT = Prisma.sql`
  SELECT r.id, r.name, r.kind::text AS kind, r.environment::text AS environment, r."patchGroup", r.excluded,
         r."exclusionReason", r."lastPatchedAt", r."lastPatchTag", r."lastOutcome"::text AS "lastOutcome", r.tags,
         r.address, r."sshPort", r."sshUser", r."teamId", t.name AS "teamName", c.name AS "clusterName"
  FROM "Resource" r
  JOIN "Team" t ON t.id = r."teamId"
  LEFT JOIN "Cluster" c ON c.id = r."clusterId"`;

function pageOf(rows: ResourceListRow[], limit: number, cursorOf: (row: ResourceListRow) => (string | number)[]): ResourcePage {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}

export async function listResourcePage(
  filters: ResourceFilters,
  sort: Sort,
  cursor: string | undefined,
  limit: number,
): Promise<ResourcePage | { error: string }> {
  if (sort === "lastPatched" || sort === "-lastPatched") return lastPatchedPage(filters, sort === "-lastPatched", cursor, limit);
  const spec = SORT_SPECS[sort];
  const after = cursor ? decodeCursor(cursor, spec.columns.length) : null;
  if (cursor && !after) return { error: "cursor: is not a cursor this list gave out" };
  const direction = Prisma.raw(spec.desc ? "DESC" : "ASC");
  const order = Prisma.join(spec.columns.map((c) => Prisma.sql`${c} ${direction}`));
  const rows = await sql<ResourceListRow>`
    ${SELECT}
    WHERE ${filterSql(filters)} ${after ? Prisma.sql`AND ${keysetSql(spec, after)}` : Prisma.empty}
    ORDER BY ${order}
    LIMIT ${limit + 1}`;
  return pageOf(rows, limit, spec.values);
}

/**
 * By last patch: never-patched resources go last when the most recent come first, and first
 * when the longest unpatched come first. Two index-ordered runs (patched, never patched) instead
 * of one sort on an expression, so every page reads only what it shows.
 */
async function lastPatchedPage(
  filters: ResourceFilters,
  recentFirst: boolean,
  cursor: string | undefined,
  limit: number,
): Promise<ResourcePage | { error: string }> {
  const after = cursor ? decodeCursor(cursor, 2) : null;
  if (cursor && (!after || typeof after[0] !== "string" || typeof after[1] !== "string")) return { error: "cursor: is not a cursor this list gave out" };
  const [when, name] = (after ?? []) as [string?, string?];
  const dir = Prisma.raw(recentFirst ? "DESC" : "ASC");
  const cmp = Prisma.raw(recentFirst ? "<" : ">");
  const patched = (take: number, from?: [string, string]) => sql<ResourceListRow>`
    ${SELECT}
    WHERE ${filterSql(filters)} AND r."lastPatchedAt" IS NOT NULL
      ${from ? Prisma.sql`AND (r."lastPatchedAt", r.name) ${cmp} (CAST(${from[0]} AS timestamp), ${from[1]})` : Prisma.empty}
    ORDER BY r."lastPatchedAt" ${dir}, r.name ${dir} LIMIT ${take}`;
  const never = (take: number, from?: string) => sql<ResourceListRow>`
    ${SELECT}
    WHERE ${filterSql(filters)} AND r."lastPatchedAt" IS NULL ${from !== undefined ? Prisma.sql`AND r.name ${cmp} ${from}` : Prisma.empty}
    ORDER BY r.name ${dir} LIMIT ${take}`;
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
export async function countMatching(filters: ResourceFilters): Promise<{ count: number; capped: boolean }> {
  const [row] = await sql<{ n: bigint }>`
    SELECT count(*) AS n FROM (SELECT 1 FROM "Resource" r WHERE ${filterSql(filters)} LIMIT ${COUNT_CAP + 1}) s`;
  const n = Number(row?.n ?? 0);
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

/** Ids and names of matching resources by name, after `afterName`: for bulk actions and export. */
export function listMatchingBatch(filters: ResourceFilters, afterName: string | null, size: number) {
  return sql<{ id: string; name: string }>`
    SELECT r.id, r.name FROM "Resource" r
    WHERE ${filterSql(filters)} ${afterName !== null ? Prisma.sql`AND r.name > ${afterName}` : Prisma.empty}
    ORDER BY r.name LIMIT ${size}`;
}
