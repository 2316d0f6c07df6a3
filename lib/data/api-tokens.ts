import "server-only";
import { db, execute, prepared, qb } from "../db";
import { hashToken, newTokenSecret } from "../auth/api-tokens";
import type { CurrentUser } from "../auth/permissions";
import { TOKEN_DAYS_MAX, tokenExpiry, type TokenScope } from "../domain/api-tokens";
import { recordAudit, type Actor } from "./audit";
import { currentUserOf, USER_WITH_TEAMS } from "./users";

/**
 * The live token's user, scope and expiry, and its use recorded when unexpired and the last one
 * is older than `usedBefore` (compiled once).
 */
const tokenUser = prepared((v: { hash: string; now: Date; usedBefore: Date }) =>
  qb
    .with("token", (db) =>
      db.selectFrom("ApiToken").select(["id", "userId", "scope", "expiresAt", "lastUsedAt"]).where("tokenHash", "=", v.hash).where("revokedAt", "is", null),
    )
    .with("used", (db) =>
      db
        .updateTable("ApiToken as t")
        .from("token")
        .set({ lastUsedAt: v.now })
        .whereRef("t.id", "=", "token.id")
        .where("token.expiresAt", ">", v.now)
        .where((eb) => eb.or([eb("token.lastUsedAt", "is", null), eb("token.lastUsedAt", "<", v.usedBefore)])),
    )
    .selectFrom("token")
    .innerJoin("User as u", "u.id", "token.userId")
    .leftJoin("TeamMembership as m", "m.userId", "u.id")
    .select([...USER_WITH_TEAMS, "token.scope", "token.expiresAt"])
    .groupBy(["u.id", "token.scope", "token.expiresAt"]),
);

export type ApiTokenCaller = { user: CurrentUser; scope: TokenScope; expiresAt: Date };

/**
 * The user a token that is not revoked belongs to, with what the token may do, and its use recorded
 * (at most once a minute, so reads stay reads), in one statement: every API request with a token
 * runs it. Whether it may make a request (expired, read-only) is `tokenRefusal`'s to say.
 */
export async function findApiToken(secret: string, now = new Date()): Promise<ApiTokenCaller | null> {
  if (secret.length > 200) return null;
  const [row] = await execute(tokenUser({ hash: hashToken(secret), now, usedBefore: new Date(now.getTime() - 60_000) }));
  const user = currentUserOf(row);
  return row && user ? { user, scope: row.scope === "READ" ? "read" : "write", expiresAt: row.expiresAt } : null;
}

export type NewApiToken = { name: string; scope: TokenScope; days: number };

/** Creates a token for `userId` that expires `days` from `now`; the secret is in the result and nowhere else. */
export async function createApiToken(userId: string, { name, scope, days }: NewApiToken, actor: Actor, now = new Date()) {
  if (!Number.isInteger(days) || days < 1 || days > TOKEN_DAYS_MAX) throw new RangeError(`A token lives 1 to ${TOKEN_DAYS_MAX} days, not ${days}.`);
  const { secret, hash, prefix } = newTokenSecret();
  const expiresAt = tokenExpiry(now, days);
  const token = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { userId, name, tokenHash: hash, prefix, scope: scope === "read" ? "READ" : "WRITE", createdAt: now, expiresAt },
      select: { id: true, name: true, prefix: true, expiresAt: true, user: { select: { email: true } } },
    });
    await recordAudit(tx, {
      actor,
      action: "api-token.create",
      entityType: "api-token",
      entityId: created.id,
      entityLabel: `${created.name} (${created.user.email})`,
      after: { name: created.name, prefix: created.prefix, user: created.user.email, scope, expiresAt: expiresAt.toISOString() },
      at: now,
    });
    return created;
  });
  return { ...token, scope, secret };
}

export async function revokeApiToken(id: string, actor: Actor): Promise<"revoked" | "not-found" | "already-revoked"> {
  return db.$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { id }, select: { id: true, name: true, revokedAt: true, user: { select: { email: true } } } });
    if (!token) return "not-found";
    if (token.revokedAt) return "already-revoked";
    const { count } = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) return "already-revoked";
    await recordAudit(tx, {
      actor,
      action: "api-token.revoke",
      entityType: "api-token",
      entityId: id,
      entityLabel: `${token.name} (${token.user.email})`,
      before: { revoked: false },
      after: { revoked: true },
    });
    return "revoked";
  });
}

export function listApiTokens() {
  return db.apiToken.findMany({
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: 200,
    select: {
      id: true,
      name: true,
      prefix: true,
      scope: true,
      createdAt: true,
      expiresAt: true,
      lastUsedAt: true,
      revokedAt: true,
      user: { select: { email: true } },
    },
  });
}
