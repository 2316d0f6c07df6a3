import { webhookJson } from "@/lib/api/webhooks";
import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { createWebhook, getWebhook, listWebhooks } from "@/lib/data/webhooks";
import { WebhookCreateSchema } from "@/lib/validation/webhooks";

export const dynamic = "force-dynamic";

const FORBIDDEN = "Only admins manage webhooks.";

/** GET /api/v1/webhooks (admins): every endpoint, never a secret. */
export const GET = apiRoute(async function GET(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "webhook:manage" })) return apiError(403, FORBIDDEN);
  return Response.json({ items: (await listWebhooks()).map(webhookJson) });
});

/**
 * POST /api/v1/webhooks { url, kind: "standard"|"slack"|"teams", events: [name] | ["*"], description? }
 * (admins) → 201 with the endpoint and, for a standard one, its `secret` (whsec_…): shown this once.
 */
export const POST = apiRoute(async function POST(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "webhook:manage" })) return apiError(403, FORBIDDEN);
  const body = await readBody(request, WebhookCreateSchema);
  if (!body.ok) return body.response;
  const result = await createWebhook(user, body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  const created = (await getWebhook(result.value.id))!;
  return Response.json(
    { ...webhookJson(created), ...(result.value.secret ? { secret: result.value.secret } : {}) },
    { status: 201, headers: { ETag: `"${created.revision}"`, "Cache-Control": "no-store" } },
  );
});
