import "server-only";
import { partyKey, type ChangeStatus, type CalendarParty, type Freeze, type PartyKind } from "../domain";
import { partyChanges } from "../data/change-requests";
import { getOutcomeCounts } from "../data/fleet";
import { freezesAfter } from "../data/freezes";
import type { SlotCounts } from "../data/parties";
import { getParty, slotCounts } from "../data/party-detail";
import { TagSchema, KindSchema } from "../validation/party-rule";
import { firstIssue } from "../validation/common";
import { partyJson } from "./parties";
import { apiError } from "./respond";

export type PartyParams = { params: Promise<{ tag: string; kind: string }> };

/** The route's tag and kind, parsed, or the 400 answer. */
export async function partyParams({ params }: PartyParams): Promise<{ ok: true; tag: string; kind: PartyKind } | { ok: false; response: Response }> {
  const { tag, kind } = await params;
  const parsedTag = TagSchema.safeParse(tag);
  if (!parsedTag.success) return { ok: false, response: apiError(400, `tag: ${firstIssue(parsedTag.error)}`) };
  const parsedKind = KindSchema.safeParse(kind);
  if (!parsedKind.success) return { ok: false, response: apiError(400, `kind: ${firstIssue(parsedKind.error)}`) };
  return { ok: true, tag: parsedTag.data, kind: parsedKind.data };
}

/** A party as GET /api/v1/parties/{tag}/{kind} answers: with the resources in each slot, its outcomes once over, and its change. */
export async function partyResponse(tag: string, kind: PartyKind, now: Date) {
  const party = await getParty(tag, kind);
  if (!party) return apiError(404, `There is no ${kind} party ${tag}.`);
  const [counts, outcomes, changes, freezes] = await Promise.all([
    slotCounts([party], now),
    party.id && party.endsAt <= now ? getOutcomeCounts({ id: party.id, status: party.status }) : Promise.resolve(null),
    partyChanges(party.id ? [party.id] : []),
    freezesAfter(party.startsAt),
  ]);
  return Response.json(
    partyWithCountsJson(
      party,
      counts.get(partyKey(party))!,
      outcomes && { patched: outcomes.PATCHED, failed: outcomes.FAILED, skipped: outcomes.SKIPPED },
      changes,
      freezes,
    ),
  );
}

export function partyWithCountsJson(
  party: CalendarParty,
  counts: SlotCounts,
  outcomes: { patched: number; failed: number; skipped: number } | null,
  changes: Map<string, NonNullable<ChangeStatus>>,
  freezes: readonly Freeze[] = [],
) {
  const json = partyJson(party, changes, freezes);
  return { ...json, slots: json.slots.map((s) => ({ ...s, resources: counts[s.group as 1 | 2 | 3] })), outcomes };
}
