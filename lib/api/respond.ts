// Uniform JSON answers for /api/v1: { error } with a status chosen on purpose.
import type { z } from "zod";
import { firstIssue } from "../validation/common";

/** Messages may quote what was sent; a huge value is cut, not echoed back whole. */
const MESSAGE_MAX = 300;

export function apiError(status: 400 | 401 | 403 | 404 | 409 | 422 | 500 | 503, message: string) {
  const error = message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX - 1)}…` : message;
  return Response.json({ error }, { status, headers: status === 401 ? { "WWW-Authenticate": 'Bearer realm="PatchParty"' } : undefined });
}

export const unauthorized = () => apiError(401, "Sign in or send an API token (Authorization: Bearer …).");

export function badRequest(error: z.ZodError) {
  return apiError(400, firstIssue(error));
}

/** The params of a route under `[id]`. */
export type IdParams = { params: Promise<{ id: string }> };

/** Query parameters as a plain object; a repeated parameter stays an array so schemas refuse it. */
export function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    out[key] = values.length === 1 ? (values[0] ?? "") : values;
  }
  return out;
}

const MAX_BODY = 64 * 1024;

/** The request's JSON body, or a 400 answer saying what is wrong with it. */
export async function readJson(request: Request): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  const text = await request.text();
  if (text.length > MAX_BODY) return { ok: false, response: apiError(400, `body: must be at most ${MAX_BODY} bytes`) };
  if (text.trim() === "") return { ok: true, body: {} };
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, response: apiError(400, "body: must be JSON") };
  }
}

/** `If-Match: "7"` (or 7) as a revision; undefined when absent. */
export function ifMatchRevision(request: Request): number | undefined | "invalid" {
  const header = request.headers.get("if-match");
  if (header === null) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,10})"?\s*$/.exec(header);
  return match ? Number(match[1]) : "invalid";
}

/** The caller and the parsed query string of a GET, or the 401/400 answer to send instead. */
export async function authorizedQuery<S extends z.ZodType>(
  request: Request,
  schema: S,
  authenticate: (request: Request) => Promise<unknown>,
): Promise<{ ok: true; query: z.infer<S> } | { ok: false; response: Response }> {
  if (!(await authenticate(request))) return { ok: false, response: unauthorized() };
  const query = schema.safeParse(queryObject(new URL(request.url)));
  return query.success ? { ok: true, query: query.data } : { ok: false, response: badRequest(query.error) };
}

/**
 * The request's JSON object body parsed with `schema`; an `If-Match` revision fills `revision`.
 * Or the 400 answer saying what is wrong with it.
 */
export async function readBody<S extends z.ZodType>(request: Request, schema: S): Promise<{ ok: true; data: z.infer<S> } | { ok: false; response: Response }> {
  const body = await readJson(request);
  if (!body.ok) return body;
  const ifMatch = ifMatchRevision(request);
  if (ifMatch === "invalid") return { ok: false, response: apiError(400, 'If-Match: must be a revision such as "3"') };
  const raw = typeof body.body === "object" && body.body !== null && !Array.isArray(body.body) ? body.body : null;
  if (!raw) return { ok: false, response: apiError(400, "body: must be a JSON object") };
  const parsed = schema.safeParse(ifMatch !== undefined ? { ...raw, revision: ifMatch } : raw);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, response: badRequest(parsed.error) };
}

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08000", "08003", "08006", "P1001", "P1017"]);
const UNAVAILABLE_TEXT = /DatabaseNotReachable|encountered a connection error|ConnectionClosed|SocketTimeout|ECONNREFUSED|ECONNRESET|Connection terminated|connection is closed|Can't reach database|the database system is (starting up|shutting down)|terminating connection|timeout exceeded when trying to connect/i;

/** Whether an error says the database cannot be reached right now (down, restarting, gone). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.message === "string" && UNAVAILABLE_TEXT.test(e.message)) return true;
  }
  return false;
}

/** PostgreSQL refuses text with a NUL character (22021): a value nobody can store, so bad input. */
function isUnstorableText(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (e.code === "22021" || e.code === "22P05" || (typeof e.message === "string" && /invalid byte sequence for encoding|unsupported Unicode escape/i.test(e.message))) return true;
  }
  return false;
}

/**
 * Every /api/v1 handler is wrapped in this: an error that escapes a handler becomes a JSON answer
 * instead of an empty 500. While the database is unreachable (restarting, say) that is 503 with
 * Retry-After; anything else is logged on the server and answered with a message that says nothing
 * of the cause.
 */
export function apiRoute<A extends unknown[]>(handler: (...args: A) => Promise<Response> | Response) {
  return async (...args: A): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      if (isUnstorableText(error)) return apiError(400, "A value holds a character that cannot be stored (NUL). Nothing was changed.");
      if (isDatabaseUnavailable(error)) {
        return Response.json({ error: "The database is unavailable right now; nothing was changed. Try again in a few seconds." }, { status: 503, headers: { "Retry-After": "5" } });
      }
      console.error("API request failed", error);
      return apiError(500, "Something went wrong on our side; it was logged. Nothing was changed.");
    }
  };
}
