import type { NameParams } from "@/lib/api/resource-route";
import { apiError, apiRoute, readBody, unauthorized } from "@/lib/api/respond";
import { serverUpdatesJson } from "@/lib/api/updates";
import { readableTeams } from "@/lib/auth/permissions";
import { authenticateRequest } from "@/lib/auth/session";
import { getResourceId, reportUpdatesAs, serverUpdates } from "@/lib/data/updates";
import { decodeParam } from "@/lib/validation/common";
import { BODY_LIMITS } from "@/lib/validation/limits";
import { UpdateReportSchema } from "@/lib/validation/updates";

export const dynamic = "force-dynamic";

/** GET /api/v1/resources/{name}/updates: the server's last scan and what is pending on it, security first. */
export const GET = apiRoute(async function GET(request: Request, { params }: NameParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const name = decodeParam((await params).name);
  const id = await getResourceId(name, readableTeams(user));
  if (!id) return apiError(404, `No resource is named ${name}.`);
  return Response.json(serverUpdatesJson(name, await serverUpdates(id)));
});

/**
 * PUT /api/v1/resources/{name}/updates { packageManager?, release?, rebootRequired, updates: [...] }:
 * a whole scan, reported by an automation (the webhook and manual executors) or a person; what it
 * does not list is no longer pending. Executors, admins and the server's team owners.
 */
export const PUT = apiRoute(async function PUT(request: Request, { params }: NameParams) {
  const user = await authenticateRequest(request, { machines: true });
  if (!user) return unauthorized();
  const body = await readBody(request, UpdateReportSchema, { maxBytes: BODY_LIMITS.updateReport });
  if (!body.ok) return body.response;
  const result = await reportUpdatesAs(user, decodeParam((await params).name), body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return Response.json(serverUpdatesJson(result.value.resource.name, result.value.updates));
});
