// Signed-out visitors of any page go to the sign-in page, and come back where they were.
// An optimistic check: it looks for next-auth's session cookie and does not decrypt it (that was
// a tenth of a small page's server time). Every page, action and route reads the session itself
// (`requireUser`), so an expired or forged cookie still gets nowhere.
import { NextResponse, type NextRequest } from "next/server";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export default function proxy(request: NextRequest) {
  // next-auth splits a large session into `<name>.0`, `<name>.1`, …
  const signedIn = request.cookies.getAll().some((c) => SESSION_COOKIES.some((name) => c.name === name || c.name.startsWith(`${name}.`)));
  if (signedIn) return NextResponse.next();
  const signIn = new URL("/signin", request.url);
  signIn.searchParams.set("callbackUrl", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(signIn);
}

// Next skips the proxy itself when a session cookie is there (`missing`: it runs only when none of
// these is present), so a signed-in request pays nothing for it: Next's wrapper around the proxy
// was ~3 % of a page's profile, and a small page answers 12–20 % more requests without it
// (docs/benchmarks.md, item 22). The check above stays for whatever reaches it. The config
// must be literal (Next reads it at build time): the names are SESSION_COOKIES and their first part.
export const config = {
  matcher: [
    {
      source: "/((?!api|signin|_next/static|_next/image|favicon.ico|logo.svg).*)",
      missing: [
        { type: "cookie", key: "next-auth.session-token" },
        { type: "cookie", key: "next-auth.session-token.0" },
        { type: "cookie", key: "__Secure-next-auth.session-token" },
        { type: "cookie", key: "__Secure-next-auth.session-token.0" },
      ],
    },
  ],
};
