import { sourceJson, sourceSummaryJson } from "@/lib/api/inventory";
import { apiError, apiRoute, readBody, unauthorized } from "@/lib/api/respond";
import { can } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { createSource, getSource, listSources } from "@/lib/data/inventory";
import { InventorySourceCreateSchema } from "@/lib/validation/inventory";
import { BODY_LIMITS } from "@/lib/validation/limits";

export const dynamic = "force-dynamic";

const FORBIDDEN = "Only admins manage inventory sources.";

/** GET /api/v1/inventory-sources (admins): every source with its last sync; never a token. */
export const GET = apiRoute(async function GET(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "inventory:manage" })) return apiError(403, FORBIDDEN);
  return Response.json({ items: (await listSources()).map(sourceSummaryJson) });
});

/** POST /api/v1/inventory-sources { name, kind, config, mapping, token?, intervalMinutes?, autoApply? } (admins) → 201. */
export const POST = apiRoute(async function POST(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "inventory:manage" })) return apiError(403, FORBIDDEN);
  const body = await readBody(request, InventorySourceCreateSchema, { maxBytes: BODY_LIMITS.inventorySource });
  if (!body.ok) return body.response;
  const result = await createSource(user, body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  const created = (await getSource(result.value.id))!;
  return Response.json(sourceJson(created), { status: 201, headers: { ETag: `"${created.revision}"` } });
});
