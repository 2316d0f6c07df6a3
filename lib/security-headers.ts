// The security headers of every answer, in one place: pages get them from proxy.ts (with a
// Content-Security-Policy that carries the request's nonce), API answers from apiRoute and
// next.config.ts. Pure, and not server-only: next.config.ts loads it outside Next's bundles.

/** The portal's own origin: NEXTAUTH_URL's, else the one the request was made to. */
export function portalOrigin(nextAuthUrl: string | undefined, requestUrl: string): string {
  return new URL(nextAuthUrl ?? requestUrl).origin;
}

/** Whether the portal is served over https (NEXTAUTH_URL says so): then browsers are told to keep to it. */
export const servedOverHttps = (nextAuthUrl: string | undefined) => Boolean(nextAuthUrl?.startsWith("https://"));

/** Two years, subdomains left alone: the portal may share a domain with hosts it does not own. */
const HSTS = "max-age=63072000";

/**
 * What every answer carries, whatever it is: no framing by other sites (X-Frame-Options for
 * browsers that predate frame-ancestors), no guessing of types, the address sent to the portal
 * only, and https kept to when the portal is served over it.
 */
export function baseSecurityHeaders(https: boolean): Record<string, string> {
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
export function pageContentSecurityPolicy(nonce: string, { https, dev }: { https: boolean; dev: boolean }): string {
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
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
