import { z } from "zod";
import { freezeInputOf, freezeJson } from "@/lib/api/freezes";
import { apiError, badRequest, readBody, unauthorized, apiRoute, type IdParams } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { deleteFreeze, getFreeze, updateFreeze } from "@/lib/data/freezes";
import { FreezeSchema } from "@/lib/validation/freezes";

export const dynamic = "force-dynamic";

const notFound = () => apiError(404, "No freeze has that id.");
const find = async (params: IdParams["params"]) => getFreeze((await params).id);

/** GET /api/v1/freezes/{id} */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  if (!(await authenticateRequest(request))) return unauthorized();
  const freeze = await find(params);
  if (!freeze) return notFound();
  return Response.json(freezeJson(freeze), { headers: { ETag: `"${freeze.revision}"` } });
});

/** PATCH /api/v1/freezes/{id}: any of POST's fields, and `revision` (or If-Match) → 409 on a stale copy (admins). */
export const PATCH = apiRoute(async function PATCH(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "freeze:manage" })) return apiError(403, "Only admins can define freeze periods.");
  const body = await readBody(request, z.record(z.string(), z.unknown()));
  if (!body.ok) return body.response;
  const freeze = await find(params);
  if (!freeze) return notFound();
  const parsed = FreezeSchema.safeParse({ ...freezeInputOf(freeze), ...body.data });
  if (!parsed.success) return badRequest(parsed.error);
  const result = await updateFreeze(user, freeze.id, parsed.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  const updated = (await getFreeze(freeze.id))!;
  return Response.json(freezeJson(updated), { headers: { ETag: `"${updated.revision}"` } });
});

/** DELETE /api/v1/freezes/{id} (admins) */
export const DELETE = apiRoute(async function DELETE(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const { id } = await params;
  if (id.length > 40) return notFound();
  const result = await deleteFreeze(user, id, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return new Response(null, { status: 204 });
});
