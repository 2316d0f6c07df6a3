import { resourceListJson } from "@/lib/api/resources";
import { apiError, badRequest, queryObject, unauthorized } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { listResourcePage } from "@/lib/data/resource-list";
import { ResourceListQuerySchema } from "@/lib/validation/resources";

export const dynamic = "force-dynamic";

/** GET /api/v1/resources?q=&environment=&kind=&team=&cluster=&group=&state=&lastTag=&never=1&failed=1&sort=&cursor=&limit= */
export async function GET(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const query = ResourceListQuerySchema.safeParse(queryObject(new URL(request.url)));
  if (!query.success) return badRequest(query.error);
  const { sort, cursor, limit, ...filters } = query.data;
  const page = await listResourcePage(filters, sort, cursor, limit);
  if ("error" in page) return apiError(400, page.error);
  return Response.json({ items: page.rows.map(resourceListJson), nextCursor: page.nextCursor });
}
