// A party's outcome counts are read on the home, calendar and party pages. While the party runs
// they change; once it is completed they cannot (outcomes are written only by open runs), so
// they are counted once per process, per team (an owner reads their teams'), until a server
// changes team.
import { expect, it } from "vitest";
import { getLastCompletedParty, getOutcomeCounts } from "@/lib/data/fleet";
import { getParty, slotCounts } from "@/lib/data/party-detail";
import { db } from "@/lib/db";
import { partyKey } from "@/lib/domain";
import { makeFleet } from "./fixtures/fleet";
import { unusedYear } from "./fixtures/years";

it("counts a running party's outcomes every time, and a completed party's once", async () => {
  const f = await makeFleet();
  const tag = `${await unusedYear()}-Q2`;
  const startsAt = new Date("2026-05-07T08:00:00Z");
  const party = await db.party.create({
    data: { tag, kind: "QA", localDate: "2026-05-07", timeZone: "UTC", startsAt, endsAt: new Date("2026-05-07T17:00:00Z"), status: "RUNNING" },
  });
  const outcome = (resourceId: string, group: number, status: "PATCHED" | "FAILED") =>
    db.patchOutcome.create({ data: { resourceId, partyId: party.id, group, status, startedAt: startsAt, finishedAt: startsAt } });
  const now = new Date("2026-05-08T00:00:00Z");
  const slots = async () => (await slotCounts([(await getParty(tag, "qa"))!], now, null)).get(partyKey({ tag, kind: "qa" }));

  await outcome(f.web.id, 2, "PATCHED");
  expect(await getOutcomeCounts(party, null)).toEqual({ PATCHED: 1, FAILED: 0, SKIPPED: 0 });
  expect(await slots()).toEqual({ 1: 0, 2: 1, 3: 0 });
  await outcome(f.nodes[0]!.id, 1, "FAILED");
  // Still running: counted again.
  expect(await getOutcomeCounts(party, null)).toEqual({ PATCHED: 1, FAILED: 1, SKIPPED: 0 });
  expect(await slots()).toEqual({ 1: 1, 2: 1, 3: 0 });

  // Team B's server failed too, before the party was completed.
  await outcome(f.other.id, 1, "FAILED");
  const completed = await db.party.update({ where: { id: party.id }, data: { status: "COMPLETED" }, select: { id: true, status: true } });
  expect(await getOutcomeCounts(completed, null)).toEqual({ PATCHED: 1, FAILED: 2, SKIPPED: 0 });
  expect(await slots()).toEqual({ 1: 2, 2: 1, 3: 0 });
  // A team's counts (issue 21) are sums of the same kept rows.
  const teamSlots = async (teamId: string) => (await slotCounts([(await getParty(tag, "qa"))!], now, [teamId])).get(partyKey({ tag, kind: "qa" }));
  expect(await getOutcomeCounts(completed, [f.teamA.id])).toEqual({ PATCHED: 1, FAILED: 1, SKIPPED: 0 });
  expect(await getOutcomeCounts(completed, [f.teamB.id])).toEqual({ PATCHED: 0, FAILED: 1, SKIPPED: 0 });
  expect(await getOutcomeCounts(completed, [])).toEqual({ PATCHED: 0, FAILED: 0, SKIPPED: 0 });
  expect(await teamSlots(f.teamA.id)).toEqual({ 1: 1, 2: 1, 3: 0 });
  expect(await teamSlots(f.teamB.id)).toEqual({ 1: 1, 2: 0, 3: 0 });
  // The app never writes to a completed party; this row only shows that its counts are not read again.
  await outcome(f.nodes[2]!.id, 3, "PATCHED");
  expect(await getOutcomeCounts(completed, null)).toEqual({ PATCHED: 1, FAILED: 2, SKIPPED: 0 });
  expect(await slots()).toEqual({ 1: 2, 2: 1, 3: 0 });
  expect(await teamSlots(f.teamA.id)).toEqual({ 1: 1, 2: 1, 3: 0 });
  // A server that changes team takes its outcomes along: the rows are counted again (and now hold
  // the row written above).
  await db.resource.update({ where: { id: f.web.id }, data: { teamId: f.teamB.id } });
  expect(await getOutcomeCounts(completed, [f.teamB.id])).toEqual({ PATCHED: 1, FAILED: 1, SKIPPED: 0 });
  expect(await getOutcomeCounts(completed, [f.teamA.id])).toEqual({ PATCHED: 1, FAILED: 1, SKIPPED: 0 });
  expect(await teamSlots(f.teamB.id)).toEqual({ 1: 1, 2: 1, 3: 0 });
  expect(await slots()).toEqual({ 1: 2, 2: 1, 3: 1 });
});

it("finds the last party that ended before now, passing over cancelled ones and those still to come", async () => {
  const year = await unusedYear({ latest: true }); // later than every other test's parties
  const at = (month: number) => new Date(Date.UTC(year, month, 7, 5));
  const party = (quarter: number, month: number, status: "COMPLETED" | "CANCELLED" | "PLANNED") =>
    db.party.create({
      data: {
        tag: `${year}-Q${quarter}`,
        kind: "QA",
        localDate: at(month).toISOString().slice(0, 10),
        timeZone: "UTC",
        startsAt: at(month),
        endsAt: new Date(at(month).getTime() + 3_600_000),
        status,
      },
    });
  const ended = await party(1, 1, "COMPLETED");
  await party(2, 4, "CANCELLED");
  await party(3, 7, "PLANNED");
  expect(await getLastCompletedParty(at(6))).toEqual({ id: ended.id, tag: ended.tag, kind: "QA", localDate: ended.localDate, status: "COMPLETED" });
});
