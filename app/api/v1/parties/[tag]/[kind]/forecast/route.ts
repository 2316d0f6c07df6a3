import { partyForecastResponse } from "@/lib/api/forecast";
import { partyParams, type PartyParams } from "@/lib/api/party";
import { apiError, unauthorized, apiRoute } from "@/lib/api/respond";
import { can, readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** GET /api/v1/parties/{tag}/{kind}/forecast: per slot whether it fits, who would spill over, and the downtime per service. */
export const GET = apiRoute(async function GET(request: Request, context: PartyParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "portal:read" })) return apiError(403, "You may not read parties.");
  const party = await partyParams(context);
  if (!party.ok) return party.response;
  return partyForecastResponse(party.tag, party.kind, readableTeams(user));
});
