import { policyJson } from "@/lib/api/policies";
import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { createPolicy, getPolicy, listPolicyRecords } from "@/lib/data/policies";
import { PolicyApiSchema } from "@/lib/validation/policies";

export const dynamic = "force-dynamic";

/** GET /api/v1/policies: every maintenance policy with its schedules. */
export const GET = apiRoute(async function GET(request: Request) {
  if (!(await authenticateRequest(request))) return unauthorized();
  return Response.json((await listPolicyRecords()).map(policyJson));
});

/** POST /api/v1/policies { name, tags, schedules }: admins (policy:create). */
export const POST = apiRoute(async function POST(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readBody(request, PolicyApiSchema);
  if (!body.ok) return body.response;
  const result = await createPolicy(user, body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  const policy = await getPolicy(result.value.id);
  return Response.json(policyJson(policy!), { status: 201, headers: { Location: `/api/v1/policies/${result.value.id}`, ETag: `"${policy!.revision}"` } });
});
