// People and their sessions: the users page (/admin/users) and /api/v1/users. Ending a person's
// sessions raises their session version: every session made before carries the old one and is
// refused on its next request, in every web process and instance (lib/auth/session.ts).
import "server-only";
import type { Prisma, Role as DbRole } from "@prisma/client";
import { can, type CurrentUser } from "../auth/permissions";
import { hashPassword, verifyPassword } from "../auth/password";
import { signInError, signInErrorMessage } from "../auth/sign-in-errors";
import { lockedAccounts, recordSignInFailure, signInRefusal, unlockAccount } from "../auth/sign-in-limits";
import { db, execute, qb } from "../db";
import { recordAudit, type Actor } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";

export type SessionsEndedBecause = "sign-out" | "password-change" | "role-change" | "admin";

const actorOf = (user: CurrentUser): Actor => ({ id: user.id, label: user.email });

/**
 * Raises `userId`'s session version inside `tx`, the write that ends their sessions: every owner
 * of such a change (a role, a password, a second factor) calls it with its own audit row. The new
 * version, for a session the change itself makes (lib/auth/session-cookie.ts).
 */
export async function raiseSessionVersion(tx: Prisma.TransactionClient, userId: string): Promise<number> {
  const { sessionVersion } = await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } }, select: { sessionVersion: true } });
  return sessionVersion;
}

/** Ends every session of `userId` now (their next request finds them signed out). */
export async function endSessions(userId: string, actor: Actor, because: SessionsEndedBecause, now = new Date()): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) return false;
    await raiseSessionVersion(tx, userId);
    await recordAudit(tx, { actor, action: "user.sessions-end", entityType: "user", entityId: userId, entityLabel: user.email, after: { because }, at: now });
    return true;
  });
}

export type UserRow = {
  id: string;
  email: string;
  name: string;
  role: DbRole;
  teams: string[];
  hasPassword: boolean;
  /** Two-factor sign-in is on (an authenticator app confirmed). */
  twoFactor: boolean;
  lockedUntil: Date | null;
};

/** People by e-mail, 100 a page after `after` (an e-mail), those matching `q` in e-mail or name. */
export async function listUsers(
  viewer: CurrentUser,
  options: { q?: string; after?: string },
  now: Date,
): Promise<Outcome<{ users: UserRow[]; next: string | null }>> {
  if (!can(viewer, { action: "user:manage" })) return refuse(403, "forbidden", "Only admins can see and manage people.");
  const LIMIT = 100;
  let query = qb
    .selectFrom("User as u")
    .leftJoin("TeamMembership as m", "m.userId", "u.id")
    .leftJoin("Team as t", "t.id", "m.teamId")
    .select((eb) => [
      "u.id",
      "u.email",
      "u.name",
      "u.role",
      eb("u.passwordHash", "is not", null).as("hasPassword"),
      eb.exists(eb.selectFrom("TotpFactor as f").select("f.userId").whereRef("f.userId", "=", "u.id").where("f.enabledAt", "is not", null)).as("twoFactor"),
      eb.fn.coalesce(eb.fn.agg<string[]>("array_agg", ["t.slug"]).orderBy("t.slug").filterWhere("t.slug", "is not", null), eb.val<string[]>([])).as("teams"),
    ])
    .groupBy("u.id")
    .orderBy("u.email")
    .limit(LIMIT + 1);
  if (options.after) query = query.where("u.email", ">", options.after);
  if (options.q) {
    const pattern = `%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb("u.email", "ilike", pattern), eb("u.name", "ilike", pattern)]));
  }
  const rows = await execute(query);
  const page = rows.slice(0, LIMIT);
  const locked = await lockedAccounts(
    page.map((r) => r.email),
    now,
  );
  return succeed({
    users: page.map((r) => ({
      ...r,
      teams: [...r.teams],
      hasPassword: Boolean(r.hasPassword),
      twoFactor: Boolean(r.twoFactor),
      lockedUntil: locked.get(r.email) ?? null,
    })),
    next: rows.length > LIMIT ? (page.at(-1)?.email ?? null) : null,
  });
}

async function targetUser(viewer: CurrentUser, id: string) {
  if (!can(viewer, { action: "user:manage" })) return refuse(403, "forbidden", "Only admins can manage people.");
  const user = await db.user.findUnique({ where: { id }, select: { id: true, email: true, role: true } });
  return user ? succeed(user) : refuse(404, "not-found", "No such person.");
}

/** An admin's "sign out everywhere". */
export async function signOutEverywhere(viewer: CurrentUser, id: string, now: Date): Promise<Outcome<null>> {
  const target = await targetUser(viewer, id);
  if (!target.ok) return target;
  await endSessions(id, actorOf(viewer), "admin", now);
  return succeed(null);
}

/** A new role; the person's sessions end, so the next page they open is read with it. */
export async function changeRole(viewer: CurrentUser, id: string, role: DbRole, now: Date): Promise<Outcome<{ changed: boolean }>> {
  const target = await targetUser(viewer, id);
  if (!target.ok) return target;
  if (id === viewer.id && role !== "ADMIN") return refuse(409, "own-role", "You cannot take away your own admin role: ask another admin.");
  if (target.value.role === role) return succeed({ changed: false });
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id }, data: { role } });
    await raiseSessionVersion(tx, id);
    await recordAudit(tx, {
      actor: actorOf(viewer),
      action: "user.role",
      entityType: "user",
      entityId: id,
      entityLabel: target.value.email,
      before: { role: target.value.role },
      after: { role, sessionsEnded: true },
      at: now,
    });
  });
  return succeed({ changed: true });
}

/**
 * An admin turns off someone's two-factor sign-in, for a person who lost both their app and their
 * recovery codes: their app and codes are forgotten and their sessions end, audited. Not one's
 * own: that is turned off on the account page, with a code.
 */
export async function resetSecondFactor(viewer: CurrentUser, id: string, now: Date): Promise<Outcome<{ wasOn: boolean }>> {
  const target = await targetUser(viewer, id);
  if (!target.ok) return target;
  if (id === viewer.id) return refuse(409, "own-second-factor", "Turn off your own two-factor sign-in on your account page, with a code.");
  const wasOn = await db.$transaction(async (tx) => {
    const removed = await tx.totpFactor.deleteMany({ where: { userId: id, enabledAt: { not: null } } });
    if (removed.count === 0) return false;
    await tx.recoveryCode.deleteMany({ where: { userId: id } });
    await raiseSessionVersion(tx, id);
    await recordAudit(tx, {
      actor: actorOf(viewer),
      action: "user.mfa-off",
      entityType: "user",
      entityId: id,
      entityLabel: target.value.email,
      after: { byAdmin: true, sessionsEnded: true },
      at: now,
    });
    return true;
  });
  return succeed({ wasOn });
}

/** An admin lifts a sign-in lockout. */
export async function unlockUser(viewer: CurrentUser, id: string, now: Date): Promise<Outcome<{ wasLocked: boolean }>> {
  const target = await targetUser(viewer, id);
  if (!target.ok) return target;
  const wasLocked = await unlockAccount(target.value.email);
  await recordAudit(db, {
    actor: actorOf(viewer),
    action: "user.unlock",
    entityType: "user",
    entityId: id,
    entityLabel: target.value.email,
    before: { locked: wasLocked },
    after: { locked: false },
    at: now,
  });
  return succeed({ wasLocked });
}

/**
 * A person changes their own password with their current one; every session of theirs ends, this
 * one too. A wrong current password counts as a failed sign-in (so a stolen session cannot be used
 * to guess it), and a locked account cannot change it.
 */
export async function changeOwnPassword(user: CurrentUser, current: string, next: string, address: string, now: Date): Promise<Outcome<null>> {
  const row = await db.user.findUnique({ where: { id: user.id }, select: { passwordHash: true } });
  if (!row?.passwordHash) return refuse(409, "no-password", "You sign in through single sign-on: change your password there.");
  const refusal = await signInRefusal(user.email, address);
  if (refusal)
    return refuse(
      409,
      "locked",
      signInErrorMessage(signInError(refusal.reason === "account-locked" ? "locked" : "address-blocked", refusal.retryAfterSeconds)),
    );
  if (!(await verifyPassword(current, row.passwordHash))) {
    await recordSignInFailure(user.email, address, now);
    return refuse(400, "wrong-password", "The current password is wrong.");
  }
  const hash = await hashPassword(next);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash: hash } });
    await raiseSessionVersion(tx, user.id);
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "user.password-change",
      entityType: "user",
      entityId: user.id,
      entityLabel: user.email,
      after: { sessionsEnded: true },
      at: now,
    });
  });
  return succeed(null);
}
