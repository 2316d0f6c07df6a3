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
import type { z } from "zod";
import { authenticateRequest } from "../auth/session";
import { readableTeams, type CurrentUser, type TeamScope } from "../auth/permissions";
import type { Outcome } from "../data/outcome";
import { apiError, readBody, unauthorized } from "./respond";

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
export async function partyResponse(tag: string, kind: PartyKind, now: Date, teams: TeamScope) {
  const party = await getParty(tag, kind);
  if (!party) return apiError(404, `There is no ${kind} party ${tag}.`);
  const [counts, outcomes, changes, freezes] = await Promise.all([
    slotCounts([party], now, teams),
    party.id && party.endsAt <= now ? getOutcomeCounts({ id: party.id, status: party.status }, teams) : Promise.resolve(null),
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

/**
 * A POST that acts on one party (move, cancel): the caller signed in, the route's tag and kind and
 * the body parsed with `schema`, then `act`; answers the party as it now stands, or the refusal.
 */
export async function partyAction<S extends z.ZodType>(
  request: Request,
  context: PartyParams,
  schema: S,
  act: (user: CurrentUser, tag: string, kind: PartyKind, body: z.infer<S>, now: Date) => Promise<Outcome<unknown>>,
): Promise<Response> {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const party = await partyParams(context);
  if (!party.ok) return party.response;
  const body = await readBody(request, schema);
  if (!body.ok) return body.response;
  const now = new Date();
  const done = await act(user, party.tag, party.kind, body.data, now);
  if (!done.ok) return apiError(done.status, done.message);
  return partyResponse(party.tag, party.kind, now, readableTeams(user));
}
