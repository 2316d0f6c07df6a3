// The database: one pg pool, used by the one Prisma client (models and transactions) and by
// `execute`, which runs the statements built with `qb` (single statements on hot paths, without
// Prisma's per-query work; decisions 012 and 015). Shared across hot reloads in development.
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@prisma/client";
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql as kyselySql,
  type ColumnDataType,
  type Compilable,
  type CompiledQuery,
} from "kysely";
import { createHash } from "node:crypto";
import pg from "pg";
import type { DB } from "./database/generated/kysely";
import { statementNames } from "./cache/statement-names";
import { env } from "./env";

type Database = { pool: pg.Pool; prisma: PrismaClient; logQueries: boolean };

function connect(): Database {
  const { DATABASE_URL: url, PATCHPARTY_LOG_QUERIES: logQueries } = env();
  if (!url) throw new Error("DATABASE_URL is not set: start the portal with `npm start`, which provides it.");
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => {}); // an idle connection lost (the server restarted): the pool replaces it
  // PATCHPARTY_LOG_QUERIES=1 prints each statement (with $1… placeholders, never the values).
  // A transaction waits up to 10 s for a connection (Prisma's default is 2 s): in a burst of
  // writes to one resource, each holds a connection while it waits for the row's lock, and the
  // last ones in the queue failed with 500 instead of waiting their turn (concurrent-edits.test.ts).
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: { maxWait: 10_000 }, ...(logQueries ? { log: ["query" as const] } : {}) });
  return { pool, prisma, logQueries: Boolean(logQueries) };
}

const globalForDb = globalThis as unknown as { database?: Database };
const database = () => (globalForDb.database ??= connect());

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const { prisma } = database();
    const value = Reflect.get(prisma, property);
    return typeof value === "function" ? value.bind(prisma) : value;
  },
});

/**
 * The pool itself, for a library that keeps its own state in PostgreSQL through a pg client (the
 * sign-in limits' store, lib/auth/sign-in-limits.ts). The app's own statements go through `execute`.
 */
export const pgPool = (): pg.Pool => database().pool;

/** A timestamp without time zone holds UTC ("2026-12-06 05:00:00"). */
const utc = (text: string) => new Date(`${text.replace(" ", "T")}Z`);
const textArray = (pg.types.getTypeParser as (oid: number) => (text: string) => (string | null)[])(1009);
const arrayOf =
  <T>(parse: (text: string) => T) =>
  (text: string) =>
    textArray(text).map((v) => (v === null ? null : parse(v)));

/** Values as `db.$queryRaw` returns them, so a statement reads the same through either. */
const PARSERS: Record<number, (text: string) => unknown> = {
  1114: utc, // timestamp
  1115: arrayOf(utc),
  1082: (text) => new Date(`${text}T00:00:00Z`), // date
  20: (text) => BigInt(text), // bigint
  1016: arrayOf((text) => BigInt(text)),
  1700: (text) => new Prisma.Decimal(text), // numeric
};
const types = { getTypeParser: (oid: number, format?: "text" | "binary") => PARSERS[oid] ?? pg.types.getTypeParser(oid, format) } as pg.CustomTypesConfig;

/**
 * A statement's name, from its text: `execute` runs named (prepared) statements, so each
 * connection parses and plans a statement once and then only binds values to it. The write round
 * trip ran 20–34 % more often for it (docs/benchmarks.md). A prepared statement is planned again by
 * PostgreSQL when its tables change, but fails if its result's columns change: statements name
 * their columns (no `SELECT *` in the result), so a migration that adds a column does not break a
 * running server (sql.test.ts). Kept by text in lib/cache (statement-names.ts).
 */
const statementName = (text: string) => statementNames.remember(text, () => `s${createHash("sha1").update(text).digest("hex").slice(0, 20)}`);

/** A Date parameter as UTC text: pg would write it in the process's local time. */
const parameter = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/**
 * The query builder, typed from prisma/schema.prisma (prisma-kysely generates `DB` at `prisma
 * generate`): a renamed column breaks the type check, and a row's type is what the statement
 * selects, not a hand-written assertion. It only builds statements; `execute` runs them (decision 015).
 */
export const qb = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * Runs a statement built with `qb` and returns its rows, read as `db.$queryRaw` reads
 * them: outside a transaction through the pool as a named prepared statement, inside one through
 * the transaction's client.
 */
export async function execute<Row>(query: Compilable<Row> | CompiledQuery<Row>, tx?: Prisma.TransactionClient): Promise<Row[]> {
  const { sql: text, parameters } = "compile" in query ? query.compile() : query;
  const values = parameters.map(parameter);
  if (tx) return tx.$queryRawUnsafe<Row[]>(text, ...values);
  const { pool, logQueries } = database();
  if (logQueries) console.log(`sql: ${text}`);
  const result = await pool.query({ name: statementName(text), text, values, types });
  return result.rows as Row[];
}

/** A value `prepared` hands its statement's builder in place of the value named `name`. */
class Placeholder {
  constructor(readonly name: string) {}
}

/**
 * A statement whose text does not depend on its values, built and compiled once, for the hottest
 * paths: building and compiling cost 6–55 µs a call (every API request reads its token, every
 * page its user). `build` gets a placeholder for each value, by name, and may only hand them to
 * the builder as values, never look at them; each call binds `values` by name. A placeholder the
 * compiled statement does not hold (one read in JavaScript, not handed over) throws at the first call.
 *
 *     const byId = prepared((v: { id: string }) => qb.selectFrom("User").select("email").where("id", "=", v.id));
 *     const rows = await execute(byId({ id }));
 */
export function prepared<V extends Record<string, unknown>, Row>(build: (values: V) => Compilable<Row>): (values: V) => CompiledQuery<Row> {
  let compiled: { query: CompiledQuery<Row>; slots: readonly (Placeholder | { value: unknown })[] } | undefined;
  const compile = () => {
    const asked = new Set<string>();
    const placeholders = new Proxy({} as V, {
      get: (_target, name) => {
        if (typeof name !== "string") return undefined;
        asked.add(name);
        return new Placeholder(name);
      },
    });
    const query = build(placeholders).compile();
    const slots = query.parameters.map((p) => (p instanceof Placeholder ? p : { value: p }));
    const bound = new Set(slots.flatMap((s) => (s instanceof Placeholder ? [s.name] : [])));
    const lost = [...asked].filter((name) => !bound.has(name));
    if (lost.length > 0) throw new Error(`A prepared statement read ${lost.join(", ")} instead of handing it to the builder.`);
    return { query, slots };
  };
  return (values) => {
    compiled ??= compile();
    return { ...compiled.query, parameters: compiled.slots.map((s) => (s instanceof Placeholder ? values[s.name] : s.value)) };
  };
}

/**
 * `prepared` for a statement with a few shapes (an optional filter, a cursor or not): `build`
 * gets the shape, a short key such as `"team,after"` that only says which parts the statement
 * has, and compiles once per shape. The shapes must be few and fixed by the code, never a value.
 *
 *     const page = preparedShapes((shape: `${boolean}`, v: { after: string }) =>
 *       shape === "true" ? qb.selectFrom("Resource").select("name").where("name", ">", v.after) : qb.selectFrom("Resource").select("name"));
 *     const rows = await execute(page(`${after !== undefined}`, { after: after ?? "" }));
 */
export function preparedShapes<S extends string, V extends Record<string, unknown>, Row>(
  build: (shape: S, values: V) => Compilable<Row>,
): (shape: S, values: V) => CompiledQuery<Row> {
  const shapes = new Map<S, (values: V) => CompiledQuery<Row>>();
  return (shape, values) => {
    let statement = shapes.get(shape);
    if (!statement) shapes.set(shape, (statement = prepared((v: V) => build(shape, v))));
    return statement(values);
  };
}

/**
 * A batch of rows as a relation for the builder, `unnest($1::text[], $2::integer[], …) AS alias(a,
 * b, …)`: one array parameter a column, so the statement's text (and its prepared plan) is the same
 * for one row or 30,000. A column's type is its values' element type; a timestamp is sent as ISO
 * text and cast by its column's SQL type.
 */
export function unnest<A extends string, C extends Record<string, readonly [values: readonly unknown[], type: ColumnDataType]>>(alias: A, columns: C) {
  const names = Object.keys(columns);
  const arrays = names.map((name) => kyselySql`${columns[name]![0]}::${kyselySql.raw(columns[name]![1])}[]`);
  return kyselySql<{ [K in keyof C]: C[K][0][number] }>`unnest(${kyselySql.join(arrays)})`.as<A>(
    kyselySql`${kyselySql.id(alias)}(${kyselySql.join(names.map((name) => kyselySql.id(name)))})`,
  );
}

/** Closes the pool (scripts and tests; the server keeps it for its lifetime). */
export async function disconnectDb() {
  const current = globalForDb.database;
  globalForDb.database = undefined;
  if (!current) return;
  await current.prisma.$disconnect();
  await current.pool.end().catch(() => {});
}

/**
 * A timestamp column read inside a JSON value of a raw statement ("2026-12-06T05:00:00": UTC,
 * written without the zone) as a Date. Top-level timestamp columns arrive as Dates already.
 */
export const jsonTimestamp = (text: string) => new Date(`${text}Z`);
