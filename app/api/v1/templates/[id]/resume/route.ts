import { templateResponse, type IdParams } from "@/lib/api/template-route";
import { apiError, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { resumeTemplateRun } from "@/lib/data/runs";
import { requestRolloutTick } from "@/lib/jobs/enqueue";

export const dynamic = "force-dynamic";

/** POST /api/v1/templates/{id}/resume: an admin resumes a rollout halted by its failure threshold. */
export const POST = apiRoute(async function POST(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const { id } = await params;
  if (id.length > 40) return apiError(404, "No template has that id.");
  const result = await resumeTemplateRun(user, id, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  await requestRolloutTick();
  return templateResponse(id, new Date());
});
