import "server-only";
import type { ChangeStatus, CalendarParty } from "../domain";
import type { SlotCounts } from "../data/parties";
import { partyJson } from "./parties";

export function partyWithCountsJson(
  party: CalendarParty,
  counts: SlotCounts,
  outcomes: { patched: number; failed: number; skipped: number } | null,
  changes: Map<string, NonNullable<ChangeStatus>>,
) {
  const json = partyJson(party, changes);
  return { ...json, slots: json.slots.map((s) => ({ ...s, resources: counts[s.group as 1 | 2 | 3] })), outcomes };
}
