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

/**
 * A token that identifies its user but may not make this request: expired (401) or read-only on a
 * method that writes (403). Thrown by authenticateRequest so that no route can forget it, and
 * answered by apiRoute, which wraps every route, with its status and message.
 */
export class TokenRefused extends Error {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = "TokenRefused";
  }
}
