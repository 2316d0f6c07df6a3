// The security headers of every answer, in one place: pages get them from the web process's
// request edge (scripts/request-edge.mjs, through `pageEdge` below, with a Content-Security-Policy
// that carries the request's nonce), API answers from apiRoute and next.config.ts.
// Plain JavaScript (types in security-headers.d.mts), pure and not server-only: the request edge is
// preloaded into Node before Next, and next.config.ts loads it outside Next's bundles.

/** The portal's own origin: NEXTAUTH_URL's, else the one the request was made to. */
export function portalOrigin(nextAuthUrl, requestUrl) {
  return new URL(nextAuthUrl ?? requestUrl).origin;
}

/** Whether the portal is served over https (NEXTAUTH_URL says so): then browsers are told to keep to it. */
export const servedOverHttps = (nextAuthUrl) => Boolean(nextAuthUrl?.startsWith("https://"));

/** Two years, subdomains left alone: the portal may share a domain with hosts it does not own. */
const HSTS = "max-age=63072000";

/**
 * What every answer carries, whatever it is: no framing by other sites (X-Frame-Options for
 * browsers that predate frame-ancestors), no guessing of types, the address sent to the portal
 * only, and https kept to when the portal is served over it.
 */
export function baseSecurityHeaders(https) {
  return {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    ...(https ? { "Strict-Transport-Security": HSTS } : {}),
  };
}

/** An API answer is data, never a document: it may load nothing and be framed by nobody. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * A page's policy. Scripts run only with the request's nonce (Next puts it on its own scripts, and
 * 'strict-dynamic' lets them load the chunks they need); never eval. Style elements need the nonce
 * too, but style *attributes* are allowed ('unsafe-inline' in style-src-attr): React writes
 * `style={{ width }}` for progress bars and the plan's timeline, and a nonce cannot cover an
 * attribute. Development adds 'unsafe-eval' (React rebuilds server error stacks with eval there)
 * and inline style elements (the dev server injects CSS without a nonce); production has neither.
 */
export function pageContentSecurityPolicy(nonce, { https, dev }) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** A fresh nonce: 16 random bytes, base64. */
export function newNonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** Not pages: the API (its headers come from apiRoute and next.config.ts), Next's files and the icons. */
const NOT_A_PAGE = /^\/(?:api(?:\/|$)|_next\/|favicon\.ico$|icon\.svg$|logo\.svg$)/;
/** next-auth's session cookie; it splits a large session into `<name>.0`, `<name>.1`, … */
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

/** Whether a Cookie header carries next-auth's session cookie (by name: nothing is decrypted). */
export function hasSessionCookie(cookieHeader) {
  if (!cookieHeader) return false;
  for (const pair of cookieHeader.split(";")) {
    const name = pair.split("=", 1)[0].trim();
    if (SESSION_COOKIES.some((cookie) => name === cookie || name.startsWith(`${cookie}.`))) return true;
  }
  return false;
}

/**
 * What a page request gets before Next renders it: a fresh nonce policy (for the answer, and for
 * the request, where Next reads it and puts the nonce on its scripts as it renders), the security
 * headers, and, signed out, a redirect to the sign-in page that comes back where it was.
 * `null` for what is not a page: the API, static files, and Next's own prefetches (no document,
 * no script to run).
 *
 * The sign-in check is optimistic: it looks for the session cookie and does not decrypt it. Every
 * page, action and route reads the session itself (`requireUser`), so an expired or forged cookie
 * still gets nowhere.
 */
export function pageEdge(request, { https, dev }) {
  if (request.prefetch) return null;
  const { pathname, search } = new URL(request.url || "/", "http://portal.invalid");
  if (NOT_A_PAGE.test(pathname)) return null;
  const policy = pageContentSecurityPolicy(newNonce(), { https, dev });
  const headers = { "Content-Security-Policy": policy, ...baseSecurityHeaders(https) };
  if (pathname === "/signin" || hasSessionCookie(request.cookie)) return { policy, headers, redirect: null };
  return { policy, headers, redirect: `/signin?callbackUrl=${encodeURIComponent(`${pathname}${search}`)}` };
}
