// Exclusion hygiene: the report of resources left out of more than two parties in a row, and
// reminders to owners before a party. Parties live in a far year of their own.
import { beforeEach, describe, expect, it } from "vitest";
import { longExclusions, planExclusionReminders } from "@/lib/data/exclusion-report";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";
import { unusedYear } from "./fixtures/years";

let f: Awaited<ReturnType<typeof makeFleet>>;
let year: number;
const DAY = 86_400_000;

beforeEach(async () => {
  f = await makeFleet();
  year = await unusedYear();
});

/** Production parties on the 1st of months m1, m2… of our year. */
async function parties(months: number[], status: "PLANNED" | "CANCELLED" = "PLANNED") {
  return Promise.all(
    months.map((m) => {
      const startsAt = new Date(Date.UTC(year, m - 1, 1, 5));
      return db.party.create({
        data: {
          tag: `${year}-Q${Math.ceil(m / 3)}`,
          kind: "PRODUCTION",
          localDate: startsAt.toISOString().slice(0, 10),
          timeZone: "UTC",
          startsAt,
          endsAt: new Date(startsAt.getTime() + 12 * 3_600_000),
          status,
        },
      });
    }),
  );
}

const exclude = (id: string, at: Date, reason = "Vendor freeze") =>
  db.resource.update({ where: { id }, data: { excluded: true, excludedAt: at, exclusionReason: reason, excludedById: f.owner.id } });

describe("exclusion hygiene", () => {
  it("reports resources excluded through more than two parties in a row, not cancelled ones, with the count", async () => {
    await parties([1, 4, 7]);
    await parties([10], "CANCELLED");
    const now = new Date(Date.UTC(year, 11, 1));
    await exclude(f.web.id, new Date(Date.UTC(year - 1, 11, 1)), "Waiting for the vendor"); // through Jan, Apr, Jul (+ other tests' parties: none in our year)
    await exclude(f.other.id, new Date(Date.UTC(year, 3, 15))); // only Jul since
    const report = await longExclusions(now, { teamIds: [f.teamA.id, f.teamB.id] });
    expect(report).toMatchObject([{ name: f.web.name, missed: 3, reason: "Waiting for the vendor", team: f.teamA.name }]);
    expect(await longExclusions(now, { teamIds: [f.teamB.id] })).toEqual([]);
    expect((await longExclusions(now, { teamIds: [f.teamB.id], atLeast: 1 })).map((r) => [r.name, r.missed])).toEqual([[f.other.name, 1]]);
  });

  it("reminds each owner, three days before a party, of their excluded resources in it — once", async () => {
    const [party] = await parties([6]);
    await exclude(f.web.id, new Date(Date.UTC(year, 0, 1)));
    await exclude(f.nodes[0]!.id, new Date(Date.UTC(year, 0, 1)));
    const before = new Date(party!.startsAt.getTime() - 4 * DAY);
    await planExclusionReminders(before);
    expect(await db.notification.count({ where: { partyId: party!.id } })).toBe(0);
    const due = new Date(party!.startsAt.getTime() - 3 * DAY + 60_000);
    await Promise.all([planExclusionReminders(due), planExclusionReminders(due)]);
    // Other tests' owners share the database: look at this fleet's people only.
    const reminders = await db.notification.findMany({
      where: { partyId: party!.id, kind: "exclusion-reminder", recipient: { endsWith: `@${f.prefix}.test` } },
    });
    expect(reminders.map((r) => r.recipient)).toEqual([f.owner.email]); // owner of team A only; owner B has nothing excluded
    expect(reminders[0]!.subject).toBe(`Reminder: 2 of your resources are excluded from Patch Party ${party!.tag} (production)`);
    expect(reminders[0]!.body).toContain(`- ${f.web.name}`);
    expect(reminders[0]!.body).toContain(`- ${f.nodes[0]!.name}`);
    // Once per party unless what it says changes (issue 16): a party moved away and back (its
    // sequence raised, its start the same) is no reason to remind again; a new start is.
    const mine = () => db.notification.count({ where: { partyId: party!.id, kind: "exclusion-reminder", recipient: f.owner.email } });
    await db.party.update({ where: { id: party!.id }, data: { sequence: { increment: 2 } } });
    await planExclusionReminders(due);
    expect(await mine()).toBe(1);
    await db.party.update({ where: { id: party!.id }, data: { startsAt: new Date(party!.startsAt.getTime() - 3_600_000), sequence: { increment: 1 } } });
    await planExclusionReminders(due);
    expect(await mine()).toBe(2);
  });
});
