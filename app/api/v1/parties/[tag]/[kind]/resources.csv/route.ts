import { csvResponse } from "@/lib/api/csv";
import { partyParams, type PartyParams } from "@/lib/api/party";
import { apiError, badRequest, queryObject, unauthorized, apiRoute } from "@/lib/api/respond";
import { can, readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { exportPartyCsv } from "@/lib/data/party-csv";
import { getParty } from "@/lib/data/party-detail";
import { PartyCsvQuerySchema } from "@/lib/validation/exports";

export const dynamic = "force-dynamic";

/** GET /api/v1/parties/{tag}/{kind}/resources.csv?group=: the party's resources with their outcomes, as its page shows them, streamed. */
export const GET = apiRoute(async function GET(request: Request, context: PartyParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "portal:read" })) return apiError(403, "You may not read parties.");
  const params = await partyParams(context);
  if (!params.ok) return params.response;
  const query = PartyCsvQuerySchema.safeParse(queryObject(new URL(request.url)));
  if (!query.success) return badRequest(query.error);
  const party = await getParty(params.tag, params.kind);
  if (!party) return apiError(404, `There is no ${params.kind} party ${params.tag}.`);
  return csvResponse(exportPartyCsv(party, query.data, readableTeams(user)), `${party.tag}-${party.kind}`);
});
