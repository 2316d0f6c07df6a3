// Codes from an authenticator app (RFC 6238 TOTP: SHA-1, 6 digits, 30 seconds, what every app
// reads from a QR code), through otpauth.
import "server-only";
import { Secret, TOTP } from "otpauth";

const PERIOD = 30;
/** A code of the step before or after is taken too: phones' clocks drift. */
const WINDOW = 1;

const totp = (base32: string, label = "PatchParty") =>
  new TOTP({ issuer: "PatchParty", label, algorithm: "SHA1", digits: 6, period: PERIOD, secret: Secret.fromBase32(base32) });

/** A new secret (160 bits, base32) for a person's app. */
export const newTotpSecret = () => new Secret({ size: 20 }).base32;

/** The otpauth:// address the QR code holds. */
export const totpUri = (base32: string, email: string) => totp(base32, email).toString();

/** The secret as people type it into an app by hand: groups of four. */
export const spacedSecret = (base32: string) => base32.replace(/(.{4})/g, "$1 ").trim();

/**
 * The 30-second step of `code` when it is right at `now` and newer than `lastStep` (the step of
 * the last code taken: a code is taken once), else null.
 */
export function acceptedStep(base32: string, code: string, now: Date, lastStep: number): number | null {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(base32).validate({ token, timestamp: now.getTime(), window: WINDOW });
  if (delta === null) return null;
  const step = Math.floor(now.getTime() / 1000 / PERIOD) + delta;
  return step > lastStep ? step : null;
}
