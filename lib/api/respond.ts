// Uniform JSON answers for /api/v1: { error } with a status chosen on purpose.
import "server-only";
import type { z } from "zod";
import { TokenRefused } from "../auth/api-tokens";
import { CrossSiteRequest } from "../auth/same-origin";
import { env } from "../env";
import { API_CONTENT_SECURITY_POLICY, baseSecurityHeaders, servedOverHttps } from "../security-headers.mjs";
import { SECOND_FACTOR_REQUIRED } from "../auth/second-factor";
import { firstIssue } from "../validation/common";
import { BODY_LIMITS } from "../validation/limits";

/** Messages may quote what was sent; a huge value is cut, not echoed back whole. */
const MESSAGE_MAX = 300;

export function apiError(status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 500 | 503, message: string) {
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

/** The media type of a Content-Type header, without its parameters, in lower case. */
const mediaType = (request: Request) => (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();

/** application/json or any `+json` type (application/merge-patch+json, …). */
export const isJsonType = (type: string) => type === "application/json" || /^application\/[\w.-]+\+json$/.test(type);

/** What a body must be, for a caller signed in with the session cookie: `types` names it in the 415's message. */
export type BodyType = { accepts: (mediaType: string) => boolean; types: string };
export const JSON_BODY: BodyType = { accepts: isJsonType, types: "application/json" };
export const CSV_BODY: BodyType = { accepts: (type) => type === "text/csv", types: "text/csv" };

const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} kB`);

/** Whether the request says it carries a body (a length above 0, or a body it does not measure: chunked). */
function declaresBody(request: Request) {
  const length = request.headers.get("content-length");
  return length === null ? request.body !== null : length.trim() !== "0";
}

/**
 * The request's body as text, at most `maxBytes` (BODY_LIMITS): a longer Content-Length is refused
 * (413) before a byte is read, and a body without one (chunked) is counted as it arrives and refused at the cap,
 * so an oversized upload is never held whole. A caller signed in with the session cookie (no
 * Authorization header: handlers authenticate before they read) must send `type`, else 415: a form
 * on another site can post text/plain or form data without asking the browser first, JSON it
 * cannot. Bearer calls are not held to it.
 */
export async function readText(
  request: Request,
  { maxBytes, type }: { maxBytes: number; type: BodyType },
): Promise<{ ok: true; text: string } | { ok: false; response: Response }> {
  const tooLarge = () => {
    const response = apiError(413, `body: must be at most ${maxBytes} bytes (${sizeText(maxBytes)})`);
    // Else the server would read the rest of the upload to keep the connection: closing it stops the sender.
    response.headers.set("Connection", "close");
    return { ok: false as const, response };
  };
  if (Number(request.headers.get("content-length")) > maxBytes) return tooLarge();
  if (!request.headers.has("authorization") && declaresBody(request) && !type.accepts(mediaType(request))) {
    return { ok: false, response: apiError(415, `Content-Type: must be ${type.types}`) };
  }
  if (!request.body) return { ok: true, text: "" };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return tooLarge();
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks, total).toString("utf8") };
}

/** The request's JSON body, or a 400/413/415 answer saying what is wrong with it. A route that takes more (an execution's output) says how much. */
export async function readJson(
  request: Request,
  { maxBytes = BODY_LIMITS.json }: { maxBytes?: number } = {},
): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  const read = await readText(request, { maxBytes, type: JSON_BODY });
  if (!read.ok) return read;
  const text = read.text;
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
export async function authorizedQuery<S extends z.ZodType, U>(
  request: Request,
  schema: S,
  authenticate: (request: Request) => Promise<U | null | undefined | false>,
): Promise<{ ok: true; query: z.infer<S>; user: U } | { ok: false; response: Response }> {
  const user = await authenticate(request);
  if (!user) return { ok: false, response: unauthorized() };
  const query = schema.safeParse(queryObject(new URL(request.url)));
  return query.success ? { ok: true, query: query.data, user } : { ok: false, response: badRequest(query.error) };
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

/** The security headers of an API answer (lib/security-headers.mjs); HSTS when NEXTAUTH_URL is https, read when the process runs. */
function withSecurityHeaders(response: Response): Response {
  const missing = Object.entries({
    ...baseSecurityHeaders(servedOverHttps(env().NEXTAUTH_URL)),
    "Content-Security-Policy": API_CONTENT_SECURITY_POLICY,
  }).filter(([name]) => !response.headers.has(name));
  try {
    for (const [name, value] of missing) response.headers.set(name, value);
    return response;
  } catch {
    // A response whose headers cannot change (a redirect's, a fetched one's): copied.
    const headers = new Headers(response.headers);
    for (const [name, value] of missing) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

const CROSS_SITE_MESSAGE =
  "This write came from another site, signed with your PatchParty session: refused, nothing was changed. " +
  "Change things from PatchParty's own pages, or call the API with a token (Authorization: Bearer …).";

/**
 * Every /api/v1 handler is wrapped in this: an error that escapes a handler becomes a JSON answer
 * instead of an empty 500. A cookie-signed write from another site (authenticateRequest throws
 * it) is 403; a token refused (expired, or read-only on a write) its own 401 or 403. While the database is unreachable (restarting, say) that is 503 with Retry-After;
 * anything else is logged on the server and answered with a message that says nothing of the
 * cause. Every answer carries the security headers.
 */
export function apiRoute<A extends unknown[]>(handler: (...args: A) => Promise<Response> | Response) {
  const route = async (...args: A): Promise<Response> => {
    const response = withSecurityHeaders(await answer(handler, args));
    // Under the integration tests: an answer the OpenAPI document does not describe fails the test (lib/api/openapi/conformance.ts).
    if (env().PATCHPARTY_API_CONTRACT) await (await import(/* turbopackIgnore: true */ "./openapi/conformance")).checkAnswer(route, response);
    return response;
  };
  return route;
}

async function answer<A extends unknown[]>(handler: (...args: A) => Promise<Response> | Response, args: A): Promise<Response> {
  try {
    return await uncompressedWhenShort(await handler(...args));
  } catch (error) {
    if (error instanceof CrossSiteRequest) return apiError(403, CROSS_SITE_MESSAGE);
    if (error instanceof TokenRefused) return apiError(error.status, error.message);
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
}
