import type { IdParams } from "@/lib/api/policies";
import { apiError, authorizedQuery, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { getPolicy, storedSchedules } from "@/lib/data/policies";
import { windowsBetween } from "@/lib/domain";
import { WindowsQuerySchema } from "@/lib/validation/policies";

export const dynamic = "force-dynamic";

const MAX_WINDOWS = 10_000;

/** GET /api/v1/policies/{id}/windows?from=&to=: every window overlapping the range, in UTC. */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  const query = await authorizedQuery(request, WindowsQuerySchema, authenticateRequest);
  if (!query.ok) return query.response;
  const { id } = await params;
  const policy = id.length <= 40 ? await getPolicy(id) : null;
  if (!policy) return apiError(404, "No maintenance policy has that id.");
  const windows = windowsBetween(storedSchedules(policy), query.query.from, query.query.to, MAX_WINDOWS + 1);
  if (windows.length > MAX_WINDOWS) return apiError(400, `More than ${MAX_WINDOWS.toLocaleString("en")} windows in that range: ask for a shorter one.`);
  return Response.json(windows.map((w) => ({ schedule: w.scheduleName, startsAt: w.start.toISOString(), endsAt: w.end.toISOString() })));
});
