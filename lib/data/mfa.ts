// Two-factor sign-in (decision 017): a person's authenticator app and recovery codes. This module
// owns every change to them and its audit row. Secrets and codes never reach a log or an audit
// row; a code is taken once (a TOTP step cannot be replayed, a recovery code is spent).
import "server-only";
import type { Prisma } from "@prisma/client";
import type { CurrentUser } from "../auth/permissions";
import { isTotpCode } from "../auth/second-factor";
import { hashRecoveryCode, newRecoveryCode, openSecret, sealSecret } from "../auth/secret-box";
import { signInError, signInErrorMessage } from "../auth/sign-in-errors";
import { recordSignInFailure, signInRefusal } from "../auth/sign-in-limits";
import { acceptedStep, newTotpSecret, spacedSecret, totpUri } from "../auth/totp";
import { db } from "../db";
import { recordAudit, type Actor } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";
import { raiseSessionVersion } from "./user-admin";

export const RECOVERY_CODE_COUNT = 10;

const actorOf = (user: Pick<CurrentUser, "id" | "email">): Actor => ({ id: user.id, label: user.email });

export type SecondFactorState = {
  /** When the app was confirmed; null when two-factor sign-in is off. */
  enabledAt: Date | null;
  recoveryCodesLeft: number;
  /** While setting up: the secret for the app, to scan (uri) or type (secret). */
  setup: { secret: string; uri: string } | null;
};

/** The account page's view of the person's own second factor. */
export async function getSecondFactor(user: Pick<CurrentUser, "id" | "email">): Promise<SecondFactorState> {
  const [factor, recoveryCodesLeft] = await Promise.all([
    db.totpFactor.findUnique({ where: { userId: user.id }, select: { secret: true, enabledAt: true } }),
    db.recoveryCode.count({ where: { userId: user.id, usedAt: null } }),
  ]);
  const secret = factor && !factor.enabledAt ? openSecret(factor.secret, user.id) : null;
  return {
    enabledAt: factor?.enabledAt ?? null,
    recoveryCodesLeft: factor?.enabledAt ? recoveryCodesLeft : 0,
    setup: secret ? { secret: spacedSecret(secret), uri: totpUri(secret, user.email) } : null,
  };
}

/** Whether signing in as `userId` asks for a code. */
export async function hasSecondFactor(userId: string): Promise<boolean> {
  const factor = await db.totpFactor.findUnique({ where: { userId }, select: { enabledAt: true } });
  return Boolean(factor?.enabledAt);
}

/** A new secret to set up an app with, replacing one not confirmed yet. */
export async function startSecondFactorSetup(user: CurrentUser): Promise<Outcome<null>> {
  if (await hasSecondFactor(user.id)) return refuse(409, "already-on", "Two-factor sign-in is already on: turn it off first to use another app.");
  const secret = sealSecret(newTotpSecret(), user.id);
  await db.totpFactor.upsert({ where: { userId: user.id }, create: { userId: user.id, secret }, update: { secret, lastStep: 0 } });
  return succeed(null);
}

/** Recovery codes, new, replacing any the person had: their hashes are stored, the codes returned once. */
async function replaceRecoveryCodes(tx: Prisma.TransactionClient, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) })) });
  return codes;
}

/**
 * The first code from the app turns two-factor sign-in on: recovery codes are made (returned to
 * be shown once), every other session of the person ends (the new session version is returned for
 * this one), and it is audited.
 */
export async function confirmSecondFactorSetup(
  user: CurrentUser,
  code: string,
  now: Date,
): Promise<Outcome<{ recoveryCodes: string[]; sessionVersion: number }>> {
  const factor = await db.totpFactor.findUnique({ where: { userId: user.id }, select: { secret: true, enabledAt: true, lastStep: true } });
  if (factor?.enabledAt) return refuse(409, "already-on", "Two-factor sign-in is already on.");
  const secret = factor ? openSecret(factor.secret, user.id) : null;
  if (!factor || !secret) return refuse(409, "no-setup", "Start the set-up again: choose “Set up two-factor sign-in”.");
  const step = acceptedStep(secret, code, now, factor.lastStep);
  if (step === null) return refuse(400, "wrong-code", "That code is not right: type the 6 digits your app shows now for PatchParty.");
  const done = await db.$transaction(async (tx) => {
    // Only the first of two confirmations at once turns it on.
    const { count } = await tx.totpFactor.updateMany({
      where: { userId: user.id, enabledAt: null, lastStep: { lt: step } },
      data: { enabledAt: now, lastStep: step },
    });
    if (count !== 1) return null;
    const recoveryCodes = await replaceRecoveryCodes(tx, user.id);
    const sessionVersion = await raiseSessionVersion(tx, user.id);
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "user.mfa-on",
      entityType: "user",
      entityId: user.id,
      entityLabel: user.email,
      after: { method: "authenticator app", recoveryCodes: RECOVERY_CODE_COUNT, otherSessionsEnded: true },
      at: now,
    });
    return { recoveryCodes, sessionVersion };
  });
  return done ? succeed(done) : refuse(409, "already-on", "Two-factor sign-in is already on.");
}

export type SecondFactorMethod = "authenticator app" | "recovery code";

/**
 * Takes `code` for `user` if it is right: a code from their app newer than the last one taken, or
 * one of their recovery codes not used yet (then spent, and audited). Null when it is not.
 */
export async function takeSecondFactorCode(user: Pick<CurrentUser, "id" | "email">, code: string, now: Date): Promise<SecondFactorMethod | null> {
  const factor = await db.totpFactor.findUnique({ where: { userId: user.id }, select: { secret: true, enabledAt: true, lastStep: true } });
  if (!factor?.enabledAt) return null;
  if (isTotpCode(code)) {
    const secret = openSecret(factor.secret, user.id);
    const step = secret ? acceptedStep(secret, code, now, factor.lastStep) : null;
    if (step === null) return null;
    const { count } = await db.totpFactor.updateMany({ where: { userId: user.id, lastStep: { lt: step } }, data: { lastStep: step } });
    return count === 1 ? "authenticator app" : null;
  }
  return db.$transaction(async (tx) => {
    const { count } = await tx.recoveryCode.updateMany({ where: { userId: user.id, codeHash: hashRecoveryCode(code), usedAt: null }, data: { usedAt: now } });
    if (count !== 1) return null;
    const left = await tx.recoveryCode.count({ where: { userId: user.id, usedAt: null } });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "user.recovery-code-used",
      entityType: "user",
      entityId: user.id,
      entityLabel: user.email,
      after: { left },
      at: now,
    });
    return "recovery code" as const;
  });
}

/**
 * A signed-in person proves their second factor again (to change it, or to add it to a session
 * made without one). As with a password, a wrong code counts as a failed sign-in, and a locked
 * account is refused before its code is looked at.
 */
export async function proveSecondFactor(user: CurrentUser, code: string, address: string, now: Date): Promise<Outcome<SecondFactorMethod>> {
  if (!(await hasSecondFactor(user.id))) return refuse(409, "off", "Two-factor sign-in is off for you.");
  const refusal = await signInRefusal(user.email, address);
  if (refusal)
    return refuse(
      409,
      "locked",
      signInErrorMessage(signInError(refusal.reason === "account-locked" ? "locked" : "address-blocked", refusal.retryAfterSeconds)),
    );
  const method = await takeSecondFactorCode(user, code, now);
  if (method) return succeed(method);
  await recordSignInFailure(user.email, address, now);
  return refuse(400, "wrong-code", "That code is not right: type the 6 digits your app shows now, or one of your recovery codes.");
}

/** New recovery codes for old ones (lost, or used up), with a code. */
export async function regenerateRecoveryCodes(user: CurrentUser, code: string, address: string, now: Date): Promise<Outcome<{ recoveryCodes: string[] }>> {
  const proved = await proveSecondFactor(user, code, address, now);
  if (!proved.ok) return proved;
  const recoveryCodes = await db.$transaction(async (tx) => {
    const codes = await replaceRecoveryCodes(tx, user.id);
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "user.recovery-codes",
      entityType: "user",
      entityId: user.id,
      entityLabel: user.email,
      after: { recoveryCodes: RECOVERY_CODE_COUNT, provedWith: proved.value },
      at: now,
    });
    return codes;
  });
  return succeed({ recoveryCodes });
}

/** Two-factor sign-in off, with a code: the app and the recovery codes are forgotten, every other session ends, audited. */
export async function turnOffSecondFactor(user: CurrentUser, code: string, address: string, now: Date): Promise<Outcome<{ sessionVersion: number }>> {
  const proved = await proveSecondFactor(user, code, address, now);
  if (!proved.ok) return proved;
  const sessionVersion = await db.$transaction(async (tx) => {
    await tx.totpFactor.deleteMany({ where: { userId: user.id } });
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    const version = await raiseSessionVersion(tx, user.id);
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "user.mfa-off",
      entityType: "user",
      entityId: user.id,
      entityLabel: user.email,
      after: { provedWith: proved.value, otherSessionsEnded: true },
      at: now,
    });
    return version;
  });
  return succeed({ sessionVersion });
}
