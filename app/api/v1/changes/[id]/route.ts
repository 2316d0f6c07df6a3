import { changeResponse, type IdParams } from "@/lib/api/changes";
import { unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** GET /api/v1/changes/{id} */
export const GET = apiRoute(async function GET(request: Request, { params }: IdParams) {
  if (!(await authenticateRequest(request))) return unauthorized();
  return changeResponse((await params).id);
});
