import { openApiDocument } from "@/lib/api/openapi/document";
import { apiRoute, unauthorized } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** GET /api/v1/openapi.json: the API's OpenAPI 3.1 document, generated from the routes' zod schemas (anyone signed in, executors too). */
export const GET = apiRoute(async function GET(request: Request) {
  if (!(await authenticateRequest(request, { machines: true }))) return unauthorized();
  return Response.json(openApiDocument(), { headers: { "Cache-Control": "private, max-age=300" } });
});
