import { apiError, apiRoute, unauthorized, type IdParams } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { signOutEverywhere } from "@/lib/data/user-admin";
import { UserIdSchema } from "@/lib/validation/users";

export const dynamic = "force-dynamic";

/** POST /api/v1/users/{id}/sign-out: admins (user:manage) end every session of the person. */
export const POST = apiRoute(async function POST(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const id = UserIdSchema.safeParse(await params);
  if (!id.success) return apiError(404, "No person has that id.");
  const result = await signOutEverywhere(user, id.data.id, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json({ id: id.data.id, sessionsEnded: true });
});
