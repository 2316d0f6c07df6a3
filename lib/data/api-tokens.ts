import { Prisma } from "@prisma/client";
import { db } from "../db";
import { hashToken, newTokenSecret } from "../auth/api-tokens";
import type { CurrentUser } from "../auth/permissions";
import { recordAudit, type Actor } from "./audit";
import { findUser } from "./users";

/**
 * The user a live token belongs to, and the token's use recorded (at most once a minute, so reads
 * stay reads), in one statement: every API request with a token runs it.
 */
export function findUserByToken(secret: string): Promise<CurrentUser | null> {
  if (secret.length > 200) return Promise.resolve(null);
  const now = new Date();
  return findUser(
    Prisma.sql`u.id = (SELECT "userId" FROM token)`,
    Prisma.sql`WITH token AS (SELECT id, "userId", "lastUsedAt" FROM "ApiToken" WHERE "tokenHash" = ${hashToken(secret)} AND "revokedAt" IS NULL),
      used AS (UPDATE "ApiToken" t SET "lastUsedAt" = ${now} FROM token
               WHERE t.id = token.id AND (token."lastUsedAt" IS NULL OR token."lastUsedAt" < ${new Date(now.getTime() - 60_000)}))`,
  );
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
