import { partyParams, partyResponse, type PartyParams } from "@/lib/api/party";
import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { moveParty } from "@/lib/data/party-changes";
import { MovePartySchema } from "@/lib/validation/party-rule";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/parties/{tag}/{kind}/move { date: "YYYY-MM-DD", reason, shortNotice? } (admins): the
 * party moves to that day, its slots at the rule's times, as "Move this party" on its page does.
 * A day less than 14 days ahead needs `shortNotice: true`. An approved change of the party goes
 * back to its approvers. Answers the party as it now stands.
 */
export const POST = apiRoute(async function POST(request: Request, context: PartyParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const party = await partyParams(context);
  if (!party.ok) return party.response;
  const body = await readBody(request, MovePartySchema.strict());
  if (!body.ok) return body.response;
  const now = new Date();
  const moved = await moveParty(user, party.tag, party.kind, body.data, now);
  if (!moved.ok) return apiError(moved.status, moved.message);
  return partyResponse(party.tag, party.kind, now);
});
