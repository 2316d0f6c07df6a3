import { describe, expect, it } from "vitest";
import {
  API_CONTENT_SECURITY_POLICY,
  baseSecurityHeaders,
  newNonce,
  pageContentSecurityPolicy,
  portalOrigin,
  servedOverHttps,
} from "@/lib/security-headers.mjs";

/** A policy as directive → sources. */
const directives = (policy: string) =>
  Object.fromEntries(
    policy.split(";").map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );

describe("the security headers", () => {
  it("every answer: no framing, nosniff, same-origin referrers; HSTS only when the portal is https", () => {
    expect(baseSecurityHeaders(false)).toEqual({ "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin" });
    expect(baseSecurityHeaders(true)).toMatchObject({ "Strict-Transport-Security": "max-age=63072000" });
    expect(servedOverHttps("https://patchparty.example.com")).toBe(true);
    expect(servedOverHttps("http://localhost:3000")).toBe(false);
    expect(servedOverHttps(undefined)).toBe(false);
  });

  it("a page's policy: scripts by the request's nonce only, never eval, no framing", () => {
    const policy = directives(pageContentSecurityPolicy("abc123==", { https: false, dev: false }));
    expect(policy["script-src"]).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(policy["style-src"]).toEqual(["'self'", "'nonce-abc123=='"]);
    expect(policy["style-src-attr"]).toEqual(["'unsafe-inline'"]);
    expect(policy["frame-ancestors"]).toEqual(["'none'"]);
    expect(policy["object-src"]).toEqual(["'none'"]);
    expect(policy["base-uri"]).toEqual(["'self'"]);
    expect(policy["form-action"]).toEqual(["'self'"]);
    expect(policy["default-src"]).toEqual(["'self'"]);
    expect(JSON.stringify(policy)).not.toContain("unsafe-eval");
    expect(policy).not.toHaveProperty("upgrade-insecure-requests");
    expect(directives(pageContentSecurityPolicy("n", { https: true, dev: false }))).toHaveProperty("upgrade-insecure-requests");
  });

  it("development alone allows eval (React's error stacks) and the dev server's style elements", () => {
    const policy = directives(pageContentSecurityPolicy("n", { https: false, dev: true }));
    expect(policy["script-src"]).toContain("'unsafe-eval'");
    expect(policy["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it("an API answer loads nothing and is framed by nobody", () => {
    expect(directives(API_CONTENT_SECURITY_POLICY)).toEqual({ "default-src": ["'none'"], "frame-ancestors": ["'none'"] });
  });

  it("a nonce is fresh each time: 16 random bytes in base64", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });

  it("the portal's origin is NEXTAUTH_URL's, else the request's own", () => {
    expect(portalOrigin("https://patchparty.example.com/base/", "http://10.0.0.5:3000/api/v1/x")).toBe("https://patchparty.example.com");
    expect(portalOrigin(undefined, "http://localhost:3000/api/v1/x")).toBe("http://localhost:3000");
  });
});
