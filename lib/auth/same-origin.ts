// Writes made with the session cookie come from the portal's own pages, never from another site.
// A browser attaches the cookie to a form another site posts (SameSite=Lax still lets a top-level
// POST through in older browsers, and a same-site neighbour through in all), so the cookie alone
// says nothing of who asked for the write. An API token is never sent by a browser on its own:
// bearer calls are not checked.
import "server-only";
import { env } from "../env";
import { portalOrigin } from "../security-headers.mjs";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Thrown by authenticateRequest for a cookie-signed write from elsewhere; apiRoute answers 403. */
export class CrossSiteRequest extends Error {
  override name = "CrossSiteRequest";
  constructor() {
    super("A write signed with the session cookie came from another site.");
  }
}

/**
 * Whether a request may change something with the session cookie: a safe method always; an
 * unsafe one when its `Origin` is the portal's (NEXTAUTH_URL's origin), or, from a browser that
 * sends none, when `Sec-Fetch-Site` says same-origin. Anything else (another site, a sandboxed
 * frame's "null", a client that says nothing) is refused.
 */
export function isSameOriginWrite(request: Request, nextAuthUrl = env().NEXTAUTH_URL): boolean {
  if (!UNSAFE_METHODS.has(request.method.toUpperCase())) return true;
  const origin = request.headers.get("origin");
  if (origin !== null) return origin === portalOrigin(nextAuthUrl, request.url);
  return request.headers.get("sec-fetch-site") === "same-origin";
}
