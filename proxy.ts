// Every page request: a fresh nonce and the security headers (lib/security-headers.ts), and
// signed-out visitors sent to the sign-in page, to come back where they were.
//
// The nonce: Next reads it from the request's Content-Security-Policy header, set here, and puts
// it on its own scripts as it renders (node_modules/next/dist/docs/01-app/02-guides/
// content-security-policy.md); the root layout reads the headers, so every page is rendered per
// request and none is served prerendered without it.
//
// The sign-in check is optimistic: it looks for next-auth's session cookie and does not decrypt it
// (that was a tenth of a small page's server time). Every page, action and route reads the session
// itself (`requireUser`), so an expired or forged cookie still gets nowhere.
import { NextResponse, type NextRequest } from "next/server";
import { env } from "./lib/env";
import { baseSecurityHeaders, newNonce, pageContentSecurityPolicy, servedOverHttps } from "./lib/security-headers";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export default function proxy(request: NextRequest) {
  const { NEXTAUTH_URL, NODE_ENV } = env();
  const https = servedOverHttps(NEXTAUTH_URL);
  const policy = pageContentSecurityPolicy(newNonce(), { https, dev: NODE_ENV === "development" });
  // next-auth splits a large session into `<name>.0`, `<name>.1`, …
  const signedIn = request.cookies.getAll().some((c) => SESSION_COOKIES.some((name) => c.name === name || c.name.startsWith(`${name}.`)));
  let response: NextResponse;
  if (signedIn || request.nextUrl.pathname === "/signin") {
    const headers = new Headers(request.headers);
    headers.set("Content-Security-Policy", policy);
    response = NextResponse.next({ request: { headers } });
  } else {
    const signIn = new URL("/signin", request.url);
    signIn.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
    response = NextResponse.redirect(signIn);
  }
  response.headers.set("Content-Security-Policy", policy);
  for (const [name, value] of Object.entries(baseSecurityHeaders(https))) response.headers.set(name, value);
  return response;
}

// Every page, signed in or not: a nonce is needed on every document. That gives back what skipping
// the proxy for signed-in requests won (Next's wrapper around the proxy, ~3 % of a page's profile;
// a near-empty page answered 12–20 % more requests without it, docs/benchmarks.md item 22); the
// proxy itself stays a cookie-name scan, a nonce and two strings, and Next's own prefetches (no
// document, no script to run) skip it. API routes and static files never run it: their headers
// come from next.config.ts and apiRoute. The config must be literal (Next reads it at build time).
export const config = {
  matcher: [
    {
      source: "/((?!api|_next/static|_next/image|favicon.ico|logo.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
