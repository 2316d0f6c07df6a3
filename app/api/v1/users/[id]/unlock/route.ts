import { apiError, apiRoute, unauthorized, type IdParams } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { unlockUser } from "@/lib/data/user-admin";
import { UserIdSchema } from "@/lib/validation/users";

export const dynamic = "force-dynamic";

/** POST /api/v1/users/{id}/unlock: admins (user:manage) lift a sign-in lockout. */
export const POST = apiRoute(async function POST(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const id = UserIdSchema.safeParse(await params);
  if (!id.success) return apiError(404, "No person has that id.");
  const result = await unlockUser(user, id.data.id, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json({ id: id.data.id, wasLocked: result.value.wasLocked });
});
