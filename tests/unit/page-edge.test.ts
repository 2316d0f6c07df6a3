// pageEdge (lib/security-headers.mjs): what the request edge gives a page request before Next
// renders it: a fresh nonce policy (for the answer and for the request Next reads it from), the
// security headers, and signed-out visitors sent to sign in; nothing for the API, static files and
// prefetches. scripts/request-edge.mjs applies it (tests/integration/request-edge.test.ts).
import { describe, expect, it } from "vitest";
import { hasSessionCookie, pageEdge } from "@/lib/security-headers.mjs";

const HTTP = { https: false, dev: false };
const SIGNED_IN = "theme=dark; next-auth.session-token=x";
const nonceOf = (policy: string | undefined) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];
const edge = (url: string, cookie?: string, prefetch = false, options = HTTP) => pageEdge({ url, cookie, prefetch }, options);

describe("a page's edge", () => {
  it("a signed-in page: a nonce policy, the same on the answer, and the security headers", () => {
    const page = edge("/resources?sort=group", SIGNED_IN)!;
    expect(page.redirect).toBeNull();
    expect(page.policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(page.policy).toContain("frame-ancestors 'none'");
    expect(page.policy).not.toContain("unsafe-eval");
    expect(page.headers["Content-Security-Policy"]).toBe(page.policy);
    expect(page.headers).toMatchObject({ "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin" });
    expect(page.headers["Strict-Transport-Security"]).toBeUndefined();
    expect(edge("/", SIGNED_IN, false, { https: true, dev: false })!.headers["Strict-Transport-Security"]).toBe("max-age=63072000");
    expect(edge("/", SIGNED_IN, false, { https: false, dev: true })!.policy).toContain("'unsafe-eval'");
  });

  it("a fresh nonce for every request", () => {
    const nonces = new Set(Array.from({ length: 20 }, () => nonceOf(edge("/", SIGNED_IN)!.policy)));
    expect(nonces.size).toBe(20);
  });

  it("signed out: the sign-in page is rendered with its policy; any other page sends there, with the way back", () => {
    const signIn = edge("/signin?callbackUrl=%2Fchanges")!;
    expect(signIn.redirect).toBeNull();
    expect(nonceOf(signIn.policy)).toBeTruthy();
    const sent = edge("/resources?sort=group")!;
    expect(sent.redirect).toBe("/signin?callbackUrl=%2Fresources%3Fsort%3Dgroup");
    expect(sent.headers["X-Frame-Options"]).toBe("DENY");
    // A server action is a POST to a page: signed out, it is sent to sign in too.
    expect(edge("/templates/abc/plan", "other=1")!.redirect).toBe("/signin?callbackUrl=%2Ftemplates%2Fabc%2Fplan");
  });

  it("every page, signed in or not; never the API, static files or prefetches", () => {
    for (const url of ["/", "/resources", "/signin", "/templates/abc/plan", "/apiary"]) {
      expect(edge(url), url).not.toBeNull();
      expect(edge(url, SIGNED_IN), `${url} signed in`).not.toBeNull();
    }
    for (const url of [
      "/api/v1/resources",
      "/api/auth/session",
      "/api/docs",
      "/_next/static/chunks/x.js",
      "/_next/image?url=x",
      "/favicon.ico",
      "/icon.svg",
      "/logo.svg",
    ]) {
      expect(edge(url, SIGNED_IN), url).toBeNull();
      expect(edge(url), `${url} signed out`).toBeNull();
    }
    expect(edge("/resources", SIGNED_IN, true)).toBeNull();
  });

  it("the session cookie by name, split or whole, secure or not; nothing else counts", () => {
    expect(hasSessionCookie("next-auth.session-token=abc")).toBe(true);
    expect(hasSessionCookie("a=1; __Secure-next-auth.session-token.0=abc; __Secure-next-auth.session-token.1=def")).toBe(true);
    expect(hasSessionCookie("next-auth.csrf-token=abc; next-auth.callback-url=%2F")).toBe(false);
    expect(hasSessionCookie("x=next-auth.session-token")).toBe(false);
    expect(hasSessionCookie("")).toBe(false);
    expect(hasSessionCookie(undefined)).toBe(false);
  });
});
