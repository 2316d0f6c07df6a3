import { partyParams, partyResponse, type PartyParams } from "@/lib/api/party";
import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { cancelParty } from "@/lib/data/party-changes";
import { CancelPartySchema } from "@/lib/validation/party-rule";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/parties/{tag}/{kind}/cancel { reason } (admins): the party is cancelled, as
 * "Cancel this party" on its page does; customers who were told of it hear that it is off.
 * Answers the party as it now stands.
 */
export const POST = apiRoute(async function POST(request: Request, context: PartyParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const party = await partyParams(context);
  if (!party.ok) return party.response;
  const body = await readBody(request, CancelPartySchema.strict());
  if (!body.ok) return body.response;
  const now = new Date();
  const cancelled = await cancelParty(user, party.tag, party.kind, body.data.reason, now);
  if (!cancelled.ok) return apiError(cancelled.status, cancelled.message);
  return partyResponse(party.tag, party.kind, now);
});
