// Builds the benchmark's database: 100,000 resources of 300 teams (2,000 three-node clusters
// among them), ten years of parties behind and two ahead, and every past party's outcomes. The
// rows are generated inside PostgreSQL (INSERT … SELECT over generate_series): sending millions
// of rows from Node would measure the driver, not the portal.
import pg from "pg";
import { hashPassword } from "../lib/auth/password";
import { generateParties } from "../lib/data/parties";

export const BENCH = { resources: 100_000, teams: 300, clusters: 2_000, servicesPerTeam: 10, years: 10 };
export const BENCH_PASSWORD = "patchparty";
/** `owner` owns two teams; `owner1` owns one (ONE_TEAM, 333 servers): the scoped reader of the cases (issue 21). */
export const BENCH_USERS = { admin: "admin@bench.test", viewer: "viewer@bench.test", owner: "owner@bench.test", owner1: "owner1@bench.test" };
/** The one team of BENCH_USERS.owner1: all production, nearly all in group 1 (resource i is in team 1 + i % teams). */
export const ONE_TEAM = { id: "team1", slug: "team-1" };
const DAY = 86_400_000;
const KINDS = ["SERVER", "VM", "VM", "VM", "HYPERVISOR", "DATABASE_NODE", "BROKER_NODE", "STORAGE_NODE", "VIRTUAL_APPLIANCE"];

export type SeedTimings = Record<string, number>;

async function timed(timings: SeedTimings, name: string, work: () => Promise<unknown>) {
  const started = performance.now();
  await work();
  timings[name] = Math.round(performance.now() - started);
}

/** Fills an empty, migrated database. Returns the milliseconds of each phase. */
export async function seedBench(url: string, now: Date): Promise<SeedTimings> {
  const timings: SeedTimings = {};
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const q = (sql: string, values: unknown[] = []) => client.query(sql, values);
  try {
    const hash = await hashPassword(BENCH_PASSWORD);
    await timed(timings, "teams, users, services, clusters", async () => {
      await q(`INSERT INTO "Team" (id, slug, name) SELECT 'team' || i, 'team-' || i, 'Team ' || i FROM generate_series(1, $1::int) i`, [BENCH.teams]);
      await q(
        `INSERT INTO "User" (id, email, name, role, "passwordHash") VALUES ('u-admin', $1, 'Bench Admin', 'ADMIN', $5), ('u-viewer', $2, 'Bench Viewer', 'VIEWER', $5), ('u-owner', $3, 'Bench Owner', 'OWNER', $5), ('u-owner1', $4, 'Bench Owner One', 'OWNER', $5)`,
        [BENCH_USERS.admin, BENCH_USERS.viewer, BENCH_USERS.owner, BENCH_USERS.owner1, hash],
      );
      await q(`INSERT INTO "TeamMembership" ("userId", "teamId") VALUES ('u-owner', 'team1'), ('u-owner', 'team2'), ('u-owner1', $1)`, [ONE_TEAM.id]);
      await q(
        `INSERT INTO "TeamContact" (id, "teamId", name, email) SELECT 'tc' || i, 'team' || i, 'Desk', 'desk-' || i || '@customer.test' FROM generate_series(1, $1::int) i`,
        [BENCH.teams],
      );
      // Service s belongs to team 1 + (s - 1) % teams, so resource i (service 1 + i % services) stays in its team.
      await q(
        `INSERT INTO "Service" (id, name, "teamId") SELECT 'svc' || s, 'service-' || lpad(s::text, 4, '0'), 'team' || (1 + (s - 1) % $1::int) FROM generate_series(1, $2::int) s`,
        [BENCH.teams, BENCH.teams * BENCH.servicesPerTeam],
      );
      await q(`INSERT INTO "Cluster" (id, name) SELECT 'cl' || c, 'cluster-' || lpad(c::text, 4, '0') FROM generate_series(1, $1::int) c`, [BENCH.clusters]);
    });

    await timed(timings, "resources", () =>
      q(
        `INSERT INTO "Resource" (id, name, kind, environment, "teamId", "serviceId", "clusterId", "clusterRole", "patchGroup", tags, version, excluded, "excludedById", "excludedAt", "exclusionReason", "createdAt", "updatedAt")
         SELECT 'r' || i,
                CASE WHEN i % 5 < 3 THEN 'prd' ELSE 'qa' END || '-' || lower(k.kind) || '-' || lpad(i::text, 6, '0'),
                k.kind::"ResourceKind",
                (CASE WHEN i % 5 < 3 THEN 'PRODUCTION' ELSE 'NON_PRODUCTION' END)::"Environment",
                'team' || (1 + i % $2::int),
                'svc' || (1 + i % ($2::int * $3::int)),
                CASE WHEN i <= $4::int * 3 THEN 'cl' || (1 + (i - 1) / 3) END,
                CASE WHEN i <= $4::int * 3 THEN CASE WHEN (i - 1) % 3 = 0 THEN 'primary' ELSE 'secondary' END END,
                CASE WHEN i <= $4::int * 3 THEN 1 + (i - 1) % 3 ELSE 1 + (i * 7) % 3 END,
                CASE WHEN i % 11 = 0 THEN ARRAY['pci'] WHEN i % 13 = 0 THEN ARRAY['customer-facing', 'eu'] ELSE ARRAY[]::text[] END,
                (1 + i % 3) || '.' || (i % 10) || '.' || (i % 20),
                i % 37 = 0,
                CASE WHEN i % 37 = 0 THEN 'u-owner' END,
                CASE WHEN i % 37 = 0 THEN $5::timestamptz - (i % 400) * interval '1 day' END,
                CASE WHEN i % 37 = 0 THEN 'Vendor support case open: kernel update breaks the storage driver' END,
                $5::timestamptz - interval '11 years', $5::timestamptz
         FROM generate_series(1, $1::int) i
         CROSS JOIN LATERAL (SELECT ($6::text[])[1 + i % array_length($6::text[], 1)] AS kind) k`,
        [BENCH.resources, BENCH.teams, BENCH.servicesPerTeam, BENCH.clusters, now, KINDS],
      ),
    );
    await q(
      `INSERT INTO "ExclusionEvent" (id, "resourceId", action, reason, "actorId", "actorLabel", at)
       SELECT 'ex-' || id, id, 'EXCLUDE', "exclusionReason", "excludedById", $1, "excludedAt" FROM "Resource" WHERE excluded`,
      [BENCH_USERS.owner],
    );

    await timed(timings, "parties", async () => {
      const from = new Date(Date.UTC(now.getUTCFullYear() - BENCH.years, 0, 1));
      await generateParties(from, new Date(now.getTime() + 730 * DAY), now, { id: null, label: "bench" }, { includePast: true });
    });

    // Every past party's outcomes: each included resource of its environment, in its group's slot.
    // The table's indexes are built after the rows, as a bulk load does.
    await timed(timings, "outcomes", async () => {
      const { rows: indexes } = await q(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'PatchOutcome' AND indexname <> 'PatchOutcome_pkey'`);
      for (const index of indexes) await q(`DROP INDEX "${index.indexname}"`);
      await q(`ALTER TABLE "PatchOutcome" DROP CONSTRAINT "PatchOutcome_pkey"`);
      await q(`SET session_replication_role = replica`); // the rows reference what was just inserted
      await q(
        `INSERT INTO "PatchOutcome" (id, "resourceId", "partyId", "group", status, message, "startedAt", "finishedAt")
         SELECT p.id || ':' || r.id, r.id, p.id, s."group",
                (CASE WHEN hashtext(p.id || r.id) % 61 = 0 THEN 'FAILED' WHEN hashtext(p.id || r.id) % 97 = 0 THEN 'SKIPPED' ELSE 'PATCHED' END)::"OutcomeStatus",
                CASE WHEN hashtext(p.id || r.id) % 61 = 0 THEN 'The service did not come back after the reboot.' END,
                s."startsAt", s."startsAt" + interval '25 minutes'
         FROM "Party" p
         JOIN "PartySlot" s ON s."partyId" = p.id
         JOIN "Resource" r ON r."patchGroup" = s."group" AND r.environment = (CASE WHEN p.kind = 'PRODUCTION' THEN 'PRODUCTION' ELSE 'NON_PRODUCTION' END)::"Environment"
         WHERE p."endsAt" <= $1 AND p.status <> 'CANCELLED' AND NOT (r.excluded AND r."excludedAt" <= p."startsAt")`,
        [now],
      );
      await q(`SET session_replication_role = DEFAULT`);
      await q(`SET maintenance_work_mem = '1GB'`);
      await q(`ALTER TABLE "PatchOutcome" ADD CONSTRAINT "PatchOutcome_pkey" PRIMARY KEY (id)`);
      for (const index of indexes) await q(index.indexdef);
    });

    await timed(timings, "last patched, statistics", async () => {
      // The latest outcome of each resource and its latest success, denormalised as the list filters need them.
      await q(
        `UPDATE "Resource" r SET "lastOutcome" = x.status, "lastPatchTag" = x.tag, "lastPatchedAt" = x."finishedAt"
         FROM (SELECT r2.id, last.status, good."finishedAt", good.tag FROM "Resource" r2
               LEFT JOIN LATERAL (SELECT o.status FROM "PatchOutcome" o WHERE o."resourceId" = r2.id ORDER BY o."finishedAt" DESC LIMIT 1) last ON true
               LEFT JOIN LATERAL (SELECT o."finishedAt", p.tag FROM "PatchOutcome" o JOIN "Party" p ON p.id = o."partyId"
                                  WHERE o."resourceId" = r2.id AND o.status = 'PATCHED' ORDER BY o."finishedAt" DESC LIMIT 1) good ON true) x
         WHERE r.id = x.id AND x.status IS NOT NULL`,
      );
      await q(`VACUUM ANALYZE`);
    });
    return timings;
  } finally {
    await client.end();
  }
}
