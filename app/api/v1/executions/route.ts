import { executionSummaryJson, mayReadExecution } from "@/lib/api/executions";
import { apiError, badRequest, queryObject, unauthorized, apiRoute } from "@/lib/api/respond";
import { readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { listExecutions } from "@/lib/data/executions";
import { ExecutionListQuerySchema } from "@/lib/validation/executions";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/executions?party=<tag>&kind=<qa|production>[&group=] or ?template=<id>, with
 * &state=&limit=&cursor=: keyset pages by key, items without their output.
 */
export const GET = apiRoute(async function GET(request: Request) {
  const user = await authenticateRequest(request, { machines: true });
  if (!user) return unauthorized();
  const query = ExecutionListQuerySchema.safeParse(queryObject(new URL(request.url)));
  if (!query.success) return badRequest(query.error);
  if (!mayReadExecution(user, null)) return apiError(403, "You may not read executions.");
  const { party, kind, group, template, state, limit, cursor } = query.data;
  const page = await listExecutions(
    party !== undefined ? { party, kind: kind!, group, state, limit, after: cursor } : { template: template!, state, limit, after: cursor },
    readableTeams(user),
  );
  if (!page.ok) return apiError(page.status, page.message);
  return Response.json({ items: page.value.items.map(executionSummaryJson), nextCursor: page.value.next });
});
