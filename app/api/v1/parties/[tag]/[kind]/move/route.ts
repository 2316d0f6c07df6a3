import { partyAction, type PartyParams } from "@/lib/api/party";
import { apiRoute } from "@/lib/api/respond";
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
  return partyAction(request, context, MovePartySchema.strict(), moveParty);
});
