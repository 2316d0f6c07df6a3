// What an API token may do (decision 017): it expires, and a read token only reads. Either way it
// carries no more than its owner's rights, which every route still asks through can().

export const TOKEN_SCOPES = ["read", "write"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const TOKEN_SCOPE_LABELS: Record<TokenScope, string> = {
  read: "Read: GET only",
  write: "Write: every method, with the user's rights",
};

/** Days a token lives when nobody says otherwise, and at most. */
export const TOKEN_DAYS_DEFAULT = 90;
export const TOKEN_DAYS_MAX = 365;

const DAY = 86_400_000;

/** Methods that change nothing (RFC 9110 9.2.1): all a read token may send. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const tokenExpiry = (madeAt: Date, days: number) => new Date(madeAt.getTime() + days * DAY);

/** "2027-03-04 09:15 UTC" */
const utcMinute = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export type TokenRefusal = { status: 401 | 403; message: string };

/** Why a token may not make this request (401 expired, 403 read-only and a method that writes), or null when it may. */
export function tokenRefusal(token: { scope: TokenScope; expiresAt: Date }, method: string, now: Date): TokenRefusal | null {
  if (token.expiresAt.getTime() <= now.getTime()) {
    return { status: 401, message: `This API token expired on ${utcMinute(token.expiresAt)}. Ask an admin for a new one.` };
  }
  if (token.scope === "read" && !SAFE_METHODS.has(method.toUpperCase())) {
    return {
      status: 403,
      message: `This API token is read-only: it may send GET, not ${method.toUpperCase()}. Ask an admin for a write token. Nothing was changed.`,
    };
  }
  return null;
}
