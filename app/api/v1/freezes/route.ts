import { freezeJson } from "@/lib/api/freezes";
import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { createFreeze, getFreeze, listFreezes } from "@/lib/data/freezes";
import { FreezeSchema } from "@/lib/validation/freezes";

export const dynamic = "force-dynamic";

/** GET /api/v1/freezes: every freeze period, those still to end first (time order), then past ones. */
export const GET = apiRoute(async function GET(request: Request) {
  if (!(await authenticateRequest(request))) return unauthorized();
  return Response.json({ items: (await listFreezes(new Date())).map(freezeJson) });
});

/**
 * POST /api/v1/freezes { name, startsAt, endsAt, reason, scope: "all"|"production"|"non-production",
 * teams?: [slug] } (admins; ISO-8601 instants): nothing starts inside it for the servers it holds.
 */
export const POST = apiRoute(async function POST(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readBody(request, FreezeSchema);
  if (!body.ok) return body.response;
  const result = await createFreeze(user, body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  const created = (await getFreeze(result.value.id))!;
  return Response.json(freezeJson(created), { status: 201, headers: { ETag: `"${created.revision}"` } });
});
