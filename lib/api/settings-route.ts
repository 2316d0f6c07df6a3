// Settings of the installation kept on one row (the party slots' rollout and execution): read by
// anyone signed in, changed by PUT with some of their fields (admins; the data layer asks can()).
import "server-only";
import type { z } from "zod";
import { authenticateRequest } from "../auth/session";
import type { CurrentUser } from "../auth/permissions";
import type { Outcome } from "../data/outcome";
import { apiError, apiRoute, readBody, unauthorized } from "./respond";

export function settingsRoute<S extends z.ZodType, T>(
  read: () => Promise<T>,
  schema: S,
  save: (user: CurrentUser, input: z.infer<S>, now: Date) => Promise<Outcome<T>>,
) {
  return {
    GET: apiRoute(async function GET(request: Request) {
      if (!(await authenticateRequest(request))) return unauthorized();
      return Response.json(await read());
    }),
    PUT: apiRoute(async function PUT(request: Request) {
      const user = await authenticateRequest(request);
      if (!user) return unauthorized();
      const body = await readBody(request, schema);
      if (!body.ok) return body.response;
      const result = await save(user, body.data, new Date());
      if (!result.ok) return apiError(result.status, result.message);
      return Response.json(result.value);
    }),
  };
}
