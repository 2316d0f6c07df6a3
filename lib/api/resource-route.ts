// Shared by the /api/v1/resources/{name} handlers: who is calling, the body, the revision, and
// the answer after a change (the resource as GET shows it).
import "server-only";
import { decodeParam } from "../validation/common";
import type { z } from "zod";
import { readableTeams, type CurrentUser } from "../auth/permissions";
import { authenticateRequest } from "../auth/session";
import type { Outcome } from "../data/outcome";
import { getPatchStatus, getResource, type ResourceRecord } from "../data/resource-detail";
import { apiError, readBody, unauthorized } from "./respond";
import { resourceJson } from "./resources";

export type NameParams = { params: Promise<{ name: string }> };

export async function resourceResponse(user: CurrentUser, name: string, now: Date) {
  const resource = await getResource(name, readableTeams(user));
  if (!resource) return apiError(404, `No resource is named ${name}.`);
  return answer(resource, now);
}

/** The resource as GET shows it, with its revision as the ETag. */
async function answer(resource: ResourceRecord, now: Date) {
  const status = await getPatchStatus(resource, now);
  return Response.json(resourceJson(resource, status), { headers: { ETag: `"${resource.revision}"` } });
}

/** Authenticates, parses the JSON body with `schema` (If-Match fills `revision`), runs `change`, answers the resource. */
export async function handleChange<S extends z.ZodType>(
  request: Request,
  { params }: NameParams,
  schema: S,
  change: (user: CurrentUser, name: string, input: z.infer<S>, now: Date) => Promise<Outcome<ResourceRecord>>,
) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const name = decodeParam((await params).name);
  const body = await readBody(request, schema);
  if (!body.ok) return body.response;
  const now = new Date();
  const result = await change(user, name, body.data, now);
  if (!result.ok) return apiError(result.status, result.message);
  return answer(result.value, now); // the change answers with the resource as it wrote it
}
