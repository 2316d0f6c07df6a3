// The parties and their rule are kept by each server process until the database's "parties" token
// moves (lib/cache/versioned.ts): a change must show at once, and a kept read must be used.
import pg from "pg";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { generateParties, listParties } from "@/lib/data/parties";
import { getParty } from "@/lib/data/party-detail";
import { ruleToRow } from "@/lib/data/party-rule";
import { db } from "@/lib/db";
import { DEFAULT_PARTY_RULE } from "@/lib/domain";

const NOW = new Date("2026-11-25T10:00:00Z");
const DAY = 86_400_000;
const FROM = new Date(NOW.getTime() - 30 * DAY);
const TO = new Date(NOW.getTime() + 200 * DAY);

const token = async () => (await db.dataVersion.findUniqueOrThrow({ where: { name: "parties" } })).token;

async function firstStored() {
  const party = (await listParties(FROM, TO)).find((p) => p.stored && p.startsAt > NOW && p.slots.length > 0);
  if (!party?.id) throw new Error("no stored party in the window");
  return party;
}

beforeAll(async () => {
  await generateParties(FROM, TO, NOW, { id: null, label: "test" });
});

describe("the parties as each process keeps them", () => {
  it("shows a change at once: the change moves the token in its own commit", async () => {
    const party = await firstStored();
    const reason = `Held for the test at ${Date.now()}`;
    await db.party.update({ where: { id: party.id! }, data: { heldAt: NOW, heldBy: "test", heldReason: reason } });
    expect((await listParties(FROM, TO)).find((p) => p.id === party.id)?.held).toMatchObject({ reason });
    expect((await getParty(party.tag, party.kind))?.held).toMatchObject({ reason }); // a party's page reads the kept parties too
    await db.party.update({ where: { id: party.id! }, data: { heldAt: null, heldBy: null, heldReason: null } });
    expect((await listParties(FROM, TO)).find((p) => p.id === party.id)?.held).toBeNull();
  });

  it("shows a change of the rule and of a slot at once", async () => {
    const party = await firstStored();
    const slot = await db.partySlot.findFirstOrThrow({ where: { partyId: party.id! }, orderBy: { group: "asc" } });
    const startsAt = new Date(slot.startsAt.getTime() - 60_000);
    await db.partySlot.update({ where: { id: slot.id }, data: { startsAt } });
    expect((await listParties(FROM, TO)).find((p) => p.id === party.id)?.slots.find((s) => s.group === slot.group)?.startsAt).toEqual(startsAt);
    await db.partySlot.update({ where: { id: slot.id }, data: { startsAt: slot.startsAt } });

    const before = await token();
    await db.partyRule.upsert({
      where: { id: "default" },
      create: { id: "default", ...ruleToRow(DEFAULT_PARTY_RULE) },
      update: { revision: { increment: 1 } },
    });
    expect(await token()).not.toBe(before);
  });

  it("keeps what it read until the token moves (a change made without the triggers is not seen)", async () => {
    const party = await firstStored();
    const reason = `Changed behind the token's back at ${Date.now()}`;
    // Triggers off takes the owner (a superuser here): the app's role may not set session_replication_role.
    const owner = new pg.Client({ connectionString: inject("databaseMigrationUrl") });
    await owner.connect();
    try {
      await owner.query("BEGIN");
      await owner.query("SET LOCAL session_replication_role = replica"); // triggers off
      await owner.query(`UPDATE "Party" SET "manualReason" = $1 WHERE id = $2`, [reason, party.id]);
      await owner.query("COMMIT");
    } finally {
      await owner.end();
    }
    expect((await listParties(FROM, TO)).find((p) => p.id === party.id)?.manualReason).not.toBe(reason);
    await db.dataVersion.update({ where: { name: "parties" }, data: { token: crypto.randomUUID() } });
    expect((await listParties(FROM, TO)).find((p) => p.id === party.id)?.manualReason).toBe(reason);
    await db.party.update({ where: { id: party.id! }, data: { manualReason: party.manualReason } }); // as it was, for the other tests
  });

  it("moves the token once per transaction, and not for one that rolled back", async () => {
    const parties = (await listParties(FROM, TO)).filter((p) => p.stored).slice(0, 3);
    const before = await token();
    await db.$transaction(parties.map((p) => db.party.update({ where: { id: p.id! }, data: { sequence: { increment: 1 } } })));
    const after = await db.dataVersion.findUniqueOrThrow({ where: { name: "parties" } });
    expect(after.token).not.toBe(before);
    await expect(
      db.$transaction(async (tx) => {
        await tx.party.update({ where: { id: parties[0]!.id! }, data: { sequence: { increment: 1 } } });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await token()).toBe(after.token);
    await db.$transaction(parties.map((p) => db.party.update({ where: { id: p.id! }, data: { sequence: { decrement: 1 } } }))); // as it was
  });

  it("hands every request the same frozen parties: none can change another's", async () => {
    const [party] = (await listParties(FROM, TO)).filter((p) => p.stored);
    expect(() => {
      (party!.slots as unknown as { group: number }[]).push({ group: 9 });
    }).toThrow(TypeError);
  });
});
