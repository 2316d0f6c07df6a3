import { deliveryJson } from "@/lib/api/webhooks";
import { apiError, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { resendDelivery } from "@/lib/data/webhooks";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string; deliveryId: string }> };

/** POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/resend (admins): sent again from its first try → 202 with the delivery. */
export const POST = apiRoute(async function POST(request: Request, { params }: Params) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const { id, deliveryId } = await params;
  const result = await resendDelivery(user, id, deliveryId, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json(deliveryJson(result.value), { status: 202 });
});
