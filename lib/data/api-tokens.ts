import "server-only";
import { db, execute, prepared, qb } from "../db";
import { hashToken, newTokenSecret } from "../auth/api-tokens";
import type { CurrentUser } from "../auth/permissions";
import { recordAudit, type Actor } from "./audit";
import { currentUserOf, USER_WITH_TEAMS } from "./users";

/** The token's user, and its use recorded when the last one is older than `usedBefore` (compiled once). */
const tokenUser = prepared((v: { hash: string; now: Date; usedBefore: Date }) =>
  qb
    .with("token", (db) => db.selectFrom("ApiToken").select(["id", "userId", "lastUsedAt"]).where("tokenHash", "=", v.hash).where("revokedAt", "is", null))
    .with("used", (db) =>
      db
        .updateTable("ApiToken as t")
        .from("token")
        .set({ lastUsedAt: v.now })
        .whereRef("t.id", "=", "token.id")
        .where((eb) => eb.or([eb("token.lastUsedAt", "is", null), eb("token.lastUsedAt", "<", v.usedBefore)])),
    )
    .selectFrom("User as u")
    .leftJoin("TeamMembership as m", "m.userId", "u.id")
    .select(USER_WITH_TEAMS)
    .where((eb) => eb("u.id", "=", eb.selectFrom("token").select("userId")))
    .groupBy("u.id"),
);

/**
 * The user a live token belongs to, and the token's use recorded (at most once a minute, so reads
 * stay reads), in one statement: every API request with a token runs it.
 */
export async function findUserByToken(secret: string): Promise<CurrentUser | null> {
  if (secret.length > 200) return null;
  const now = new Date();
  const [row] = await execute(tokenUser({ hash: hashToken(secret), now, usedBefore: new Date(now.getTime() - 60_000) }));
  return currentUserOf(row);
}

/** Creates a token for `userId`; the secret is in the result and nowhere else. */
export async function createApiToken(userId: string, name: string, actor: Actor) {
  const { secret, hash, prefix } = newTokenSecret();
  const token = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { userId, name, tokenHash: hash, prefix },
      select: { id: true, name: true, prefix: true, user: { select: { email: true } } },
    });
    await recordAudit(tx, {
      actor,
      action: "api-token.create",
      entityType: "api-token",
      entityId: created.id,
      entityLabel: `${created.name} (${created.user.email})`,
      after: { name: created.name, prefix: created.prefix, user: created.user.email },
    });
    return created;
  });
  return { ...token, secret };
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
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true, user: { select: { email: true } } },
  });
}
