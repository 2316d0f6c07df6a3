// The fleet's counts by environment, exclusion and group are kept by the database itself (a
// trigger on Resource), so the home, calendar and party pages read a dozen rows instead of
// aggregating 100,000 resources. They must equal the live aggregate after any kind of write.
// Retired servers (gone from their inventory source, issue 21) are not counted.
import { expect, it } from "vitest";
import { listPartyExcluded } from "@/lib/data/party-detail";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";

/** Kept counts and the live aggregate, read in one statement (one snapshot: other tests write too). */
async function keptAndLive() {
  const [row] = await db.$queryRaw<{ kept: unknown; live: unknown }[]>`
    SELECT (SELECT COALESCE(json_agg(k ORDER BY k.environment, k.excluded, k."patchGroup"), '[]') FROM
              (SELECT environment, excluded, "patchGroup", sum(count)::int AS count FROM "FleetCount" GROUP BY 1, 2, 3 HAVING sum(count) <> 0) k) AS kept,
           (SELECT COALESCE(json_agg(l ORDER BY l.environment, l.excluded, l."patchGroup"), '[]') FROM
              (SELECT environment, excluded, "patchGroup", count(*)::int AS count FROM "Resource" WHERE "retiredAt" IS NULL GROUP BY 1, 2, 3) l) AS live`;
  return row!;
}

it("keeps the fleet's counts equal to the live aggregate through inserts, updates and deletes", async () => {
  const f = await makeFleet(); // inserts
  let now = await keptAndLive();
  expect(now.kept).toEqual(now.live);

  // One statement moving many resources between groups and in and out of exclusion.
  await db.resource.updateMany({ where: { name: { startsWith: f.prefix } }, data: { patchGroup: 3 } });
  await db.resource.update({ where: { id: f.web.id }, data: { excluded: true, exclusionReason: "test" } });
  await db.resource.update({ where: { id: f.other.id }, data: { environment: "NON_PRODUCTION" } });
  // An update that touches no counted column changes nothing.
  await db.resource.updateMany({ where: { name: { startsWith: f.prefix } }, data: { lastPatchTag: "2026-Q4" } });
  now = await keptAndLive();
  expect(now.kept).toEqual(now.live);

  // Deletes (cascading from nothing: these resources have no history yet).
  await db.resource.delete({ where: { id: f.other.id } });
  now = await keptAndLive();
  expect(now.kept).toEqual(now.live);
});

it("keeps the counts through 40 concurrent changes of different resources in one group", async () => {
  const f = await makeFleet();
  const names = Array.from({ length: 40 }, (_, i) => `${f.prefix}-c${i}`);
  await db.resource.createMany({
    data: names.map((name) => ({
      name,
      kind: "VM" as const,
      environment: "PRODUCTION" as const,
      teamId: f.teamA.id,
      serviceId: f.web.serviceId,
      patchGroup: 1,
    })),
  });
  await Promise.all(
    names.map((name, i) => db.resource.update({ where: { name }, data: i % 2 ? { excluded: true, exclusionReason: "x" } : { patchGroup: 2 } })),
  );
  const now = await keptAndLive();
  expect(now.kept).toEqual(now.live);
});

it("gives a party page the number of excluded resources of its environment, for the fleet and for some teams", async () => {
  const f = await makeFleet();
  await db.resource.update({ where: { id: f.web.id }, data: { excluded: true, exclusionReason: "test" } });
  // Fleet-wide from the kept counts; counted live when narrowed to teams (test files run one at a time).
  const fleet = await listPartyExcluded("production", null);
  expect(fleet.total).toBe(await db.resource.count({ where: { environment: "PRODUCTION", excluded: true, retiredAt: null } }));
  const mine = await listPartyExcluded("production", [f.teamA.id]);
  expect(fleet.total).toBeGreaterThan(0);
  expect(mine.total).toBe(await db.resource.count({ where: { environment: "PRODUCTION", excluded: true, teamId: f.teamA.id, retiredAt: null } }));
  expect(mine.rows.map((r) => r.name)).toContain(f.web.name);
});
