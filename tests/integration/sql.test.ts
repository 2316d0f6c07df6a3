// `execute` runs statements on the pool without Prisma's per-query work (decisions 012 and 015). A
// page must not care which of the two ran a statement: both read the same values, and both write
// a Date parameter as the same UTC instant whatever the process's time zone.
import { sql as kysely, type Compilable, type RawBuilder } from "kysely";
import pg from "pg";
import { expect, inject, it } from "vitest";
import { db, execute, prepared, preparedShapes, qb } from "@/lib/db";

const at = new Date("2026-12-06T05:07:09.123Z");

/** A raw statement for `execute`: these tests probe the runner itself, with types the schema has no column of. */
const raw = <Row>(statement: RawBuilder<Row>): Compilable<Row> => ({ compile: () => statement.compile(qb) });
const sql = <Row>(strings: TemplateStringsArray, ...values: unknown[]) => execute(raw<Row>(kysely<Row>(strings, ...values)));

/** A schema change, made as a migration makes it: by the owner (the app's role changes no schema). */
async function asOwner(statement: string) {
  const client = new pg.Client({ connectionString: inject("databaseMigrationUrl") });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const STATEMENT = kysely<Record<string, unknown>>`
  SELECT ${at}::timestamp(3) AS "timestamp", ${at}::timestamptz AS "timestamptz", DATE '2026-02-28' AS "date",
         9007199254740993::bigint AS "bigint", 12.50::numeric AS "numeric", 7 AS "int", 1.5::float8 AS "float", true AS "bool",
         'PRODUCTION'::"Environment" AS "enum", ARRAY['a', 'b,c', NULL] AS "texts", ARRAY[1, 2]::bigint[] AS "bigints",
         ARRAY[${at}::timestamp(3)] AS "timestamps", '{"a": [1, "x"]}'::jsonb AS "jsonb", json_build_object('b', 2) AS "json",
         NULL::text AS "none", count(*) AS "count"`;

it("reads every type the app uses as db.$queryRaw does", async () => {
  const compiled = STATEMENT.compile(qb);
  const [viaPrisma] = await db.$queryRawUnsafe<Record<string, unknown>[]>(compiled.sql, ...compiled.parameters);
  const [viaSql] = await execute(raw(STATEMENT));
  expect(viaSql).toEqual(viaPrisma);
  expect(viaSql).toMatchObject({
    timestamp: at,
    timestamptz: at,
    date: new Date("2026-02-28T00:00:00Z"),
    bigint: 9007199254740993n,
    count: 1n,
    texts: ["a", "b,c", null],
  });
  expect(String(viaSql!.numeric)).toBe("12.5");
});

it("writes a Date as its UTC instant in any process time zone", async () => {
  const zone = process.env.TZ;
  process.env.TZ = "America/Los_Angeles"; // Node applies TZ changes at once
  try {
    expect(new Date(2026, 0, 1).getTimezoneOffset()).not.toBe(0);
    const [row] = await sql<{ text: string; back: Date }>`SELECT ${at}::timestamp(3)::text AS text, ${at}::timestamp(3) AS back`;
    expect(row).toEqual({ text: "2026-12-06 05:07:09.123", back: at });
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
});

it("fails a bad statement with PostgreSQL's own error, and the pool stays usable", async () => {
  await expect(sql`SELECT * FROM "NoSuchTable"`).rejects.toMatchObject({ code: "42P01" });
  expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
});

it("runs a prepared statement with any values, on every connection of the pool at once", async () => {
  const statement = (n: number) => sql<{ n: number; label: string }>`SELECT ${n}::int AS n, ${`label ${n}`}::text AS label`;
  const rows = await Promise.all(Array.from({ length: 30 }, (_, n) => statement(n)));
  expect(rows.map(([row]) => row)).toEqual(Array.from({ length: 30 }, (_, n) => ({ n, label: `label ${n}` })));
});

it("keeps answering a prepared statement after its table gains a column (a migration under a running server)", async () => {
  await asOwner(`CREATE TABLE "SqlPreparedProbe" (id int PRIMARY KEY, name text NOT NULL)`);
  try {
    await db.$executeRawUnsafe(`INSERT INTO "SqlPreparedProbe" VALUES (1, 'one'), (2, 'two')`);
    const read = (id: number) => sql<{ id: number; name: string }>`SELECT id, name FROM "SqlPreparedProbe" WHERE id = ${id}`;
    await Promise.all(Array.from({ length: 20 }, (_, i) => read((i % 2) + 1))); // prepared on the pool's connections
    await asOwner(`ALTER TABLE "SqlPreparedProbe" ADD COLUMN extra text`);
    const after = await Promise.all(Array.from({ length: 20 }, (_, i) => read((i % 2) + 1)));
    expect(after.map(([row]) => row?.name)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? "two" : "one")));
  } finally {
    await asOwner(`DROP TABLE "SqlPreparedProbe"`);
  }
});

it("a statement built with the typed builder reads the same rows through the pool and in a transaction, Date parameters as UTC instants", async () => {
  const team = await db.team.create({ data: { slug: `qb${Date.now().toString(36)}`, name: "Query builder" } });
  const service = await db.service.create({ data: { name: `${team.slug}-svc`, teamId: team.id } });
  const until = new Date("2031-04-05T06:07:08.009Z");
  await db.resource.create({
    data: {
      name: `${team.slug}-vm`,
      kind: "VM",
      environment: "PRODUCTION",
      teamId: team.id,
      serviceId: service.id,
      patchGroup: 2,
      tags: ["a", "b"],
      excluded: true,
      exclusionReason: "qb",
      exclusionUntil: until,
    },
  });
  const query = qb
    .selectFrom("Resource")
    .select(["name", "kind", "patchGroup", "tags", "excluded", "exclusionUntil", "sshPort"])
    .where("teamId", "=", team.id)
    .where("exclusionUntil", "=", until);
  const viaPool = await execute(query);
  const inTransaction = await db.$transaction((tx) => execute(query, tx));
  expect(viaPool).toEqual([{ name: `${team.slug}-vm`, kind: "VM", patchGroup: 2, tags: ["a", "b"], excluded: true, exclusionUntil: until, sshPort: null }]);
  expect(inTransaction).toEqual(viaPool);
  const [audit] = await execute(qb.selectFrom("AuditEvent").select((eb) => eb.fn.max("id").as("max")));
  expect(typeof audit!.max === "bigint" || audit!.max === null).toBe(true); // bigint columns read as BigInt, as the generated type says

  // A column that does not exist is a type error (npm run typecheck fails), not a production error.
  // @ts-expect-error "nmae" is not a column of Resource
  expect(() => qb.selectFrom("Resource").select(["nmae"]).compile()).not.toThrow();
});

it("a prepared statement is compiled once and binds each call's values by name, in any order and in a transaction", async () => {
  let builds = 0;
  const teamsNamed = prepared((v: { first: string; second: string; since: Date }) => {
    builds += 1;
    return qb
      .selectFrom("Team")
      .select(["slug", "createdAt"])
      .where((eb) => eb.or([eb("slug", "=", v.first), eb("slug", "=", v.second)]))
      .where("createdAt", ">=", v.since)
      .orderBy("slug");
  });
  const stamp = Date.now().toString(36);
  const since = new Date(Date.now() - 60_000);
  await db.team.createMany({ data: ["a", "b", "c"].map((s) => ({ slug: `pr${stamp}${s}`, name: `Prepared ${s}` })) });
  const slugs = async (first: string, second: string, tx?: Parameters<typeof execute>[1]) =>
    (await execute(teamsNamed({ second: `pr${stamp}${second}`, since, first: `pr${stamp}${first}` }), tx)).map((r) => r.slug);
  expect(await slugs("a", "c")).toEqual([`pr${stamp}a`, `pr${stamp}c`]);
  expect(await slugs("b", "x")).toEqual([`pr${stamp}b`]);
  expect(await db.$transaction((tx) => slugs("c", "b", tx))).toEqual([`pr${stamp}b`, `pr${stamp}c`]);
  expect(builds).toBe(1);
  // The same statement as built anew each time: the same text and the same values, in order.
  const compiled = teamsNamed({ first: "f", second: "s", since });
  const fresh = qb
    .selectFrom("Team")
    .select(["slug", "createdAt"])
    .where((eb) => eb.or([eb("slug", "=", "f"), eb("slug", "=", "s")]))
    .where("createdAt", ">=", since)
    .orderBy("slug")
    .compile();
  expect([compiled.sql, compiled.parameters]).toEqual([fresh.sql, fresh.parameters]);
});

it("refuses a prepared statement whose builder looks at a value instead of handing it over", () => {
  const peeks = prepared((v: { name: string }) => qb.selectFrom("Team").select("slug").where("name", "=", String(v.name).trim()));
  expect(() => peeks({ name: "x" })).toThrow(/read name instead of handing it to the builder/);
});

it("a statement of a few shapes is compiled once per shape, each binding its own values", async () => {
  const builds: string[] = [];
  const page = preparedShapes((shape: "all" | "after", v: { prefix: string; after: string }) => {
    builds.push(shape);
    const named = qb.selectFrom("Team").select("slug").where("slug", "like", v.prefix).orderBy("slug");
    return shape === "after" ? named.where("slug", ">", v.after) : named;
  });
  const stamp = Date.now().toString(36);
  await db.team.createMany({ data: ["a", "b", "c"].map((s) => ({ slug: `sh${stamp}${s}`, name: `Shaped ${s}` })) });
  const slugs = async (after?: string) =>
    (await execute(page(after ? "after" : "all", { prefix: `sh${stamp}%`, after: after ? `sh${stamp}${after}` : "" }))).map((r) => r.slug);
  expect(await slugs()).toEqual(["a", "b", "c"].map((s) => `sh${stamp}${s}`));
  expect(await slugs("a")).toEqual(["b", "c"].map((s) => `sh${stamp}${s}`));
  expect(await slugs("b")).toEqual([`sh${stamp}c`]);
  expect(await slugs()).toHaveLength(3);
  expect(builds).toEqual(["all", "after"]);
});
