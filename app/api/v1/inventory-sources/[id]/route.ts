import { sourceJson } from "@/lib/api/inventory";
import { apiError, apiRoute, readBody, unauthorized, type IdParams } from "@/lib/api/respond";
import { can } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { deleteSource, getSource, updateSource } from "@/lib/data/inventory";
import { InventorySourceUpdateSchema } from "@/lib/validation/inventory";
import { BODY_LIMITS } from "@/lib/validation/limits";

export const dynamic = "force-dynamic";

const FORBIDDEN = "Only admins manage inventory sources.";
const notFound = () => apiError(404, "No inventory source has that id.");

/** GET /api/v1/inventory-sources/{id} (admins): settings, mapping, last sync; never the token. */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "inventory:manage" })) return apiError(403, FORBIDDEN);
  const source = await getSource((await params).id);
  if (!source) return notFound();
  return Response.json(sourceJson(source), { headers: { ETag: `"${source.revision}"` } });
});

/** PATCH /api/v1/inventory-sources/{id} (admins): any setting; `token` replaces the token, `token: null` removes it. `revision` or If-Match → 409 on a stale copy. */
export const PATCH = apiRoute(async function PATCH(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "inventory:manage" })) return apiError(403, FORBIDDEN);
  const body = await readBody(request, InventorySourceUpdateSchema, { maxBytes: BODY_LIMITS.inventorySource });
  if (!body.ok) return body.response;
  const { id } = await params;
  const result = await updateSource(user, id, body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  const updated = (await getSource(id))!;
  return Response.json(sourceJson(updated), { headers: { ETag: `"${updated.revision}"` } });
});

/** DELETE /api/v1/inventory-sources/{id} (admins): the source and its syncs; its servers stay, as typed by a person. */
export const DELETE = apiRoute(async function DELETE(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const result = await deleteSource(user, (await params).id, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return new Response(null, { status: 204 });
});
