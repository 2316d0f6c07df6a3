import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { getSlotExecution, saveSlotExecution } from "@/lib/data/slot-rollout";
import { ExecutionSettingsSchema } from "@/lib/validation/templates";

export const dynamic = "force-dynamic";

/** GET /api/v1/party-rule/execution: how party slots are executed (executor null = the installation's default). */
export const GET = apiRoute(async function GET(request: Request) {
  if (!(await authenticateRequest(request))) return unauthorized();
  return Response.json(await getSlotExecution());
});

/** PUT /api/v1/party-rule/execution { executor?, preHook?, postHook?, cutoffMinutes?, memberTimeoutMinutes? } (admins). */
export const PUT = apiRoute(async function PUT(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readBody(request, ExecutionSettingsSchema);
  if (!body.ok) return body.response;
  const result = await saveSlotExecution(user, body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json(result.value);
});
