import { readableTeams } from "@/lib/auth/permissions";
import { authorizedQuery, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { findConflicts } from "@/lib/data/conflicts";
import { ConflictsQuerySchema } from "@/lib/validation/conflicts";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/conflicts?from=YYYY-MM-DD&to=YYYY-MM-DD (UTC days, both included; a year from today
 * without them): what stands in the way of the parties still to come. `template-window`: a slot
 * patches servers of a template while one of its upgrade windows is open (members, or nodes of
 * member clusters); `freeze`: a slot lies inside a freeze. Each with a suggested fix.
 */
export const GET = apiRoute(async function GET(request: Request) {
  const query = await authorizedQuery(request, ConflictsQuerySchema, authenticateRequest);
  if (!query.ok) return query.response;
  const { windows, freezes } = await findConflicts(query.query.from, query.query.to, new Date(), readableTeams(query.user));
  return Response.json({
    items: [
      ...windows.map((c) => ({
        kind: c.kind,
        party: c.party,
        group: c.group,
        slot: { startsAt: c.slot.startsAt.toISOString(), endsAt: c.slot.endsAt.toISOString() },
        template: c.template,
        window: { schedule: c.window.schedule, startsAt: c.window.startsAt.toISOString(), endsAt: c.window.endsAt.toISOString() },
        servers: { count: c.servers, names: c.names },
        fix: c.fix,
      })),
      ...freezes.map((c) => ({
        kind: c.kind,
        party: c.party,
        freeze: { id: c.freeze.id, name: c.freeze.name, startsAt: c.freeze.startsAt.toISOString(), endsAt: c.freeze.endsAt.toISOString() },
        fix: c.fix,
      })),
    ],
  });
});
