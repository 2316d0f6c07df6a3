import type { IdParams } from "@/lib/api/template-route";
import { memberJson } from "@/lib/api/templates";
import { apiError, authorizedQuery, apiRoute } from "@/lib/api/respond";
import { readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { listMembers } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { MemberQuerySchema } from "@/lib/validation/templates";

export const dynamic = "force-dynamic";

/** GET /api/v1/templates/{id}/members?state=&after=: members by name, 100 a page (next = the cursor). */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  const query = await authorizedQuery(request, MemberQuerySchema, authenticateRequest);
  if (!query.ok) return query.response;
  const { id } = await params;
  if (id.length > 40 || !(await db.template.findUnique({ where: { id }, select: { id: true } }))) return apiError(404, "No template has that id.");
  const page = await listMembers(id, readableTeams(query.user), { ...query.query, limit: 100 });
  return Response.json({ members: page.members.map(memberJson), next: page.next });
});
