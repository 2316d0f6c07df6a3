import { partyJson } from "@/lib/api/parties";
import { apiError, badRequest, queryObject, unauthorized, apiRoute } from "@/lib/api/respond";
import { can } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { partyChanges } from "@/lib/data/change-requests";
import { freezesAfter } from "@/lib/data/freezes";
import { listParties } from "@/lib/data/parties";
import { PartiesQuerySchema } from "@/lib/validation/parties";

export const dynamic = "force-dynamic";

/** GET /api/v1/parties?from=YYYY-MM-DD&to=YYYY-MM-DD */
export const GET = apiRoute(async function GET(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "portal:read" })) return apiError(403, "You may not read parties.");
  const query = PartiesQuerySchema.safeParse(queryObject(new URL(request.url)));
  if (!query.success) return badRequest(query.error);
  const parties = await listParties(query.data.from, query.data.end);
  const [changes, freezes] = await Promise.all([
    partyChanges(parties.flatMap((p) => (p.kind === "production" && p.id ? [p.id] : []))),
    freezesAfter(query.data.from),
  ]);
  return Response.json(parties.map((p) => partyJson(p, changes, freezes)));
});
