import { mappingPreviewJson } from "@/lib/api/inventory";
import { apiError, apiRoute, readBody, unauthorized, type IdParams } from "@/lib/api/respond";
import { can } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { previewMapping } from "@/lib/data/inventory";
import { MappingPreviewRequestSchema } from "@/lib/validation/inventory";
import { BODY_LIMITS } from "@/lib/validation/limits";

export const dynamic = "force-dynamic";

const FORBIDDEN = "Only admins manage inventory sources.";

/**
 * POST /api/v1/inventory-sources/{id}/mapping-preview { mapping } (admins): the source read now
 * through `mapping` (not saved: the page's "Preview mapping"): the first 20 hosts mapped and the
 * hosts that could not be. Writes nothing.
 */
export const POST = apiRoute(async function POST(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "inventory:manage" })) return apiError(403, FORBIDDEN);
  const body = await readBody(request, MappingPreviewRequestSchema, { maxBytes: BODY_LIMITS.inventorySource });
  if (!body.ok) return body.response;
  const result = await previewMapping(user, (await params).id, body.data.mapping);
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json(mappingPreviewJson(result.value));
});
