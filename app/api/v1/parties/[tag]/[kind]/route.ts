import { partyParams, partyResponse, type PartyParams } from "@/lib/api/party";
import { unauthorized, apiRoute } from "@/lib/api/respond";
import { readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** GET /api/v1/parties/{tag}/{kind}: the party with the number of resources in each slot. */
export const GET = apiRoute(async function GET(request: Request, context: PartyParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const party = await partyParams(context);
  if (!party.ok) return party.response;
  return partyResponse(party.tag, party.kind, new Date(), readableTeams(user));
});
