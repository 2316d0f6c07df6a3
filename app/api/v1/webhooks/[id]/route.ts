import { webhookJson } from "@/lib/api/webhooks";
import { apiError, readBody, unauthorized, apiRoute, type IdParams } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/data/webhooks";
import { WebhookUpdateSchema } from "@/lib/validation/webhooks";

export const dynamic = "force-dynamic";

const FORBIDDEN = "Only admins manage webhooks.";
const notFound = () => apiError(404, "No webhook has that id.");

/** GET /api/v1/webhooks/{id} (admins) */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "webhook:manage" })) return apiError(403, FORBIDDEN);
  const webhook = await getWebhook((await params).id);
  if (!webhook) return notFound();
  return Response.json(webhookJson(webhook), { headers: { ETag: `"${webhook.revision}"` } });
});

/**
 * PATCH /api/v1/webhooks/{id} { url?, events?, description?, paused? } (admins): `paused: false`
 * resumes a paused endpoint and sends what waited. `revision` (or If-Match) → 409 on a stale copy.
 */
export const PATCH = apiRoute(async function PATCH(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "webhook:manage" })) return apiError(403, FORBIDDEN);
  const body = await readBody(request, WebhookUpdateSchema);
  if (!body.ok) return body.response;
  const ifMatch = /^"?(\d{1,10})"?$/.exec(request.headers.get("if-match")?.trim() ?? "");
  const revision = body.data.revision ?? (ifMatch ? Number(ifMatch[1]) : undefined);
  const { id } = await params;
  const result = await updateWebhook(user, id, { ...body.data, revision }, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  const updated = (await getWebhook(id))!;
  return Response.json(webhookJson(updated), { headers: { ETag: `"${updated.revision}"` } });
});

/** DELETE /api/v1/webhooks/{id} (admins): the endpoint and its deliveries. */
export const DELETE = apiRoute(async function DELETE(request: Request, { params }: IdParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const result = await deleteWebhook(user, (await params).id, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return new Response(null, { status: 204 });
});
