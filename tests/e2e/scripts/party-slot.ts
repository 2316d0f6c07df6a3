// Drives the party engine of the e2e server's database on a clock the test chooses, so a
// Playwright test can watch a slot roll out whatever day it runs (the e2e server keeps party
// rollouts off: real slots open on real Thursdays and Sundays).
//   tsx tests/e2e/scripts/party-slot.ts setup
//     → { partyId, tag, teamId, startsAt }: a team of 20 non-production VMs in group 1 and a QA
//       party of their own in a far year, its group 1 slot four hours long.
//   tsx tests/e2e/scripts/party-slot.ts tick <partyId> <teamId> <fromIso> <minutes> <failureRate>
//     → one tick a minute of that party's slots, scoped to the team's resources.
import { randomBytes } from "node:crypto";
import { useDatabaseUrl } from "../../../lib/env";
import { e2eDatabaseUrl } from "./e2e-database";
import { db, disconnectDb } from "../../../lib/db";
import { tickParties } from "../../../lib/rollout/party-engine";
import { simulatedExecutor } from "../../../lib/rollout/simulated";

useDatabaseUrl(e2eDatabaseUrl());
const [command, ...args] = process.argv.slice(2);

async function setup() {
  const p = randomBytes(3).toString("hex");
  const team = await db.team.create({ data: { slug: `e2e-${p}`, name: `Rollout ${p}` } });
  const service = await db.service.create({ data: { name: `e2e-${p}-svc`, teamId: team.id } });
  await db.resource.createMany({
    data: Array.from({ length: 20 }, (_, i) => ({
      name: `e2e-${p}-vm${String(i + 1).padStart(2, "0")}`,
      kind: "VM" as const,
      environment: "NON_PRODUCTION" as const,
      teamId: team.id,
      serviceId: service.id,
      patchGroup: 1,
    })),
  });
  const year = 7000 + Math.floor(Math.random() * 999);
  const startsAt = new Date(Date.UTC(year, 1, 14, 9));
  const endsAt = new Date(startsAt.getTime() + 4 * 3_600_000);
  const party = await db.party.create({
    data: { tag: `${year}-Q1`, kind: "QA", localDate: `${year}-02-14`, timeZone: "UTC", startsAt, endsAt, slots: { create: [{ group: 1, startsAt, endsAt }] } },
  });
  return { partyId: party.id, tag: party.tag, teamId: team.id, startsAt: startsAt.toISOString() };
}

async function tick(partyId: string, teamId: string, fromIso: string, minutes: number, failureRate: number) {
  const executor = simulatedExecutor({ durationSeconds: 60, failureRate, jitter: 0 });
  const from = new Date(fromIso).getTime();
  const ticks = [];
  for (let t = 0; t <= minutes; t++) ticks.push(...(await tickParties(new Date(from + t * 60_000), executor, { partyIds: [partyId], teamIds: [teamId] })));
  return ticks.map((r) => ({ state: r.state, started: r.started, patched: r.patched, failed: r.failed }));
}

try {
  const result = command === "setup" ? await setup() : command === "tick" ? await tick(args[0]!, args[1]!, args[2]!, Number(args[3]), Number(args[4])) : null;
  if (result === null) throw new Error(`Unknown command "${command}": use setup or tick.`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await disconnectDb();
}
