import { beforeEach, expect, it } from "vitest";
import { complianceFigures } from "@/lib/data/compliance";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
beforeEach(async () => {
  f = await makeFleet();
});

it("the latest quarter's share patched by team and environment, never patched, failed last time", async () => {
  // The newest party anyone has: tag 9999-Q4, over by `now`.
  const startsAt = new Date("9999-10-03T05:00:00Z");
  const party = await db.party.upsert({
    where: { tag_kind: { tag: "9999-Q4", kind: "PRODUCTION" } },
    create: { tag: "9999-Q4", kind: "PRODUCTION", localDate: "9999-10-03", timeZone: "UTC", startsAt, endsAt: new Date(startsAt.getTime() + 12 * 3_600_000) },
    update: {},
  });
  const now = new Date("9999-11-01T00:00:00Z");
  const [n1, n2, n3] = f.nodes;
  const outcome = (resourceId: string, status: "PATCHED" | "FAILED", message?: string) =>
    db.patchOutcome.create({ data: { resourceId, partyId: party.id, group: 1, status, message, startedAt: startsAt, finishedAt: party.endsAt } });
  await Promise.all([outcome(n1!.id, "PATCHED"), outcome(n2!.id, "PATCHED"), outcome(n3!.id, "FAILED", "Reboot timed out")]);
  await db.resource.update({ where: { id: n3!.id }, data: { lastOutcome: "FAILED", lastPatchTag: "9999-Q3" } });
  await db.resource.updateMany({
    where: { id: { in: [n1!.id, n2!.id] } },
    data: { lastPatchedAt: party.endsAt, lastOutcome: "PATCHED", lastPatchTag: "9999-Q4" },
  });

  const figures = await complianceFigures(now, { teamIds: [f.teamA.id, f.teamB.id] });
  expect(figures.quarters.production).toBe("9999-Q4");
  // Team A: three nodes and web in production, two patched. Team B: one, none.
  expect(figures.shares).toEqual([
    { teamId: f.teamA.id, team: f.teamA.name, environment: "PRODUCTION", resources: 4, patched: 2 },
    { teamId: f.teamB.id, team: f.teamB.name, environment: "PRODUCTION", resources: 1, patched: 0 },
  ]);
  expect(figures.totals).toEqual({ resources: 5, patched: 2 });
  expect(figures.neverPatched.map((r) => r.name).sort()).toEqual([f.nodes[2]!.name, f.other.name, f.web.name].sort());
  expect(figures.failedLastTime).toMatchObject([{ name: n3!.name, message: "Reboot timed out" }]);
});
