import { syncJson } from "@/lib/api/inventory";
import { apiError, apiRoute, readBody, unauthorized, type IdParams } from "@/lib/api/respond";
import { can } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { getSource, listSyncs, startSync } from "@/lib/data/inventory";
import { SyncRequestSchema } from "@/lib/validation/inventory";

export const dynamic = "force-dynamic";

const FORBIDDEN = "Only admins manage inventory sources.";

/** GET /api/v1/inventory-sources/{id}/syncs (admins): the newest 50 syncs. */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "inventory:manage" })) return apiError(403, FORBIDDEN);
  const { id } = await params;
  if (!(await getSource(id, { withText: false }))) return apiError(404, "No inventory source has that id.");
  return Response.json({ items: (await listSyncs(id, 50)).map(syncJson) });
});

/**
 * POST /api/v1/inventory-sources/{id}/syncs { apply? } (admins): reads the source now and answers
 * the preview (201); `apply: true` (or ?apply=1) applies it at once. A source that cannot be read
 * gives a sync in state `failed` with the reason.
 */
export const POST = apiRoute(async function POST(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "inventory:manage" })) return apiError(403, FORBIDDEN);
  const body = await readBody(request, SyncRequestSchema);
  if (!body.ok) return body.response;
  const flag = new URL(request.url).searchParams.get("apply");
  if (flag !== null && !["1", "true", "0", "false"].includes(flag)) return apiError(400, "apply: must be 1 or 0");
  const apply = body.data.apply || flag === "1" || flag === "true";
  const result = await startSync(user, (await params).id, { actor: { id: user.id, label: user.email }, trigger: "person", apply }, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json(syncJson(result.value), { status: 201 });
});
