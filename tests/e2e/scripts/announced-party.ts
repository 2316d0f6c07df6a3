// Marks a production party of the e2e server's database as announced to customers (an announce
// notice, as the worker records it, already sent), and takes that back afterwards, so a Playwright
// test can see a rule change keep such a party on its date whatever day it runs.
//   tsx tests/e2e/scripts/announced-party.ts announce
//     → { tag, localDate }: the second production party still to come (the first may be near,
//       which keeps it anyway), now announced.
//   tsx tests/e2e/scripts/announced-party.ts forget <tag>
//     → { forgotten }: its test notice removed and the rule free to move it again.
import { useDatabaseUrl } from "../../../lib/env";
import { e2eDatabaseUrl } from "./e2e-database";
import { db, disconnectDb } from "../../../lib/db";

useDatabaseUrl(e2eDatabaseUrl());
const [command, ...args] = process.argv.slice(2);

async function announce() {
  const [, party] = await db.party.findMany({
    where: { kind: "PRODUCTION", status: "PLANNED", startsAt: { gt: new Date() }, manualReason: null },
    orderBy: { startsAt: "asc" },
    take: 2,
  });
  if (!party) throw new Error("No production party to announce.");
  await db.notification.create({
    data: {
      dedupeKey: `e2e:announce:${party.id}`,
      kind: "announce",
      recipient: "desk@example.com",
      subject: `Planned maintenance: Patch Party ${party.tag} (production)`,
      body: "Told.",
      partyId: party.id,
      windowStart: party.startsAt,
      windowEnd: party.endsAt,
      state: "SENT",
      sentAt: new Date(),
    },
  });
  return { tag: party.tag, localDate: party.localDate };
}

async function forget(tag: string) {
  const party = await db.party.findUniqueOrThrow({ where: { tag_kind: { tag, kind: "PRODUCTION" } } });
  const { count } = await db.notification.deleteMany({ where: { dedupeKey: `e2e:announce:${party.id}` } });
  await db.party.update({ where: { id: party.id }, data: { manualReason: null } });
  return { forgotten: count };
}

try {
  const result = command === "announce" ? await announce() : command === "forget" ? await forget(args[0]!) : null;
  if (result === null) throw new Error(`Unknown command "${command}": use announce or forget.`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await disconnectDb();
}
