import { newestFirstCursor } from "@/lib/validation/common";
import { authorizedQuery, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { listNotifications } from "@/lib/data/notifications";
import { NotificationQuerySchema } from "@/lib/validation/changes";

export const dynamic = "force-dynamic";

/** GET /api/v1/notifications?state=&cursor=: customer notices, newest first, 50 a page. */
export const GET = apiRoute(async function GET(request: Request) {
  const query = await authorizedQuery(request, NotificationQuerySchema, authenticateRequest);
  if (!query.ok) return query.response;
  const page = await listNotifications({ state: query.query.state, before: query.query.cursor });
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
