// Links that carry a page's query: one way to write them.

type QueryValue = string | number | boolean | null | undefined;

/** `path?a=1&b=x#hash`, leaving out the parameters without a value (and the `?` when none has one). */
export function withQuery(path: string, params: Record<string, QueryValue>, hash = ""): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== "") query.set(key, String(value));
  const text = query.toString();
  return `${path}${text ? `?${text}` : ""}${hash}`;
}

/** An origin no request has: resolving against it keeps a path a path when the portal's own origin is not at hand. */
const NO_ORIGIN = "http://portal.invalid";

/**
 * Where to go after signing in: `value` resolved as a browser would resolve it on the portal, kept
 * only if it stays there, as a path ("/" for anything else). The check is on the parsed URL, not on
 * how the text starts: a browser drops tabs and newlines and reads a backslash as a slash, so
 * `/\evil.example` and `/<tab>/evil.example` are `//evil.example`, another site. `origin` is the
 * portal's (NEXTAUTH_URL's, or the page's own in a browser), so that a full URL of the portal is
 * kept too.
 */
export function callbackPath(value: unknown, origin: string = NO_ORIGIN): string {
  if (typeof value !== "string" || value === "") return "/";
  let url: URL;
  let base: URL;
  try {
    base = new URL(origin);
    url = new URL(value, base);
  } catch {
    return "/";
  }
  if (url.origin !== base.origin) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/.//evil.example` resolves to the path `//evil.example`, which a browser reads as another site.
  return path.startsWith("/") && !path.startsWith("//") ? path : "/";
}
