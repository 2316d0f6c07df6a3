// Who is calling: requireUser() for pages and actions, authenticateRequest() for the API.
import "server-only";
import { getToken } from "next-auth/jwt";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { findApiToken } from "../data/api-tokens";
import { tokenRefusal } from "../domain/api-tokens";
import { getSessionUser } from "../data/users";
import { env } from "../env";
import { TokenRefused } from "./api-tokens";
import type { CurrentUser } from "./permissions";
import { CrossSiteRequest, isSameOriginWrite } from "./same-origin";
import { decodeSessionToken, sessionCurrent } from "./session-token";

/** The signed-in user as the database has them now, while their session is current (session-token.ts). */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  // Cookies first: reading them is what makes a page that asks who is calling dynamic (a page that
  // returned before it would be prerendered at build time, signed out, for everyone).
  const jar = await cookies();
  const secret = env().NEXTAUTH_SECRET;
  if (!secret) return null; // nobody can have signed in: next-auth refuses to sign in without one
  // The session cookie only (next-auth names it, and splits a long one, as it set it); an
  // Authorization header is the API's, read by authenticateRequest.
  const token = await getToken({ req: { cookies: jar, headers: {} } as unknown as Parameters<typeof getToken>[0]["req"], secret, decode: decodeSessionToken });
  if (typeof token?.uid !== "string") return null;
  const found = await getSessionUser(token.uid);
  return found && sessionCurrent(token, found.sessionVersion, new Date()) ? found.user : null;
});

export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  // An executor account is a machine's: it reports upgrades through the API and reads no page.
  if (!user || user.role === "EXECUTOR") redirect("/signin");
  return user;
}

/**
 * A bearer API token or the session cookie; null when neither identifies anyone. An executor
 * (a machine) is known only to the routes that take its reports (`machines: true`): to every
 * other route it is nobody. A write signed with the cookie must come from the portal's own pages:
 * from anywhere else it throws CrossSiteRequest, which apiRoute answers with 403 before the
 * handler reads the body or changes anything. A token that is expired, or read-only on a method
 * that writes, throws TokenRefused (answered by apiRoute) before the route does anything.
 */
export async function authenticateRequest(request: Request, options: { machines?: boolean } = {}): Promise<CurrentUser | null> {
  const header = request.headers.get("authorization");
  let user: CurrentUser | null;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const now = new Date();
    const token = match?.[1] ? await findApiToken(match[1], now) : null;
    const refusal = token && tokenRefusal(token, request.method, now);
    if (refusal) throw new TokenRefused(refusal.status, refusal.message);
    user = token?.user ?? null;
  } else {
    user = await getCurrentUser();
    if (user && !isSameOriginWrite(request)) throw new CrossSiteRequest();
  }
  return user?.role === "EXECUTOR" && !options.machines ? null : user;
}
