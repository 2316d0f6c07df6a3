// Shared by the /api/v1/templates/{id} handlers.
import "server-only";
import { templateChanges } from "../data/change-requests";
import { templateFreezes } from "../data/freezes";
import { getTemplate } from "../data/templates";
import { templateJson } from "./templates";
import { authenticateRequest } from "../auth/session";
import type { CurrentUser } from "../auth/permissions";
import type { Outcome } from "../data/outcome";
import { requestRolloutTick } from "../jobs/enqueue";
import { apiError, apiRoute, unauthorized, type IdParams } from "./respond";
export type { IdParams };

export async function templateResponse(id: string, now: Date, status = 200) {
  const template = id.length <= 40 ? await getTemplate(id, now) : null;
  if (!template) return apiError(404, "No template has that id.");
  const [changes, conflicts] = await Promise.all([templateChanges([template.id]), templateFreezes(template.id, template.upgradeWindow)]);
  return Response.json(templateJson(template, changes.get(template.id) ?? null, conflicts), {
    status,
    headers: { ETag: `"${template.revision}"`, ...(status === 201 ? { Location: `/api/v1/templates/${id}` } : {}) },
  });
}

/**
 * POST /api/v1/templates/{id}/<action>: an admin's action on a template's rollout (upgrade now,
 * resume), then a rollout tick at once; answers with the template as it is then.
 */
export function templateActionRoute(act: (user: CurrentUser, id: string, now: Date) => Promise<Outcome<unknown>>, status = 200) {
  return apiRoute(async function POST(request: Request, { params }: IdParams) {
    const user = await authenticateRequest(request);
    if (!user) return unauthorized();
    const { id } = await params;
    if (id.length > 40) return apiError(404, "No template has that id.");
    const now = new Date();
    const result = await act(user, id, now);
    if (!result.ok) return apiError(result.status, result.message);
    await requestRolloutTick();
    return templateResponse(id, new Date(), status);
  });
}
