// The address a request came from, as far as the portal can trust it: the connection's own
// (scripts/request-edge.mjs sets it on every request; a client cannot), or, behind
// PATCHPARTY_TRUSTED_PROXIES reverse proxies, the X-Forwarded-For entry the farthest trusted
// proxy appended. `next dev` has no preload: it falls back to X-Forwarded-For's last entry.
import "server-only";

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

export function clientAddress(headers: HeaderSource, trustedProxies: number): string {
  const forwarded = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (trustedProxies > 0) return forwarded[forwarded.length - trustedProxies] ?? forwarded[0] ?? "unknown";
  return header(headers, "x-patchparty-peer") || forwarded[forwarded.length - 1] || "unknown";
}
