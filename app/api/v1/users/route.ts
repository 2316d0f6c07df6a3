import { userJson } from "@/lib/api/users";
import { apiError, apiRoute, badRequest, queryObject, unauthorized } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { listUsers } from "@/lib/data/user-admin";
import { UserListQuerySchema } from "@/lib/validation/users";

export const dynamic = "force-dynamic";

/** GET /api/v1/users?q=&after=: admins (user:manage); 100 a page by e-mail, `next` continues. */
export const GET = apiRoute(async function GET(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const query = UserListQuerySchema.safeParse(queryObject(new URL(request.url)));
  if (!query.success) return badRequest(query.error);
  const result = await listUsers(user, query.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json({ users: result.value.users.map(userJson), next: result.value.next });
});
