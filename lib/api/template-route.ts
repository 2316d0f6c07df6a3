// Shared by the /api/v1/templates/{id} handlers.
import "server-only";
import { templateChanges } from "../data/change-requests";
import { getTemplate } from "../data/templates";
import { templateJson } from "./templates";
import { apiError } from "./respond";

import type { IdParams } from "./respond";
export type { IdParams };

export async function templateResponse(id: string, now: Date, status = 200) {
  const template = id.length <= 40 ? await getTemplate(id, now) : null;
  if (!template) return apiError(404, "No template has that id.");
  const changes = await templateChanges([template.id]);
  return Response.json(templateJson(template, changes.get(template.id) ?? null), {
    status,
    headers: { ETag: `"${template.revision}"`, ...(status === 201 ? { Location: `/api/v1/templates/${id}` } : {}) },
  });
}
