// Signing in keeps to the portal (issue 17): next-auth's redirect callback, and a sign-in through
// next-auth itself, end on a path of the portal whatever callbackUrl says; over https (NEXTAUTH_URL
// https://patchparty.test, set first) the session cookie is __Secure-, Secure and HttpOnly.
import { afterAll, describe, expect, it, vi } from "vitest";

const { previousUrl, session } = vi.hoisted(() => {
  const previousUrl = process.env.NEXTAUTH_URL;
  process.env.NEXTAUTH_URL = "https://patchparty.test"; // PORTAL, before the app reads it
  return { previousUrl, session: { userId: null as string | null, jar: null as Map<string, string> | null, headers: new Headers() } };
});
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => (await import("./fixtures/https-portal")).httpsHeaders(session));

import { randomBytes } from "node:crypto";
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { PORTAL, restoreNextAuthUrl } from "./fixtures/https-portal";

afterAll(() => restoreNextAuthUrl(previousUrl));

describe("signing in keeps to the portal", () => {
  const baseUrl = PORTAL;
  const redirect = authOptions().callbacks!.redirect!;

  it("next-auth's redirect callback: a path on the portal, else its front page", async () => {
    const cases: [string, string][] = [
      ["/\\evil.example", `${PORTAL}/`],
      ["/\t/evil.example", `${PORTAL}/`],
      ["//evil.example", `${PORTAL}/`],
      ["https://evil.example/x", `${PORTAL}/`],
      ["javascript:alert(1)", `${PORTAL}/`],
      ["/resources?sort=group#top", `${PORTAL}/resources?sort=group#top`],
      [`${PORTAL}/changes`, `${PORTAL}/changes`],
    ];
    for (const [url, expected] of cases) expect(await redirect({ url, baseUrl }), url).toBe(expected);
  });

  it("through next-auth itself: a sign-in with callbackUrl /%5Cevil.example ends on the portal, with a Secure session cookie (https)", async () => {
    const email = `guard-${randomBytes(3).toString("hex")}@guards.test`;
    await db.user.create({ data: { email, name: "Guard", role: "VIEWER", passwordHash: await hashPassword("correct horse battery") } });
    const options = authOptions();
    const cookies: Record<string, string> = {};
    // next-auth's own request handling (its Node form: the App Router form reads next/headers, which has no request here).
    async function send(method: string, action: string[], body?: Record<string, string>) {
      const answer = { status: 200, headers: new Map<string, string | string[]>(), body: undefined as unknown };
      const res = {
        status: (code: number) => ((answer.status = code), res),
        setHeader: (name: string, value: string | string[]) => (answer.headers.set(name.toLowerCase(), value), res),
        getHeader: (name: string) => answer.headers.get(name.toLowerCase()),
        end: () => res,
        json: (value: unknown) => ((answer.body = value), res),
        send: (value: unknown) => ((answer.body = value), res),
      };
      const req = { query: { nextauth: action }, body, cookies: { ...cookies }, method, headers: { host: "patchparty.test", "x-patchparty-peer": "10.9.0.1" } };
      await NextAuth(req as never, res as never, options);
      const set = [answer.headers.get("set-cookie") ?? []].flat();
      for (const cookie of set) {
        const [pair] = cookie.split(";");
        const cut = pair!.indexOf("=");
        cookies[pair!.slice(0, cut)] = decodeURIComponent(pair!.slice(cut + 1));
      }
      return { ...answer, setCookies: set };
    }

    const csrf = await send("GET", ["csrf"]);
    const { csrfToken } = csrf.body as { csrfToken: string };
    expect(Object.keys(cookies)).toContain("__Host-next-auth.csrf-token");
    const signedIn = await send("POST", ["callback", "credentials"], {
      csrfToken,
      email,
      password: "correct horse battery",
      callbackUrl: decodeURIComponent("/%5Cevil.example"),
      json: "true",
    });
    expect(signedIn.body).toEqual({ url: `${PORTAL}/` });
    const sessionCookie = signedIn.setCookies.find((c) => c.startsWith("__Secure-next-auth.session-token="));
    expect(sessionCookie).toMatch(/; Secure/i);
    expect(sessionCookie).toMatch(/; HttpOnly/i);
  });
});
