import { decodeParam } from "@/lib/validation/common";
import { handleChange, resourceResponse, type NameParams } from "@/lib/api/resource-route";
import { unauthorized, apiRoute } from "@/lib/api/respond";
import { authenticateRequest } from "@/lib/auth/session";
import { updateResource } from "@/lib/data/resource-changes";
import { ResourcePatchSchema } from "@/lib/validation/resources";

export const dynamic = "force-dynamic";

/** GET /api/v1/resources/{name}: the resource with its patch status. */
export const GET = apiRoute(async function GET(request: Request, { params }: NameParams) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  return resourceResponse(user, decodeParam((await params).name), new Date());
});

/**
 * PATCH /api/v1/resources/{name} { group?, address?, sshPort?, sshUser?, revision?, overrideReason? }:
 * moves it to another group and/or changes how executors reach it (null or "" clears a field).
 */
export const PATCH = apiRoute(function PATCH(request: Request, context: NameParams) {
  return handleChange(request, context, ResourcePatchSchema, updateResource); // strict: an unknown field is a 400
});
