import { resourceListJson } from "@/lib/api/resources";
import { apiError, authorizedQuery, apiRoute } from "@/lib/api/respond";
import { readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { listResourcePage } from "@/lib/data/resource-list";
import { ResourceListQuerySchema } from "@/lib/validation/resources";

export const dynamic = "force-dynamic";

/** GET /api/v1/resources?q=&environment=&kind=&team=&cluster=&group=&state=&lastTag=&never=1&failed=1&security=1&reboot=1&sort=&cursor=&limit= */
export const GET = apiRoute(async function GET(request: Request) {
  const parsed = await authorizedQuery(request, ResourceListQuerySchema, authenticateRequest);
  if (!parsed.ok) return parsed.response;
  const { sort, cursor, limit, ...filters } = parsed.query;
  const page = await listResourcePage(filters, readableTeams(parsed.user), sort, cursor, limit);
  if ("error" in page) return apiError(400, page.error);
  return Response.json({ items: page.rows.map(resourceListJson), nextCursor: page.nextCursor });
});
