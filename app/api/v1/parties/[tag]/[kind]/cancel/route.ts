import { partyAction, type PartyParams } from "@/lib/api/party";
import { apiRoute } from "@/lib/api/respond";
import { cancelParty } from "@/lib/data/party-changes";
import { CancelPartySchema } from "@/lib/validation/party-rule";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/parties/{tag}/{kind}/cancel { reason } (admins): the party is cancelled, as
 * "Cancel this party" on its page does; customers who were told of it hear that it is off.
 * Answers the party as it now stands.
 */
export const POST = apiRoute(async function POST(request: Request, context: PartyParams) {
  return partyAction(request, context, CancelPartySchema.strict(), (user, tag, kind, body, now) => cancelParty(user, tag, kind, body.reason, now));
});
