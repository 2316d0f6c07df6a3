// A session that a change makes for the person who made it: turning two-factor sign-in on or off
// ends every session of theirs (a new session version), and the one they are using goes on with
// the new version and the new way it was signed in, instead of sending them to sign in again.
import "server-only";
import { encode, type JWT } from "next-auth/jwt";
import { cookies } from "next/headers";
import type { Frozen } from "../cache/store";
import { env } from "../env";
import { SESSION_SECONDS } from "./session-token";

/** next-auth's session cookie, and the chunks it splits a long one into. */
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

/**
 * Replaces the request's session cookie with `token` changed by `changes`, as next-auth sets it
 * (lib/auth/options.ts): same name, same attributes. Its sign-in time stays, so the 12 hours run
 * from the real sign-in. The token is small (ids, a version, a few words): it fits one cookie.
 */
export async function reissueSession(token: Frozen<JWT>, changes: Pick<JWT, "sv" | "amr">): Promise<void> {
  const { NEXTAUTH_SECRET: secret, NEXTAUTH_URL } = env();
  if (!secret) return;
  const secure = NEXTAUTH_URL?.startsWith("https://") ?? false;
  const name = `${secure ? "__Secure-" : ""}next-auth.session-token`;
  const { exp: _exp, iat: _iat, jti: _jti, ...claims } = token as JWT;
  const value = await encode({ token: { ...claims, ...changes }, secret, maxAge: SESSION_SECONDS });
  const jar = await cookies();
  for (const cookie of jar.getAll()) if (SESSION_COOKIE.test(cookie.name) && cookie.name !== name) jar.delete(cookie.name);
  jar.set(name, value, { httpOnly: true, sameSite: "lax", path: "/", secure, maxAge: SESSION_SECONDS });
}
