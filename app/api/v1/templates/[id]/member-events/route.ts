import type { IdParams } from "@/lib/api/template-route";
import { memberEventJson } from "@/lib/api/templates";
import { apiError, authorizedQuery, apiRoute } from "@/lib/api/respond";
import { readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { listMemberEvents } from "@/lib/data/template-members";
import { db } from "@/lib/db";
import { MemberEventsQuerySchema } from "@/lib/validation/templates";

export const dynamic = "force-dynamic";

/** GET /api/v1/templates/{id}/member-events?cursor=: who joined or left and when, newest first, 50 a page. */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  const query = await authorizedQuery(request, MemberEventsQuerySchema, authenticateRequest);
  if (!query.ok) return query.response;
  const { id } = await params;
  if (id.length > 40 || !(await db.template.findUnique({ where: { id }, select: { id: true } }))) return apiError(404, "No template has that id.");
  const page = await listMemberEvents(id, readableTeams(query.user), { before: query.query.cursor ?? null, limit: 50 });
  return Response.json({ events: page.events.map(memberEventJson), next: page.next });
});
