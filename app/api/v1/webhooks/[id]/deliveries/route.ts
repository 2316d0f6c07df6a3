import { deliveryJson } from "@/lib/api/webhooks";
import { apiError, authorizedQuery, apiRoute, type IdParams } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { getWebhook, listDeliveries } from "@/lib/data/webhooks";
import { newestFirstCursor } from "@/lib/validation/common";
import { WebhookDeliveriesQuerySchema } from "@/lib/validation/webhooks";

export const dynamic = "force-dynamic";

/** GET /api/v1/webhooks/{id}/deliveries?cursor= (admins): newest first, 50 a page, each with its last answer. */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  let allowed = false;
  const query = await authorizedQuery(request, WebhookDeliveriesQuerySchema, async (r) => {
    const user = await authenticateRequest(r);
    allowed = user !== null && can(user, { action: "webhook:manage" });
    return user;
  });
  if (!query.ok) return query.response;
  if (!allowed) return apiError(403, "Only admins manage webhooks.");
  const webhook = await getWebhook((await params).id);
  if (!webhook) return apiError(404, "No webhook has that id.");
  const page = await listDeliveries(webhook.id, { before: query.query.cursor });
  return Response.json({ items: page.deliveries.map(deliveryJson), next: page.next ? newestFirstCursor(page.next) : null });
});
