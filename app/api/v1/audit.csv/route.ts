import { csvResponse } from "@/lib/api/csv";
import { apiError, badRequest, queryObject, unauthorized, apiRoute } from "@/lib/api/respond";
import { can } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { exportAuditCsv } from "@/lib/data/audit-log";
import { AuditExportQuerySchema } from "@/lib/validation/audit";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/audit.csv?actor=&resource=&action=&from=&to= (approvers and admins, as the Audit page):
 * every event the filters match, newest first, streamed.
 */
export const GET = apiRoute(async function GET(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "audit:read" })) return apiError(403, "Only approvers and admins can read the audit log.");
  const query = AuditExportQuerySchema.safeParse(queryObject(new URL(request.url)));
  if (!query.success) return badRequest(query.error);
  return csvResponse(exportAuditCsv(query.data), "audit");
});
