// proxy.ts: every page request gets a fresh nonce in its Content-Security-Policy (on the answer,
// and on the request, where Next reads it to put on its scripts), and the security headers;
// signed-out visitors are sent to sign in. The matcher runs it for every page, signed in or not.
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import proxy, { config } from "@/proxy";

const SIGNED_IN = { "next-auth.session-token": "x" };
const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];

function run(path: string, cookies: Record<string, string> = {}) {
  const cookie = Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
  return proxy(new NextRequest(`http://localhost:3000${path}`, { headers: cookie ? { cookie } : {} }));
}

describe("the proxy", () => {
  it("a signed-in page: a nonce policy on the answer and on the request Next renders, and the security headers", () => {
    const response = run("/resources", SIGNED_IN);
    const policy = response.headers.get("content-security-policy");
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain("unsafe-eval");
    // NextResponse.next({ request: { headers } }) hands Next the request's new headers this way.
    expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(response.headers.get("strict-transport-security")).toBeNull(); // NEXTAUTH_URL is not https here
  });

  it("a fresh nonce for every request", () => {
    const nonces = new Set(Array.from({ length: 20 }, () => nonceOf(run("/", SIGNED_IN).headers.get("content-security-policy"))));
    expect(nonces.size).toBe(20);
  });

  it("signed out: the sign-in page is rendered with its policy; any other page sends there, with the way back", () => {
    const signIn = run("/signin?callbackUrl=%2Fchanges");
    expect(signIn.headers.get("location")).toBeNull();
    expect(nonceOf(signIn.headers.get("x-middleware-request-content-security-policy"))).toBeTruthy();
    const sent = run("/resources?sort=group");
    expect(sent.status).toBe(307);
    expect(sent.headers.get("location")).toBe("http://localhost:3000/signin?callbackUrl=%2Fresources%3Fsort%3Dgroup");
    expect(sent.headers.get("x-frame-options")).toBe("DENY");
  });

  it("runs for every page, signed in or not (a nonce needs it), but not for the API, static files or prefetches", () => {
    for (const url of ["/", "/resources", "/signin", "/templates/abc/plan"]) {
      expect(unstable_doesMiddlewareMatch({ config, url }), url).toBe(true);
      expect(unstable_doesMiddlewareMatch({ config, url, cookies: SIGNED_IN }), `${url} signed in`).toBe(true);
    }
    for (const url of ["/api/v1/resources", "/api/auth/session", "/_next/static/chunks/x.js", "/favicon.ico", "/logo.svg"]) {
      expect(unstable_doesMiddlewareMatch({ config, url, cookies: SIGNED_IN }), url).toBe(false);
    }
    expect(unstable_doesMiddlewareMatch({ config, url: "/resources", headers: { "next-router-prefetch": "1" }, cookies: SIGNED_IN })).toBe(false);
  });
});
