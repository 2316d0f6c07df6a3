// Uniform JSON answers for /api/v1: { error } with a status chosen on purpose.
import "server-only";
import type { z } from "zod";
import { SECOND_FACTOR_REQUIRED } from "../auth/second-factor";
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

/** The request's JSON body, or a 400 answer saying what is wrong with it. A route that takes more (an execution's output) says how much. */
export async function readJson(
  request: Request,
  { maxBytes = MAX_BODY }: { maxBytes?: number } = {},
): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  const text = await request.text();
  if (text.length > maxBytes) return { ok: false, response: apiError(400, `body: must be at most ${maxBytes} bytes`) };
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
export async function readBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  options: { maxBytes?: number } = {},
): Promise<{ ok: true; data: z.infer<S> } | { ok: false; response: Response }> {
  const body = await readJson(request, options);
  if (!body.ok) return body;
  const ifMatch = ifMatchRevision(request);
  if (ifMatch === "invalid") return { ok: false, response: apiError(400, 'If-Match: must be a revision such as "3"') };
  const raw = typeof body.body === "object" && body.body !== null && !Array.isArray(body.body) ? body.body : null;
  if (!raw) return { ok: false, response: apiError(400, "body: must be a JSON object") };
  const parsed = schema.safeParse(ifMatch !== undefined ? { ...raw, revision: ifMatch } : raw);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, response: badRequest(parsed.error) };
}

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08000", "08003", "08006", "P1001", "P1017"]);
const UNAVAILABLE_TEXT =
  /DatabaseNotReachable|encountered a connection error|ConnectionClosed|SocketTimeout|ECONNREFUSED|ECONNRESET|Connection terminated|connection is closed|Can't reach database|the database system is (starting up|shutting down)|terminating connection|timeout exceeded when trying to connect/i;

type ErrorLike = { code?: unknown; message?: unknown; cause?: unknown };

/** Whether an error, or one of the errors that caused it (drivers wrap theirs), matches. */
function causedBy(error: unknown, matches: (e: { code: string; message: string }) => boolean): boolean {
  for (let e = error as ErrorLike | undefined, depth = 0; e && depth < 6; e = e.cause as ErrorLike | undefined, depth++) {
    if (matches({ code: typeof e.code === "string" ? e.code : "", message: typeof e.message === "string" ? e.message : "" })) return true;
  }
  return false;
}

/** Whether an error says the database cannot be reached right now (down, restarting, gone). */
export const isDatabaseUnavailable = (error: unknown) => causedBy(error, (e) => UNAVAILABLE_CODES.has(e.code) || UNAVAILABLE_TEXT.test(e.message));

const UNSTORABLE_CODES = new Set(["22021", "22P05"]);
const UNSTORABLE_TEXT = /invalid byte sequence for encoding|unsupported Unicode escape/i;

/** PostgreSQL refuses text with a NUL character (22021): a value nobody can store, so bad input. */
const isUnstorableText = (error: unknown) => causedBy(error, (e) => UNSTORABLE_CODES.has(e.code) || UNSTORABLE_TEXT.test(e.message));

/** Next's compression leaves answers shorter than this as they are, when it knows their length. */
const COMPRESS_FROM_BYTES = 1024;

/**
 * A short JSON answer goes out uncompressed. Next gzips a route's answer whatever its size (it
 * drops a Content-Length given to it, and without one its compression cannot tell the size), and
 * setting up gzip costs more than it saves on a few hundred bytes: 5 % of a server's CPU in the
 * exclude + include round trip (docs/benchmarks.md). `no-transform` is the one signal it honours.
 * Longer answers, and others than JSON (the feed, CSV), are left as they are.
 */
async function uncompressedWhenShort(response: Response): Promise<Response> {
  if (!response.body || !response.headers.get("content-type")?.startsWith("application/json")) return response;
  const body = await response.arrayBuffer();
  const headers = new Headers(response.headers);
  if (body.byteLength < COMPRESS_FROM_BYTES) headers.set("cache-control", [headers.get("cache-control"), "no-transform"].filter(Boolean).join(", "));
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
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
      return await uncompressedWhenShort(await handler(...args));
    } catch (error) {
      // authenticateRequest refuses a session without the second factor its person's role needs.
      if (error instanceof Error && error.name === "SecondFactorRequired") return apiError(403, SECOND_FACTOR_REQUIRED);
      if (isUnstorableText(error)) return apiError(400, "A value holds a character that cannot be stored (NUL). Nothing was changed.");
      if (isDatabaseUnavailable(error)) {
        return Response.json(
          { error: "The database is unavailable right now; nothing was changed. Try again in a few seconds." },
          { status: 503, headers: { "Retry-After": "5" } },
        );
      }
      console.error("API request failed", error);
      return apiError(500, "Something went wrong on our side; it was logged. Nothing was changed.");
    }
  };
}
