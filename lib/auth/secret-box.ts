// Second-factor secrets at rest (decision 017). A TOTP secret must be read back to check a code,
// so it is encrypted (AES-256-GCM, bound to its person's id); recovery codes need only be
// recognised, so they are kept as an HMAC. Both keys are derived (HKDF-SHA256) from
// NEXTAUTH_SECRET: a copy of the database alone yields neither secrets nor codes to try offline.
// Changing NEXTAUTH_SECRET makes both unreadable: everyone enrolled sets up their app again.
import "server-only";
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt } from "node:crypto";
import { env } from "../env";

const VERSION = "v1";

/** What a sealed secret is: each has its own key, so one kind's box never opens another's. */
export type SealPurpose = "totp-secret" | "webhook-secret" | "inventory-token";

function key(purpose: SealPurpose | "recovery-code"): Buffer {
  const secret = env().NEXTAUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: second-factor secrets cannot be kept without it.");
  return Buffer.from(hkdfSync("sha256", secret, "patchparty", `patchparty ${purpose} ${VERSION}`, 32));
}

/** `plain` encrypted for the row `userId` (a person's, or a webhook endpoint's): "v1.<iv>.<tag>.<ciphertext>", base64url. */
export function sealSecret(plain: string, userId: string, purpose: SealPurpose = "totp-secret"): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(purpose), iv);
  cipher.setAAD(Buffer.from(userId));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

/** The secret sealed for `userId`, or null when it cannot be opened (another key, another row, damaged). */
export function openSecret(sealed: string, userId: string, purpose: SealPurpose = "totp-secret"): string | null {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || !body) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(purpose), Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(userId));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** Recovery codes as people type them: case, spaces and dashes do not matter. */
export const normalizeRecoveryCode = (code: string) => code.replace(/[\s-]/g, "").toLowerCase();

export const hashRecoveryCode = (code: string) => createHmac("sha256", key("recovery-code")).update(normalizeRecoveryCode(code)).digest("base64url");

/** Letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i). */
const ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";

/** A new recovery code: 10 characters (~49 bits), shown as "xxxxx-xxxxx". */
export function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
