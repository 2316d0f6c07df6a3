import { csvResponse } from "@/lib/api/csv";
import { apiError, badRequest, queryObject, unauthorized, apiRoute } from "@/lib/api/respond";
import { can, readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { exportComplianceCsv } from "@/lib/data/compliance";
import { NoQuerySchema } from "@/lib/validation/exports";

export const dynamic = "force-dynamic";

/** GET /api/v1/compliance.csv: the Compliance page's figures (by team and environment) and its trend, as CSV. */
export const GET = apiRoute(async function GET(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "portal:read" })) return apiError(403, "You may not read the compliance figures.");
  const query = NoQuerySchema.safeParse(queryObject(new URL(request.url)));
  if (!query.success) return badRequest(query.error);
  // An owner reads their teams' figures only (readableTeams).
  return csvResponse(exportComplianceCsv(new Date(), { teamIds: readableTeams(user)?.slice() }), "compliance");
});
