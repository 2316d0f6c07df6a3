import { readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { buildPlan } from "@/lib/domain";
import { PlanRequestSchema } from "@/lib/validation/plans";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/plans { components: [{ name, downtimeMinutes }] in order, servers: [{ name, component,
 * serverType, cluster?, role? }] } → the ordered plan: stages, parallel lanes, steps, total minutes.
 */
export const POST = apiRoute(async function POST(request: Request) {
  if (!(await authenticateRequest(request))) return unauthorized();
  const body = await readBody(request, PlanRequestSchema);
  if (!body.ok) return body.response;
  return Response.json(buildPlan(body.data.servers, body.data.components));
});
