import "server-only";
import { partyBlockedReason, partyFreezes, type ChangeStatus, type Freeze } from "../domain";
import type { CalendarParty } from "../domain";

/** A production party needs an approved change request to start; a QA party needs none. */
function changeFields(party: CalendarParty, changes: Map<string, NonNullable<ChangeStatus>>) {
  if (party.kind !== "production") return { change: null, blocked: false, blockedReason: null, held: null };
  const change = (party.id ? changes.get(party.id) : undefined) ?? null;
  const reason = party.status === "cancelled" ? null : partyBlockedReason(party, change);
  return {
    change,
    blocked: reason !== null,
    blockedReason: reason,
    held: party.held ? { at: party.held.at.toISOString(), by: party.held.by, reason: party.held.reason } : null,
  };
}

/** The API's shape of a party: ISO-8601 UTC times, and its change request. */
export function partyJson(party: CalendarParty, changes: Map<string, NonNullable<ChangeStatus>> = new Map(), freezes: readonly Freeze[] = []) {
  return {
    tag: party.tag,
    kind: party.kind,
    status: party.status,
    localDate: party.localDate,
    timeZone: party.timeZone,
    startsAt: party.startsAt.toISOString(),
    endsAt: party.endsAt.toISOString(),
    slots: party.slots.map((s) => ({ group: s.group, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() })),
    ...changeFields(party, changes),
    // What stands in its way: freezes over its slots (issue 16).
    conflicts: party.status === "planned" ? partyFreezes(party, freezes) : [],
  };
}
