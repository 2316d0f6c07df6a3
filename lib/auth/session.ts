// Who is calling: requireUser() for pages and actions, authenticateRequest() for the API.
import "server-only";
import { getToken, type JWT } from "next-auth/jwt";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { findApiToken } from "../data/api-tokens";
import { tokenRefusal } from "../domain/api-tokens";
import { getSessionUser } from "../data/users";
import type { Frozen } from "../cache/store";
import { env } from "../env";
import { TokenRefused } from "./api-tokens";
import type { CurrentUser } from "./permissions";
import { CrossSiteRequest, isSameOriginWrite } from "./same-origin";
import { SECOND_FACTOR_SETUP_PATH, SecondFactorRequired, secondFactorMissing } from "./second-factor";
import { decodeSessionToken, sessionCurrent } from "./session-token";

/** A signed-in person, their session's token, and whether it still lacks the second factor their role needs. */
export type SignedIn = { user: CurrentUser; token: Frozen<JWT>; secondFactorMissing: boolean };

/**
 * The signed-in person as the database has them now, while their session is current
 * (session-token.ts), whether or not the session may be used yet: the account page, where a second
 * factor is set up, and signing out take it as it is. Everything else asks requireUser or
 * authenticateRequest, which refuse a session that lacks the second factor (decision 017).
 */
export const getSignedIn = cache(async (): Promise<SignedIn | null> => {
  // Cookies first: reading them is what makes a page that asks who is calling dynamic (a page that
  // returned before it would be prerendered at build time, signed out, for everyone).
  const jar = await cookies();
  const current = env();
  const secret = current.NEXTAUTH_SECRET;
  if (!secret) return null; // nobody can have signed in: next-auth refuses to sign in without one
  // The session cookie only (next-auth names it, and splits a long one, as it set it); an
  // Authorization header is the API's, read by authenticateRequest.
  const token = await getToken({ req: { cookies: jar, headers: {} } as unknown as Parameters<typeof getToken>[0]["req"], secret, decode: decodeSessionToken });
  if (typeof token?.uid !== "string") return null;
  const found = await getSessionUser(token.uid);
  if (!found || !sessionCurrent(token, found.sessionVersion, new Date())) return null;
  return {
    user: found.user,
    token: token as Frozen<JWT>,
    secondFactorMissing: secondFactorMissing(found.user.role, token, current.PATCHPARTY_MFA, current.OIDC_MFA_ACR),
  };
});

/** The signed-in user whose session may be used: null when signed out, or while it lacks the second factor their role needs. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const signedIn = await getSignedIn();
  return signedIn && !signedIn.secondFactorMissing ? signedIn.user : null;
});

/**
 * The caller of a page or a server action. Signed out: to the sign-in page. Signed in without the
 * second factor their role needs: to the account page to set it up, whatever they asked for. This
 * is the one place pages and actions are refused for it; the API's is authenticateRequest.
 */
export async function requireUser(): Promise<CurrentUser> {
  const signedIn = await requireSignedIn();
  if (signedIn.secondFactorMissing) redirect(SECOND_FACTOR_SETUP_PATH);
  return signedIn.user;
}

/** The caller of the account page and its actions: signed in, with or without a second factor yet. */
export async function requireSignedIn(): Promise<SignedIn> {
  const signedIn = await getSignedIn();
  // An executor account is a machine's: it reports upgrades through the API and reads no page.
  if (!signedIn || signedIn.user.role === "EXECUTOR") redirect("/signin");
  return signedIn;
}

/**
 * A bearer API token or the session cookie; null when neither identifies anyone. A token is a
 * credential of its own (a long random secret an admin issued), so it needs no second factor; a
 * session does, as requireUser says. An executor (a machine) is known only to the routes that
 * take its reports (`machines: true`): to every other route it is nobody. A write signed with the
 * cookie must come from the portal's own pages: from anywhere else it throws CrossSiteRequest,
 * which apiRoute answers with 403 before the handler reads the body or changes anything. A token
 * that is expired, or read-only on a method that writes, throws TokenRefused (answered by
 * apiRoute) before the route does anything.
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
    const signedIn = await getSignedIn();
    // A session without the second factor its person's role needs opens no route (403, apiRoute).
    if (signedIn?.secondFactorMissing) throw new SecondFactorRequired();
    user = signedIn?.user ?? null;
    if (user && !isSameOriginWrite(request)) throw new CrossSiteRequest();
  }
  return user?.role === "EXECUTOR" && !options.machines ? null : user;
}
