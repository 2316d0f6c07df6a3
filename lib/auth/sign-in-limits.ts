// Failed sign-ins, counted in PostgreSQL (rate-limiter-flexible's store, table "rate_limits") so
// every web process and every instance sees the same counts:
// - an account (by e-mail, known or not, so a lockout says nothing of who exists) is locked after
//   ACCOUNT_FAILURES failures in WINDOW, for 15 minutes the first time in a day, then twice as
//   long each time, up to a day; even the right password is refused while it lasts;
// - an address (lib/auth/client-address.ts) is blocked after ADDRESS_FAILURES failures in WINDOW
//   across any accounts: one password tried against many accounts.
// Both are checked before the password is, so a locked account or a blocked address costs no
// bcrypt. Every lockout and block is audited; an admin can unlock a person.
import "server-only";
import { RateLimiterPostgres, type RateLimiterRes } from "rate-limiter-flexible";
import { db, execute, pgPool, qb } from "../db";
import { recordAudit, type Actor } from "../data/audit";

export const ACCOUNT_FAILURES = 5;
export const ADDRESS_FAILURES = 30;
const WINDOW_SECONDS = 15 * 60;
const FIRST_LOCKOUT_SECONDS = 15 * 60;
const MAX_LOCKOUT_SECONDS = 24 * 60 * 60;
/** Lockouts within this long of each other make the next one longer. */
const LOCKOUT_MEMORY_SECONDS = 24 * 60 * 60;
const ADDRESS_BLOCK_SECONDS = 15 * 60;
const TABLE = "rate_limits";

/** How long an account's `nth` lockout of the day lasts: 15 min, 30, 60, … at most a day. */
export const lockoutSeconds = (nth: number) => Math.min(FIRST_LOCKOUT_SECONDS * 2 ** Math.max(0, nth - 1), MAX_LOCKOUT_SECONDS);

type Limiters = { account: RateLimiterPostgres; lockouts: RateLimiterPostgres; address: RateLimiterPostgres };
const globalForLimits = globalThis as unknown as { signInLimiters?: Limiters };

function limiters(): Limiters {
  const make = (keyPrefix: string, points: number, duration: number) =>
    // The table is the migrations' (prisma/schema.prisma, RateLimit): the app's role creates none.
    new RateLimiterPostgres({ storeClient: pgPool(), tableName: TABLE, tableCreated: true, keyPrefix, points, duration });
  return (globalForLimits.signInLimiters ??= {
    account: make("sign-in-account", ACCOUNT_FAILURES, WINDOW_SECONDS),
    lockouts: make("sign-in-lockouts", 1_000, LOCKOUT_MEMORY_SECONDS),
    address: make("sign-in-address", ADDRESS_FAILURES, WINDOW_SECONDS),
  });
}

export type SignInRefusal = { reason: "account-locked" | "address-blocked"; retryAfterSeconds: number };

/** Whether a result of `block` (points beyond the limit) is in force. */
const blocked = (res: RateLimiterRes | null, limit: number) =>
  res && res.consumedPoints > limit && res.msBeforeNext > 0 ? Math.ceil(res.msBeforeNext / 1000) : 0;

const accountKey = (email: string) => email.trim().toLowerCase();

/** Why a sign-in for `email` from `address` is refused before its password is even checked, if it is. */
export async function signInRefusal(email: string, address: string): Promise<SignInRefusal | null> {
  const { account, address: byAddress } = limiters();
  const [accountState, addressState] = await Promise.all([account.get(accountKey(email)), byAddress.get(address)]);
  const accountWait = blocked(accountState, ACCOUNT_FAILURES);
  if (accountWait) return { reason: "account-locked", retryAfterSeconds: accountWait };
  const addressWait = blocked(addressState, ADDRESS_FAILURES);
  return addressWait ? { reason: "address-blocked", retryAfterSeconds: addressWait } : null;
}

/**
 * A wrong password (or second factor) for `email` from `address`: counted, and the account
 * locked or the address blocked when that was one too many. Audited when it locks or blocks.
 */
export async function recordSignInFailure(email: string, address: string, now: Date): Promise<void> {
  const { account, lockouts, address: byAddress } = limiters();
  const key = accountKey(email);
  const [accountRes, addressRes] = await Promise.all([consumed(account, key), consumed(byAddress, address)]);
  const system: Actor = { id: null, label: `sign-in from ${address}` };
  if (accountRes.consumedPoints === ACCOUNT_FAILURES) {
    const nth = (await consumed(lockouts, key)).consumedPoints;
    const seconds = lockoutSeconds(nth);
    await account.block(key, seconds);
    const user = await db.user.findUnique({ where: { email: key }, select: { id: true } });
    await recordAudit(db, {
      actor: system,
      action: "user.lockout",
      entityType: "user",
      entityId: user?.id ?? key,
      entityLabel: key,
      after: { failures: ACCOUNT_FAILURES, lockoutOfTheDay: nth, lockedForSeconds: seconds, until: new Date(now.getTime() + seconds * 1000).toISOString() },
      at: now,
    });
  }
  if (addressRes.consumedPoints === ADDRESS_FAILURES) {
    await byAddress.block(address, ADDRESS_BLOCK_SECONDS);
    await recordAudit(db, {
      actor: system,
      action: "sign-in.address-blocked",
      entityType: "address",
      entityId: address,
      entityLabel: address,
      after: { failures: ADDRESS_FAILURES, blockedForSeconds: ADDRESS_BLOCK_SECONDS },
      at: now,
    });
  }
}

/** A consume that resolves whether or not it went over the limit (the library rejects then). */
async function consumed(limiter: RateLimiterPostgres, key: string): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key);
  } catch (error) {
    if (error instanceof Error) throw error; // the store failed, not the limit
    return error as RateLimiterRes;
  }
}

/** A right password: the account's run of failures starts again (its lockouts of the day stay). */
export async function recordSignInSuccess(email: string): Promise<void> {
  await limiters().account.delete(accountKey(email));
}

/** Accounts locked now, by e-mail, with when their lockout ends (the users page). */
export async function lockedAccounts(emails: string[], now: Date): Promise<Map<string, Date>> {
  if (emails.length === 0) return new Map();
  const prefix = "sign-in-account:";
  const rows = await execute(
    qb
      .selectFrom("rate_limits")
      .select(["key", "expire"])
      .where((eb) => eb("key", "=", eb.fn.any(eb.val(emails.map((e) => prefix + accountKey(e))))))
      .where("points", ">", ACCOUNT_FAILURES)
      .where("expire", ">", String(now.getTime())),
  );
  return new Map(rows.map((r) => [r.key.slice(prefix.length), new Date(Number(r.expire))]));
}

/** An admin lifts a person's lockout and forgets their lockouts of the day. Audited by the caller's transaction. */
export async function unlockAccount(email: string): Promise<boolean> {
  const { account, lockouts } = limiters();
  const [wasLocked] = await Promise.all([account.get(accountKey(email)).then((res) => blocked(res, ACCOUNT_FAILURES) > 0), lockouts.delete(accountKey(email))]);
  await account.delete(accountKey(email));
  return wasLocked;
}
