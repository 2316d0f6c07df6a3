// Bearer tokens for the API. Only a sha256 of the secret is stored; the secret is shown once.
import "server-only";
import { createHash, randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "pp_";

export function newTokenSecret(): { secret: string; hash: string; prefix: string } {
  const secret = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { secret, hash: hashToken(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + 6) };
}

export function hashToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
