import { templateResponse, type IdParams } from "@/lib/api/template-route";
import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { updateTemplate } from "@/lib/data/templates";
import { requestRolloutTick } from "@/lib/jobs/enqueue";
import { TemplatePatchSchema } from "@/lib/validation/templates";

export const dynamic = "force-dynamic";

/** GET /api/v1/templates/{id}: state, member counts by state and version, next window, recent runs. */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  if (!(await authenticateRequest(request))) return unauthorized();
  return templateResponse((await params).id, new Date());
});

/**
 * PATCH /api/v1/templates/{id} { targetVersion?, concurrency?, rollout settings?, executor? (null = the
 * default), preHook?, postHook?, cutoffMinutes?, memberTimeoutMinutes?, revision? } (or If-Match): admins.
 */
export const PATCH = apiRoute(async function PATCH(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readBody(request, TemplatePatchSchema);
  if (!body.ok) return body.response;
  const { id } = await params;
  if (id.length > 40) return apiError(404, "No template has that id.");
  const now = new Date();
  const result = await updateTemplate(user, id, body.data, now);
  if (!result.ok) return apiError(result.status, result.message);
  await requestRolloutTick();
  return templateResponse(id, now);
});
