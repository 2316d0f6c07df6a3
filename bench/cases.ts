// What the benchmark loads, and for each the raw SQL that fetches the same data (the queries the
// page's or route's data functions send, written out and run one after another through `pg`).
// Each read case is loaded by every reader: the viewer, who reads every team's servers, and the
// owner of one team of 333 (issue 21: an owner reads their teams' servers only, `readableTeams`).
// Where a case names servers or a team, each reader gets its own of the same kind; the raw SQL is
// the viewer's.
import type pg from "pg";
import { encodeCursor } from "../lib/data/resource-list";
import { ONE_TEAM } from "./seed";

/** Who loads a read case: the viewer (every team's servers), or owner1 (ONE_TEAM's only). */
export type Reader = "viewer" | "owner1";
export const READERS: Reader[] = ["viewer", "owner1"];

/** What a case names for one reader: a team, a resource of it, a page 90 % down the list. */
type ReaderData = { team: string; resource: string; deepName: string };

export type BenchContext = {
  base: string;
  now: Date;
  /** Session cookies of the readers (reads) and an admin (writes). */
  viewer: string;
  owner1: string;
  admin: string;
  sql: pg.Client;
  /** What the cases ask for, looked up once. */
  data?: { productionTag: string; quarterDate: string; roundTrip: string[]; readers: Record<Reader, ReaderData> };
};

type Case = {
  name: string;
  /** The route pattern, for first-load JavaScript (pages only). */
  route?: string;
  url: (c: BenchContext, who: Reader) => Promise<string>;
  /**
   * The viewer's data only. An owner's would be these statements again with the owner's teams in
   * them (and a few of them otherwise: the calendar counts past parties afresh for a team); the
   * owner's rows show no SQL figure, and a slower owner's page is read with EXPLAIN (BENCH_HOLD).
   */
  sql: (client: pg.Client, c: BenchContext) => Promise<unknown>;
};

const DAY = 86_400_000;

async function data(c: BenchContext) {
  if (c.data) return c.data;
  const q = <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => c.sql.query<T>(text, values).then((r) => r.rows);
  /** A production server of a three-node cluster, included: `offset` of them by name, of the team or of all. */
  const clustered = (team: string | null, offset: number) =>
    q<{ name: string }>(
      `SELECT name FROM "Resource" WHERE environment = 'PRODUCTION' AND NOT excluded AND "clusterId" IS NOT NULL AND ($1::text IS NULL OR "teamId" = $1) ORDER BY name OFFSET $2 LIMIT 1`,
      [team, offset],
    );
  /** The name 90 % down the list by name, of the team or of all. */
  const deep = (team: string | null) =>
    q<{ name: string }>(
      `SELECT name FROM "Resource" WHERE $1::text IS NULL OR "teamId" = $1 ORDER BY name OFFSET (SELECT floor(count(*) * 0.9) FROM "Resource" WHERE $1::text IS NULL OR "teamId" = $1) LIMIT 1`,
      [team],
    );
  // One after another: one client runs one query at a time.
  const [resource] = await clustered(null, 500);
  const [ownResource] = await clustered(ONE_TEAM.id, 10);
  const [allDeep] = await deep(null);
  const [ownDeep] = await deep(ONE_TEAM.id);
  const [party] = await q<{ tag: string }>(`SELECT tag FROM "Party" WHERE kind = 'PRODUCTION' AND "endsAt" > $1 ORDER BY "startsAt" LIMIT 1`, [c.now]);
  // Each client of the round trip has a resource of its own (no one else edits it).
  const roundTrip = (await q<{ name: string }>(`SELECT name FROM "Resource" WHERE NOT excluded AND "clusterId" IS NULL ORDER BY name DESC LIMIT 20`)).map(
    (r) => r.name,
  );
  const quarterMonth = Math.floor(c.now.getUTCMonth() / 3) * 3 + 1;
  c.data = {
    productionTag: party!.tag,
    quarterDate: `${c.now.getUTCFullYear()}-${String(quarterMonth).padStart(2, "0")}`,
    roundTrip,
    readers: {
      // team-7 is the filtered list's team since the first pass; it is as big as ONE_TEAM, and of the same environment and group.
      viewer: { team: "team-7", resource: resource!.name, deepName: allDeep!.name },
      owner1: { team: ONE_TEAM.slug, resource: ownResource!.name, deepName: ownDeep!.name },
    },
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
    url: async (c, who) => `${c.base}/resources?environment=production&team=${(await data(c)).readers[who].team}&group=1`,
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
    url: async (c, who) => `${c.base}/resources?cursor=${encodeCursor([(await data(c)).readers[who].deepName])}`,
    sql: async (client, c) =>
      run(client, [
        [`${LIST_SELECT} WHERE TRUE AND (r.name) > ($1) ORDER BY r.name LIMIT 51`, [(await data(c)).readers.viewer.deepName]],
        [`SELECT count(*) FROM (SELECT 1 FROM "Resource" r LIMIT 10001) s`],
        [`SELECT id, slug, name FROM "Team" ORDER BY name`],
      ]),
  },
  {
    name: "resource page",
    route: "/resources/[name]",
    url: async (c, who) => `${c.base}/resources/${(await data(c)).readers[who].resource}`,
    sql: async (client, c) => {
      const name = (await data(c)).readers.viewer.resource;
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
  {
    name: "resource CSV export (team)",
    url: async (c, who) => `${c.base}/api/v1/resources.csv?team=${(await data(c)).readers[who].team}`,
    sql: async (client, c) => {
      const team = (await data(c)).readers.viewer.team;
      const batch = `SELECT r.name, r.kind, r.environment, t.slug, s.name, c.name, r."patchGroup", r.tags, r.address, r."sshPort", r."sshUser", r.excluded, r."exclusionReason", r."exclusionUntil", r."lastPatchedAt", r."lastPatchTag", r."lastOutcome", r."pendingUpdates", r."securityUpdates", r."rebootPending"
        FROM "Resource" r JOIN "Team" t ON t.id = r."teamId" JOIN "Service" s ON s.id = r."serviceId" LEFT JOIN "Cluster" c ON c.id = r."clusterId"
        WHERE r."teamId" = (SELECT id FROM "Team" WHERE slug = $1) AND r."retiredAt" IS NULL AND r.name > $2 ORDER BY r.name LIMIT 2000`;
      // A batch of up to 2,000 by name, then the next (none left: one team is 333 servers).
      const { rows } = await client.query<{ name: string }>(batch, [team, ""]);
      await client.query(batch, [team, rows[rows.length - 1]?.name ?? ""]);
    },
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
