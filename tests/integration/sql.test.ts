// `sql` runs hot statements on the pool without Prisma's per-query work (decision 012). A page
// must not care which of the two ran a statement: both read the same values, and both write a
// Date parameter as the same UTC instant whatever the process's time zone.
import { Prisma } from "@prisma/client";
import { expect, it } from "vitest";
import { db, sql } from "@/lib/db";

const at = new Date("2026-12-06T05:07:09.123Z");

const STATEMENT = Prisma.sql`
  SELECT ${at}::timestamp(3) AS "timestamp", ${at}::timestamptz AS "timestamptz", DATE '2026-02-28' AS "date",
         9007199254740993::bigint AS "bigint", 12.50::numeric AS "numeric", 7 AS "int", 1.5::float8 AS "float", true AS "bool",
         'PRODUCTION'::"Environment" AS "enum", ARRAY['a', 'b,c', NULL] AS "texts", ARRAY[1, 2]::bigint[] AS "bigints",
         ARRAY[${at}::timestamp(3)] AS "timestamps", '{"a": [1, "x"]}'::jsonb AS "jsonb", json_build_object('b', 2) AS "json",
         NULL::text AS "none", count(*) AS "count"`;

it("reads every type the app uses as db.$queryRaw does", async () => {
  const [viaPrisma] = await db.$queryRaw<Record<string, unknown>[]>(STATEMENT);
  const [viaSql] = await sql<Record<string, unknown>>(STATEMENT);
  expect(viaSql).toEqual(viaPrisma);
  expect(viaSql).toMatchObject({ timestamp: at, timestamptz: at, date: new Date("2026-02-28T00:00:00Z"), bigint: 9007199254740993n, count: 1n, texts: ["a", "b,c", null] });
  expect(String(viaSql!.numeric)).toBe("12.5");
});

it("writes a Date as its UTC instant in any process time zone", async () => {
  const zone = process.env.TZ;
  process.env.TZ = "America/Los_Angeles"; // Node applies TZ changes at once
  try {
    expect(new Date(2026, 0, 1).getTimezoneOffset()).not.toBe(0);
    const [row] = await sql<{ text: string; back: Date }>(Prisma.sql`SELECT ${at}::timestamp(3)::text AS text, ${at}::timestamp(3) AS back`);
    expect(row).toEqual({ text: "2026-12-06 05:07:09.123", back: at });
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
});

it("fails a bad statement with PostgreSQL's own error, and the pool stays usable", async () => {
  await expect(sql(Prisma.sql`SELECT * FROM "NoSuchTable"`)).rejects.toMatchObject({ code: "42P01" });
  expect(await sql(Prisma.sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
});
