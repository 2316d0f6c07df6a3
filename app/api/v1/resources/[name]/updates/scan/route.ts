import type { NameParams } from "@/lib/api/resource-route";
import { apiError, apiRoute, unauthorized } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { requestScan } from "@/lib/data/update-scans";
import { decodeParam } from "@/lib/validation/common";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/resources/{name}/updates/scan (admins, the server's team owners): queues a scan of
 * its pending updates through the executor that patches party slots; 202 `{ queued, executor }`.
 */
export const POST = apiRoute(async function POST(request: Request, { params }: NameParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const result = await requestScan(user, decodeParam((await params).name));
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json(result.value, { status: 202 });
});
