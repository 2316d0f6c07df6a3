import { templateResponse } from "@/lib/api/template-route";
import { templateSummaryJson } from "@/lib/api/templates";
import { apiError, readBody, unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { templateChanges } from "@/lib/data/change-requests";
import { createTemplate, listTemplates } from "@/lib/data/templates";
import { TemplateCreateSchema } from "@/lib/validation/templates";

export const dynamic = "force-dynamic";

/** GET /api/v1/templates: every fleet template with its state and member counts. */
export const GET = apiRoute(async function GET(request: Request) {
  if (!(await authenticateRequest(request))) return unauthorized();
  const templates = await listTemplates();
  const changes = await templateChanges(templates.map((t) => t.id));
  return Response.json(templates.map((t) => templateSummaryJson(t, changes.get(t.id) ?? null)));
});

/** POST /api/v1/templates { name, policyId, targetVersion, concurrency?, members: [names] }: admins. */
export const POST = apiRoute(async function POST(request: Request) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readBody(request, TemplateCreateSchema.strict());
  if (!body.ok) return body.response;
  const now = new Date();
  const result = await createTemplate(user, body.data, now);
  if (!result.ok) return apiError(result.status, result.message);
  return templateResponse(result.value.id, now, 201);
});
