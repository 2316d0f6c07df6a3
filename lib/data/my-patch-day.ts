// An owner's patch day: their teams' resources in each upcoming party, by slot.
import "server-only";
import { db } from "../db";
import type { CalendarParty } from "../domain";
import { listParties } from "./parties";
import { environmentOf } from "./party-detail";

const DAY = 86_400_000;

export async function getMyPatchDay(teamIds: string[], now: Date) {
  const parties = (await listParties(now, new Date(now.getTime() + 200 * DAY))).filter((p) => p.status !== "cancelled" && p.endsAt > now).slice(0, 4);
  if (teamIds.length === 0) return [];
  // One read of the teams' resources serves every party: a party's members are its environment's.
  const resources = await db.resource.findMany({
    where: { teamId: { in: teamIds } },
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      environment: true,
      patchGroup: true,
      excluded: true,
      exclusionReason: true,
      exclusionUntil: true,
      team: { select: { name: true } },
    },
  });
  return parties.map((party: CalendarParty) => {
    const mine = resources.filter((r) => r.environment === environmentOf(party.kind));
    return {
      party,
      slots: party.slots.map((slot) => ({ slot, resources: mine.filter((r) => !r.excluded && r.patchGroup === slot.group) })),
      excluded: mine.filter((r) => r.excluded),
    };
  });
}
