import { apiRoute } from "@/lib/api/respond";
import { transitionRoute, type IdParams } from "@/lib/api/changes";

export const dynamic = "force-dynamic";

/** POST /api/v1/changes/{id}/submit */
export const POST = apiRoute(function POST(request: Request, context: IdParams) {
  return transitionRoute(request, context, "submit");
});
