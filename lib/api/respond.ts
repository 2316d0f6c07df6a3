// Uniform JSON answers for /api/v1: { error } with a status chosen on purpose.
import type { z } from "zod";
import { firstIssue } from "../validation/common";

export function apiError(status: 400 | 401 | 403 | 404 | 409 | 422 | 500 | 503, error: string) {
  return Response.json({ error }, { status, headers: status === 401 ? { "WWW-Authenticate": 'Bearer realm="PatchParty"' } : undefined });
}

export const unauthorized = () => apiError(401, "Sign in or send an API token (Authorization: Bearer …).");

export function badRequest(error: z.ZodError) {
  return apiError(400, firstIssue(error));
}

/** Query parameters as a plain object; a repeated parameter stays an array so schemas refuse it. */
export function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    out[key] = values.length === 1 ? (values[0] ?? "") : values;
  }
  return out;
}
