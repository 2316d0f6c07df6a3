import { apiError, apiRoute, readBody, unauthorized, type IdParams } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { changeRole } from "@/lib/data/user-admin";
import { UserIdSchema, UserPatchSchema } from "@/lib/validation/users";

export const dynamic = "force-dynamic";

/** PATCH /api/v1/users/{id} { role }: admins (user:manage). A new role ends the person's sessions. */
export const PATCH = apiRoute(async function PATCH(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const id = UserIdSchema.safeParse(await params);
  if (!id.success) return apiError(404, "No person has that id.");
  const body = await readBody(request, UserPatchSchema);
  if (!body.ok) return body.response;
  const result = await changeRole(user, id.data.id, body.data.role, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json({ id: id.data.id, role: body.data.role.toLowerCase(), changed: result.value.changed, sessionsEnded: result.value.changed });
});
