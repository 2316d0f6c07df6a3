import { planItemJson, syncJson } from "@/lib/api/inventory";
import { apiError, apiRoute, authorizedQuery, readBody, unauthorized } from "@/lib/api/respond";
import { can } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { applySync, discardSync, getSync, listPlanItems } from "@/lib/data/inventory";
import { SyncDecisionSchema, SyncPlanQuerySchema } from "@/lib/validation/inventory";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; syncId: string }> };

const FORBIDDEN = "Only admins manage inventory sources.";
const notFound = () => apiError(404, "This source has no sync with that id.");

/** GET …/syncs/{syncId}?op=&offset=&limit= (admins): the sync with a page of its plan (100 unless `limit`, ≤ 500). */
export const GET = apiRoute(async function GET(request: Request, { params }: Params) {
  const read = await authorizedQuery(request, SyncPlanQuerySchema, authenticateRequest);
  if (!read.ok) return read.response;
  if (!can(read.user, { action: "inventory:manage" })) return apiError(403, FORBIDDEN);
  const { id, syncId } = await params;
  const sync = await getSync(id, syncId);
  if (!sync) return notFound();
  const offset = read.query.offset ?? 0;
  const limit = read.query.limit ?? 100;
  const page = await listPlanItems(syncId, read.query.op, offset, limit);
  return Response.json({
    ...syncJson(sync),
    plan: {
      items: page.items.map(planItemJson),
      total: page.total,
      offset,
      nextOffset: offset + page.items.length < page.total ? offset + page.items.length : null,
    },
  });
});

/** POST …/syncs/{syncId} { action: "apply" | "discard" } (admins): carries out the preview (409 if servers changed since) or drops it. */
export const POST = apiRoute(async function POST(request: Request, { params }: Params) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "inventory:manage" })) return apiError(403, FORBIDDEN);
  const body = await readBody(request, SyncDecisionSchema);
  if (!body.ok) return body.response;
  const { id, syncId } = await params;
  const now = new Date();
  const result =
    body.data.action === "apply" ? await applySync(user, id, syncId, { id: user.id, label: user.email }, now) : await discardSync(user, id, syncId, now);
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json(syncJson(result.value));
});
