import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { getSlotRollout, saveSlotRollout } from "@/lib/data/slot-rollout";
import { SlotRolloutSchema } from "@/lib/validation/templates";

export const dynamic = "force-dynamic";

/** GET /api/v1/party-rule/rollouts: how party slots roll out. */
export const GET = apiRoute(async function GET(request: Request) {
  if (!(await authenticateRequest(request))) return unauthorized();
  return Response.json(await getSlotRollout());
});

/** PUT /api/v1/party-rule/rollouts { concurrency?, concurrencyPercent?, canaryPercent?, maxFailures?, maxFailurePercent? } (admins). */
export const PUT = apiRoute(async function PUT(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readBody(request, SlotRolloutSchema);
  if (!body.ok) return body.response;
  const result = await saveSlotRollout(user, body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json(result.value);
});
