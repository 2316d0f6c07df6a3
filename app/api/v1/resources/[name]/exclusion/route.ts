import { apiRoute } from "@/lib/api/respond";
import { handleChange, type NameParams } from "@/lib/api/resource-route";
import { excludeResource, setResourceGroup } from "@/lib/data/resource-changes";
import { ExcludeSchema, GroupChangeSchema } from "@/lib/validation/resources";

export const dynamic = "force-dynamic";

/** PUT /api/v1/resources/{name}/exclusion { reason, until?, revision? }: excludes it from the Patch Party. */
export const PUT = apiRoute(function PUT(request: Request, context: NameParams) {
  return handleChange(request, context, ExcludeSchema.strict(), excludeResource);
});

/** DELETE /api/v1/resources/{name}/exclusion { group, revision?, overrideReason? }: includes it into `group`. */
export const DELETE = apiRoute(function DELETE(request: Request, context: NameParams) {
  return handleChange(request, context, GroupChangeSchema.strict(), (user, name, input, now) => setResourceGroup(user, name, input, now, "include"));
});
