// Who must sign in with a second factor, and whether a session was (decision 017). Pure: the
// session check (session.ts), the sign-in (options.ts) and the account page share it.
import "server-only";
import type { Role } from "./permissions";

export type MfaMode = "privileged" | "all" | "off";

/** What the person is told, by every page, action and API route they may not use yet. */
export const SECOND_FACTOR_REQUIRED = "Set up two-factor sign-in first: your role needs it (your account page).";

/** Thrown by authenticateRequest for such a session; the API's wrapper (lib/api/respond.ts) answers 403 with the message. */
export class SecondFactorRequired extends Error {
  override name = "SecondFactorRequired";
  constructor() {
    super(SECOND_FACTOR_REQUIRED);
  }
}

/** Where such a person is sent: the account page, which says why. */
export const SECOND_FACTOR_SETUP_PATH = "/account?required=two-factor";

/** How a session was signed in (its `amr`): a password, and a code from an authenticator app or a recovery code. */
export const AMR_PASSWORD = "pwd";
export const AMR_ONE_TIME_CODE = "otp";

/**
 * RFC 8176 methods that prove a second factor when a single sign-on provider reports them in
 * `amr`: several factors (mfa, mca), a one-time code (otp, sms, tel), a key or card (hwk, swk, sc).
 */
const SECOND_FACTOR_METHODS = new Set(["mfa", "mca", "otp", "sms", "tel", "hwk", "swk", "sc"]);

/** Roles whose sessions need a second factor under `mode`: admins and approvers decide and change things. */
export function secondFactorRequired(role: Role, mode: MfaMode): boolean {
  if (role === "EXECUTOR" || mode === "off") return false; // a machine opens no session
  return mode === "all" || role === "ADMIN" || role === "APPROVER";
}

/** Whether a session's sign-in included a second factor: our code, or the provider's word (amr, or an acr the operator lists). */
export function sessionHasSecondFactor(session: { amr?: readonly string[]; acr?: string }, mfaAcr: readonly string[]): boolean {
  if (session.amr?.some((method) => SECOND_FACTOR_METHODS.has(method))) return true;
  return typeof session.acr === "string" && mfaAcr.includes(session.acr);
}

/** Whether this person's session may not be used until it has a second factor. */
export const secondFactorMissing = (role: Role, session: { amr?: readonly string[]; acr?: string }, mode: MfaMode, mfaAcr: readonly string[]) =>
  secondFactorRequired(role, mode) && !sessionHasSecondFactor(session, mfaAcr);

/** A single sign-on profile's `amr` and `acr`, kept short and to strings: the token is a cookie. */
export function providerMethods(profile: { amr?: unknown; acr?: unknown } | undefined): { amr: string[]; acr?: string } {
  const text = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= 64;
  const amr = Array.isArray(profile?.amr) ? profile.amr.filter(text).slice(0, 8) : [];
  return { amr, ...(text(profile?.acr) ? { acr: profile.acr } : {}) };
}

/** A TOTP code (6 digits) or a recovery code (10 letters and digits, dashes and spaces aside), as typed. */
export const isTotpCode = (code: string) => /^\d{6}$/.test(code.replace(/\s/g, ""));
