import { policyInputOf, policyJson, type IdParams } from "@/lib/api/policies";
import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { deletePolicy, getPolicy, updatePolicy } from "@/lib/data/policies";
import { PolicyApiPatchSchema } from "@/lib/validation/policies";

export const dynamic = "force-dynamic";

const notFound = () => apiError(404, "No maintenance policy has that id.");
const find = async (params: IdParams["params"]) => {
  const { id } = await params;
  return id.length <= 40 ? getPolicy(id) : null;
};

/** GET /api/v1/policies/{id} */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  if (!(await authenticateRequest(request))) return unauthorized();
  const policy = await find(params);
  if (!policy) return notFound();
  return Response.json(policyJson(policy), { headers: { ETag: `"${policy.revision}"` } });
});

/** PATCH /api/v1/policies/{id} { name?, tags?, schedules?, revision? } (or If-Match): admins (policy:edit). */
export const PATCH = apiRoute(async function PATCH(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readBody(request, PolicyApiPatchSchema);
  if (!body.ok) return body.response;
  const policy = await find(params);
  if (!policy) return notFound();
  const current = policyInputOf(policy);
  const patch = body.data;
  const result = await updatePolicy(
    user,
    policy.id,
    {
      name: patch.name ?? current.name,
      tags: patch.tags ?? current.tags,
      schedules: patch.schedules ?? current.schedules,
      revision: patch.revision ?? current.revision,
    },
    new Date(),
  );
  if (!result.ok) return apiError(result.status, result.message);
  const updated = await getPolicy(policy.id);
  return Response.json(policyJson(updated!), { headers: { ETag: `"${updated!.revision}"` } });
});

/** DELETE /api/v1/policies/{id}: admins (policy:delete), only when no template links it. */
export const DELETE = apiRoute(async function DELETE(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const { id } = await params;
  if (id.length > 40) return notFound();
  const result = await deletePolicy(user, id, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return new Response(null, { status: 204 });
});
