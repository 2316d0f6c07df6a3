// The session cookie's token, decrypted once per process (next-auth's own decode, remembered).
import "server-only";
import { createHash } from "node:crypto";
import { decode, type JWT } from "next-auth/jwt";
import type { Frozen } from "../cache/store";
import { sessionTokens } from "../cache/stores";

/**
 * Session tokens this process has decrypted, by a hash of the secret and the cookie's text. Every
 * request sends its session cookie, and next-auth derives the key (HKDF) and decrypts it each time;
 * through getServerSession it also encrypted a renewed token that a server component cannot send:
 * together ~6 % of a server's CPU (docs/benchmarks.md). The same text always decrypts to the same
 * token, so it is decrypted once (lib/cache/stores.ts); its expiry is checked on every use.
 */
export async function decodeSessionToken(params: { token?: string; secret: string | Buffer }): Promise<Frozen<JWT> | null> {
  if (!params.token) return null;
  const key = createHash("sha256").update(params.secret).update("\0").update(params.token).digest("base64");
  let token = sessionTokens.get(key);
  if (!token) {
    const fresh = await decode(params); // throws for a token that is forged, damaged or expired
    if (!fresh) return null;
    token = sessionTokens.set(key, fresh);
  }
  return typeof token.exp === "number" && token.exp * 1000 > Date.now() ? token : null;
}

/** How long a session lasts from sign-in. Refreshing the cookie does not move its start. */
export const SESSION_SECONDS = 12 * 60 * 60;

/**
 * Whether a session is still current: made with the person's present session version (sign-out,
 * a password or role change and an admin's "sign out everywhere" raise it) and less than
 * SESSION_SECONDS after they signed in. A token from before versions has neither and is not.
 */
export function sessionCurrent(token: Pick<JWT, "sv" | "authTime">, sessionVersion: number, now: Date): boolean {
  return token.sv === sessionVersion && typeof token.authTime === "number" && now.getTime() / 1000 - token.authTime < SESSION_SECONDS;
}
