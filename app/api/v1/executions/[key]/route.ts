import { executionJson, mayReadExecution, type KeyParams } from "@/lib/api/executions";
import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { getExecution, reportExecutionAs } from "@/lib/data/executions";
import { decodeParam } from "@/lib/validation/common";
import { ExecutionReportSchema } from "@/lib/validation/executions";
import { BODY_LIMITS } from "@/lib/validation/limits";

export const dynamic = "force-dynamic";

/** GET /api/v1/executions/{key}: one member's upgrade, output included. */
export const GET = apiRoute(async function GET(request: Request, { params }: KeyParams) {
  const user = await authenticateRequest(request, { machines: true });
  if (!user) return unauthorized();
  const key = decodeParam((await params).key);
  const execution = await getExecution(key, readableTeams(user));
  if (!execution) return apiError(404, `No execution has the key "${key}".`);
  if (!mayReadExecution(user, execution.resource?.teamId ?? null)) return apiError(403, "You may not read this execution.");
  return Response.json(executionJson(execution));
});

/**
 * POST /api/v1/executions/{key} { state: running|succeeded|failed, message?, output?, packages?,
 * rebootRequired?, rebooted?, healthCheck?, exitStatus? }: an executor's (a webhook's automation),
 * an admin's or the resource's owner's report. 409 once the execution has finished.
 */
export const POST = apiRoute(async function POST(request: Request, { params }: KeyParams) {
  const user = await authenticateRequest(request, { machines: true });
  if (!user) return unauthorized();
  const body = await readBody(request, ExecutionReportSchema, { maxBytes: BODY_LIMITS.executionReport });
  if (!body.ok) return body.response;
  const result = await reportExecutionAs(user, decodeParam((await params).key), body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json(executionJson(result.value));
});
