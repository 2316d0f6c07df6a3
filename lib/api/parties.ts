import type { CalendarParty } from "../domain";

/** The API's shape of a party: ISO-8601 UTC times. */
export function partyJson(party: CalendarParty) {
  return {
    tag: party.tag,
    kind: party.kind,
    status: party.status,
    localDate: party.localDate,
    timeZone: party.timeZone,
    startsAt: party.startsAt.toISOString(),
    endsAt: party.endsAt.toISOString(),
    slots: party.slots.map((s) => ({ group: s.group, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() })),
  };
}
