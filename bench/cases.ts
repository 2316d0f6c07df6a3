// What the benchmark loads, and for each the raw SQL that fetches the same data (the queries the
// page's or route's data functions send, written out and run one after another through `pg`).
import type pg from "pg";
import { encodeCursor } from "../lib/data/resource-list";

export type BenchContext = {
  base: string;
  now: Date;
  /** Session cookies of a viewer (reads) and an admin (writes). */
  viewer: string;
  admin: string;
  sql: pg.Client;
  /** What the cases ask for, looked up once. */
  data?: { resource: string; productionTag: string; quarterDate: string; deepCursor: string; deepName: string; roundTrip: string[] };
};

type Case = {
  name: string;
  /** The route pattern, for first-load JavaScript (pages only). */
  route?: string;
  url: (c: BenchContext) => Promise<string>;
  sql: (client: pg.Client, c: BenchContext) => Promise<unknown>;
};

const DAY = 86_400_000;

async function data(c: BenchContext) {
  if (c.data) return c.data;
  const q = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => c.sql.query<T>(text, values).then((r) => r.rows);
  const [resource] = await q<{ name: string }>(
    `SELECT name FROM "Resource" WHERE environment = 'PRODUCTION' AND NOT excluded AND "clusterId" IS NOT NULL ORDER BY name OFFSET 500 LIMIT 1`,
  );
  const [party] = await q<{ tag: string }>(`SELECT tag FROM "Party" WHERE kind = 'PRODUCTION' AND "endsAt" > $1 ORDER BY "startsAt" LIMIT 1`, [c.now]);
  const [deep] = await q<{ name: string }>(`SELECT name FROM "Resource" ORDER BY name OFFSET 90000 LIMIT 1`);
  // Each client of the round trip has a resource of its own (no one else edits it).
  const roundTrip = (await q<{ name: string }>(`SELECT name FROM "Resource" WHERE NOT excluded AND "clusterId" IS NULL ORDER BY name DESC LIMIT 20`)).map(
    (r) => r.name,
  );
  const quarterMonth = Math.floor(c.now.getUTCMonth() / 3) * 3 + 1;
  c.data = {
    resource: resource!.name,
    productionTag: party!.tag,
    quarterDate: `${c.now.getUTCFullYear()}-${String(quarterMonth).padStart(2, "0")}`,
    deepCursor: encodeCursor([deep!.name]),
    deepName: deep!.name,
    roundTrip,
  };
  return c.data;
}

const LIST_SELECT = `SELECT r.id, r.name, r.kind::text, r.environment::text, r."patchGroup", r.excluded, r."exclusionReason", r."lastPatchedAt", r."lastPatchTag", r."lastOutcome"::text, r.tags, r."teamId", t.name AS "teamName", c.name AS "clusterName"
  FROM "Resource" r JOIN "Team" t ON t.id = r."teamId" LEFT JOIN "Cluster" c ON c.id = r."clusterId"`;

async function run(client: pg.Client, queries: [string, unknown[]?][]) {
  for (const [text, values] of queries) await client.query(text, values ?? []);
}

const partiesBetween = (from: Date, to: Date): [string, unknown[]] => [
  `SELECT p.*, s.* FROM "Party" p LEFT JOIN "PartySlot" s ON s."partyId" = p.id WHERE p."endsAt" > $1 AND p."startsAt" < $2 ORDER BY p."startsAt"`,
  [from, to],
];
const fleetCounts: [string] = [`SELECT environment, excluded, "patchGroup", sum(count) FROM "FleetCount" GROUP BY 1, 2, 3 HAVING sum(count) <> 0`];

export const CASES: Case[] = [
  {
    name: "home page",
    route: "/",
    url: async (c) => `${c.base}/`,
    sql: (client, c) =>
      run(client, [
        partiesBetween(c.now, new Date(c.now.getTime() + 400 * DAY)),
        fleetCounts,
        [`SELECT id FROM "Party" WHERE "endsAt" <= $1 AND status <> 'CANCELLED' ORDER BY "endsAt" DESC LIMIT 1`, [c.now]],
        [
          `SELECT status, count(*) FROM "PatchOutcome" WHERE "partyId" = (SELECT id FROM "Party" WHERE "endsAt" <= $1 ORDER BY "endsAt" DESC LIMIT 1) GROUP BY 1`,
          [c.now],
        ],
      ]),
  },
  {
    name: "calendar (quarter)",
    route: "/calendar",
    url: async (c) => `${c.base}/calendar?view=quarter&date=${(await data(c)).quarterDate}`,
    sql: (client, c) =>
      run(client, [
        partiesBetween(new Date(c.now.getTime() - 60 * DAY), new Date(c.now.getTime() + 60 * DAY)),
        fleetCounts,
        [`SELECT s.*, p.name FROM "UpgradeSchedule" s JOIN "MaintenancePolicy" p ON p.id = s."policyId"`],
        [`SELECT "partyId", state FROM "ChangeRequest" WHERE "partyId" IS NOT NULL`],
      ]),
  },
  {
    name: "resource list (first page)",
    route: "/resources",
    url: async (c) => `${c.base}/resources`,
    sql: (client) =>
      run(client, [
        [`${LIST_SELECT} WHERE TRUE ORDER BY r.name LIMIT 51`],
        [`SELECT count(*) FROM (SELECT 1 FROM "Resource" r LIMIT 10001) s`],
        [`SELECT id, slug, name FROM "Team" ORDER BY name`],
      ]),
  },
  {
    name: "resource list (filtered)",
    url: async (c) => `${c.base}/resources?environment=production&team=team-7&group=1`,
    sql: (client) =>
      run(client, [
        [
          `${LIST_SELECT} WHERE r.environment = 'PRODUCTION' AND r."teamId" = (SELECT id FROM "Team" WHERE slug = 'team-7') AND r."patchGroup" = 1 ORDER BY r.name LIMIT 51`,
        ],
        [
          `SELECT count(*) FROM (SELECT 1 FROM "Resource" r WHERE r.environment = 'PRODUCTION' AND r."teamId" = (SELECT id FROM "Team" WHERE slug = 'team-7') AND r."patchGroup" = 1 LIMIT 10001) s`,
        ],
        [`SELECT id, slug, name FROM "Team" ORDER BY name`],
      ]),
  },
  {
    name: "resource list (deep page)",
    url: async (c) => `${c.base}/resources?cursor=${(await data(c)).deepCursor}`,
    sql: async (client, c) =>
      run(client, [
        [`${LIST_SELECT} WHERE TRUE AND (r.name) > ($1) ORDER BY r.name LIMIT 51`, [(await data(c)).deepName]],
        [`SELECT count(*) FROM (SELECT 1 FROM "Resource" r LIMIT 10001) s`],
        [`SELECT id, slug, name FROM "Team" ORDER BY name`],
      ]),
  },
  {
    name: "resource page",
    route: "/resources/[name]",
    url: async (c) => `${c.base}/resources/${(await data(c)).resource}`,
    sql: async (client, c) => {
      const name = (await data(c)).resource;
      await run(client, [
        [
          `SELECT r.*, t.name, s.name, c.name FROM "Resource" r JOIN "Team" t ON t.id = r."teamId" JOIN "Service" s ON s.id = r."serviceId" LEFT JOIN "Cluster" c ON c.id = r."clusterId" WHERE r.name = $1`,
          [name],
        ],
        [`SELECT id, name, "patchGroup" FROM "Resource" WHERE "clusterId" = (SELECT "clusterId" FROM "Resource" WHERE name = $1) ORDER BY name`, [name]],
        [
          `SELECT "patchGroup", count(*) FROM "Resource" WHERE "serviceId" = (SELECT "serviceId" FROM "Resource" WHERE name = $1) AND environment = 'PRODUCTION' GROUP BY 1`,
          [name],
        ],
        partiesBetween(c.now, new Date(c.now.getTime() + 400 * DAY)),
        [
          `SELECT o.*, p.tag FROM "PatchOutcome" o JOIN "Party" p ON p.id = o."partyId" WHERE o."resourceId" = (SELECT id FROM "Resource" WHERE name = $1) ORDER BY o."finishedAt" DESC LIMIT 10`,
          [name],
        ],
        [`SELECT * FROM "ExclusionEvent" WHERE "resourceId" = (SELECT id FROM "Resource" WHERE name = $1) ORDER BY at DESC LIMIT 10`, [name]],
      ]);
    },
  },
  {
    name: "party page",
    route: "/parties/[tag]/[kind]",
    url: async (c) => `${c.base}/parties/${(await data(c)).productionTag}/production`,
    sql: async (client, c) => {
      const tag = (await data(c)).productionTag;
      await run(client, [
        [`SELECT p.*, s.* FROM "Party" p JOIN "PartySlot" s ON s."partyId" = p.id WHERE p.tag = $1 AND p.kind = 'PRODUCTION'`, [tag]],
        fleetCounts,
        [`${LIST_SELECT} WHERE r.environment = 'PRODUCTION' AND NOT r.excluded AND r."patchGroup" = 1 ORDER BY r.name LIMIT 51`],
        [
          `SELECT r.name, t.name, r."patchGroup", r."exclusionReason", r."excludedAt" FROM "Resource" r JOIN "Team" t ON t.id = r."teamId" WHERE r.environment = 'PRODUCTION' AND r.excluded ORDER BY r.name LIMIT 101`,
        ],
        [
          `SELECT kind, state, count(*) FROM "Notification" WHERE "partyId" = (SELECT id FROM "Party" WHERE tag = $1 AND kind = 'PRODUCTION') GROUP BY 1, 2`,
          [tag],
        ],
        [`SELECT status, count(*) FROM "PatchOutcome" WHERE "partyId" = (SELECT id FROM "Party" WHERE tag = $1 AND kind = 'QA') GROUP BY 1`, [tag]],
        // The forecast, kept by the process until its token moves (worked out once: seconds at this size).
        [`SELECT token FROM "DataVersion" WHERE name = 'forecast'`],
      ]);
    },
  },
  {
    name: "iCalendar feed",
    url: async (c) => `${c.base}/api/v1/calendar.ics`,
    sql: (client, c) => run(client, [partiesBetween(new Date(c.now.getTime() - 90 * DAY), new Date(c.now.getTime() + 400 * DAY))]),
  },
  {
    name: "GET /api/v1/parties",
    url: async (c) => `${c.base}/api/v1/parties?from=${c.now.getUTCFullYear()}-01-01&to=${c.now.getUTCFullYear()}-12-31`,
    sql: (client, c) =>
      run(client, [
        partiesBetween(new Date(Date.UTC(c.now.getUTCFullYear(), 0, 1)), new Date(Date.UTC(c.now.getUTCFullYear() + 1, 0, 1))),
        [`SELECT "partyId", state FROM "ChangeRequest" WHERE "partyId" IS NOT NULL`],
      ]),
  },
  {
    name: "GET /api/v1/resources",
    url: async (c) => `${c.base}/api/v1/resources?limit=50&environment=production`,
    sql: (client) => run(client, [[`${LIST_SELECT} WHERE r.environment = 'PRODUCTION' ORDER BY r.name LIMIT 51`]]),
  },
];

/** Exclude, then include again, one resource per client, over the API with the admin's session. */
export const ROUND_TRIP = {
  name: "exclude + include",
  async step(c: BenchContext, client: number): Promise<boolean> {
    const name = (await data(c)).roundTrip[client]!;
    // As the portal's own page sends it: a cookie-signed write from elsewhere is refused (decision 017).
    const headers = { Cookie: c.admin, "Content-Type": "application/json", Origin: new URL(c.base).origin };
    const url = `${c.base}/api/v1/resources/${encodeURIComponent(name)}/exclusion`;
    const out = await fetch(url, { method: "PUT", headers, body: JSON.stringify({ reason: "Benchmark: excluded for a moment" }) });
    const back = await fetch(url, { method: "DELETE", headers, body: JSON.stringify({ group: 1 }) });
    await Promise.all([out.arrayBuffer(), back.arrayBuffer()]);
    return out.ok && back.ok;
  },
  async sql(client: pg.Client, c: BenchContext) {
    const name = (await data(c)).roundTrip[19]!;
    for (const [excluded, group] of [
      [true, 1],
      [false, 1],
    ] as const) {
      await client.query("BEGIN");
      const { rows } = await client.query<{ id: string; revision: number }>(`SELECT id, revision FROM "Resource" WHERE name = $1 FOR UPDATE`, [name]);
      const r = rows[0]!;
      await client.query(
        `UPDATE "Resource" SET excluded = $2, "patchGroup" = $3, revision = revision + 1, "exclusionReason" = CASE WHEN $2 THEN 'Benchmark' END WHERE id = $1`,
        [r.id, excluded, group],
      );
      await client.query(
        `INSERT INTO "ExclusionEvent" (id, "resourceId", action, reason, "actorLabel") VALUES (gen_random_uuid()::text, $1, $2, 'Benchmark', 'bench')`,
        [r.id, excluded ? "EXCLUDE" : "INCLUDE"],
      );
      await client.query(`INSERT INTO "AuditEvent" ("actorLabel", action, "entityType", "entityId", "entityLabel") VALUES ('bench', $2, 'resource', $1, $3)`, [
        r.id,
        excluded ? "resource.exclude" : "resource.include",
        name,
      ]);
      await client.query("COMMIT");
    }
  },
};
