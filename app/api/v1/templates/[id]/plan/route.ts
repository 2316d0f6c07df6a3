import { apiError, readBody, unauthorized, type IdParams, apiRoute } from "@/lib/api/respond";
import { templatePlanJson } from "@/lib/api/plans";
import { readableTeams, type TeamScope } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { getTemplatePlan, saveTemplatePlan } from "@/lib/data/upgrade-plans";
import { TemplatePlanSchema } from "@/lib/validation/plans";

export const dynamic = "force-dynamic";

/** The plan as `teams` see it: their servers named, the others counted (issue 21). */
async function planResponse(id: string, now: Date, teams: TeamScope) {
  const plan = id.length <= 40 ? await getTemplatePlan(id, now, teams) : null;
  return plan ? Response.json(templatePlanJson(plan)) : apiError(404, "No template has that id.");
}

/** GET /api/v1/templates/{id}/plan: the components in order, the plan's stages, lanes and steps, total minutes against the window. */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  return planResponse((await params).id, new Date(), readableTeams(user));
});

/** PUT /api/v1/templates/{id}/plan { components: [{ name, downtimeMinutes }] | null, revision? } (or If-Match): admins. */
export const PUT = apiRoute(async function PUT(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readBody(request, TemplatePlanSchema);
  if (!body.ok) return body.response;
  const { id } = await params;
  if (id.length > 40) return apiError(404, "No template has that id.");
  const now = new Date();
  const result = await saveTemplatePlan(user, id, body.data.components, body.data.revision, now);
  if (!result.ok) return apiError(result.status, result.message);
  return planResponse(id, now, readableTeams(user));
});
