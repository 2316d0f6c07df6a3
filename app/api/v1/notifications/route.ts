import { newestFirstCursor } from "@/lib/validation/common";
import { apiError, apiRoute, badRequest, queryObject, unauthorized } from "@/lib/api/respond";
import { can, noticeTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { listNotifications } from "@/lib/data/notifications";
import { NotificationQuerySchema } from "@/lib/validation/changes";

export const dynamic = "force-dynamic";

/** GET /api/v1/notifications?state=&cursor=: customer notices, newest first, 50 a page; owners see their teams'. */
export const GET = apiRoute(async function GET(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  if (!can(user, { action: "notice:read" }))
    return apiError(403, "Customer notices hold customers' e-mail addresses: admins, approvers and owners (their teams') read them.");
  const query = NotificationQuerySchema.safeParse(queryObject(new URL(request.url)));
  if (!query.success) return badRequest(query.error);
  const page = await listNotifications({ state: query.data.state, before: query.data.cursor, teamIds: noticeTeams(user) });
  return Response.json({
    items: page.notifications.map((n) => ({
      id: n.id,
      kind: n.kind,
      recipient: n.recipient,
      subject: n.subject,
      party: n.partyTag,
      template: n.template,
      version: n.version,
      window: n.windowStart && n.windowEnd ? { startsAt: n.windowStart.toISOString(), endsAt: n.windowEnd.toISOString() } : null,
      state: n.state,
      attempts: n.attempts,
      lastError: n.lastError,
      sentAt: n.sentAt?.toISOString() ?? null,
      createdAt: n.createdAt.toISOString(),
    })),
    next: page.next ? newestFirstCursor(page.next) : null,
  });
});
