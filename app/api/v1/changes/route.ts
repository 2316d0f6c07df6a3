import { newestFirstCursor } from "@/lib/validation/common";
import { changeJson, changeResponse } from "@/lib/api/changes";
import { apiError, authorizedQuery, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { listChanges, openPartyChange, openTemplateChange } from "@/lib/data/change-requests";
import { ChangeListQuerySchema, ChangeOpenSchema } from "@/lib/validation/changes";

export const dynamic = "force-dynamic";

/** GET /api/v1/changes?state=&cursor=: newest first, 50 a page. */
export const GET = apiRoute(async function GET(request: Request) {
  const query = await authorizedQuery(request, ChangeListQuerySchema, authenticateRequest);
  if (!query.ok) return query.response;
  const page = await listChanges({ state: query.query.state, before: query.query.cursor });
  return Response.json({ items: page.changes.map(changeJson), next: page.next ? newestFirstCursor(page.next) : null });
});

/** POST /api/v1/changes { partyTag } | { templateId }: opens a draft written from the schedule. */
export const POST = apiRoute(async function POST(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readBody(request, ChangeOpenSchema);
  if (!body.ok) return body.response;
  const now = new Date();
  const result = body.data.partyTag ? await openPartyChange(user, body.data.partyTag, now) : await openTemplateChange(user, body.data.templateId!, now);
  if (!result.ok) return apiError(result.status, result.message);
  return changeResponse(result.value.id, 201);
});
