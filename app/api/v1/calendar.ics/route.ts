import { apiError, badRequest, queryObject, unauthorized, apiRoute } from "@/lib/api/respond";
import { readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { feedEvents, feedFreezes, feedWindows, findFeed, renderCalendar } from "@/lib/data/calendar-feed";
import { env } from "@/lib/env";
import { CalendarQuerySchema } from "@/lib/validation/calendar";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/calendar.ics?environment=&team=&group=&resource=&windows=1 — with a session, a bearer
 * token, or a personal feed's `key` (calendar apps subscribe to that URL; its filters are the feed's).
 * `windows=1` adds upgrade windows.
 */
export const GET = apiRoute(async function GET(request: Request) {
  const url = new URL(request.url);
  const query = CalendarQuerySchema.safeParse(queryObject(url));
  if (!query.success) return badRequest(query.error);
  const { key, ...filters } = query.data;
  const feed = key ? await findFeed(key) : null;
  if (key && !feed) return apiError(401, "This feed address was revoked or never existed.");
  const user = feed ? null : await authenticateRequest(request);
  if (!feed && !user) return unauthorized();
  const now = new Date();
  const chosen = feed ? feed.filters : filters;
  // An owner's feed follows their teams' servers only (issue 21): the feed's owner's, or the caller's.
  const teams = feed ? feed.teams : readableTeams(user!);
  const [events, freezes, windows] = await Promise.all([feedEvents(chosen, teams, now), feedFreezes(chosen, now), feedWindows(chosen, teams, now)]);
  if (!events.ok) return apiError(events.status, events.message);
  const body = renderCalendar(events.value, env().NEXTAUTH_URL ?? url.origin, now, feed ? `PatchParty — ${feed.name}` : "PatchParty", freezes, windows);
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'attachment; filename="patchparty.ics"',
      "Cache-Control": "private, max-age=300",
    },
  });
});
