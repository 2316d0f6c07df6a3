import "server-only";
import { Prisma, type Role as DbRole } from "@prisma/client";
import { expressionBuilder, sql } from "kysely";
import { db, execute, prepared, qb } from "../db";
import type { DB } from "../database/generated/kysely";
import type { CurrentUser, TeamScope } from "../auth/permissions";
import { recordAudit, type Actor } from "./audit";

const eb = expressionBuilder<DB & { m: DB["TeamMembership"] }, "m">();

/**
 * A user with their teams, selected from "User" u LEFT JOIN "TeamMembership" m ON m."userId" = u.id
 * … GROUP BY u.id: one statement, not a relation query, as it runs on every page (the signed-in
 * user as the database has them now), and a builder statement costs a third of the Node time of a
 * relation query. A caller may find the user and do its own work in the same statement (a token's
 * use, api-tokens.ts).
 */
export const USER_WITH_TEAMS = [
  "u.id",
  "u.email",
  "u.name",
  "u.role",
  eb.fn.coalesce(eb.fn.agg<string[]>("array_agg", ["m.teamId"]).orderBy("m.teamId").filterWhere("m.teamId", "is not", null), sql<string[]>`'{}'`).as("teamIds"),
] as const;

/** The signed-in user of a USER_WITH_TEAMS row. */
export const currentUserOf = (row: CurrentUser | undefined): CurrentUser | null =>
  row ? { id: row.id, email: row.email, name: row.name, role: row.role, teamIds: row.teamIds } : null;

/** The user whose `column` is the value, and their session version (compiled once: every page reads its user). */
const userWhere = (column: "u.id" | "u.email") =>
  prepared((v: { value: string }) =>
    qb
      .selectFrom("User as u")
      .leftJoin("TeamMembership as m", "m.userId", "u.id")
      .select([...USER_WITH_TEAMS, "u.sessionVersion"])
      .where(column, "=", v.value)
      .groupBy("u.id"),
  );
const userById = userWhere("u.id");
const userByEmail = userWhere("u.email");

export async function getUserById(id: string): Promise<CurrentUser | null> {
  const [row] = await execute(userById({ value: id }));
  return currentUserOf(row);
}

/** The user of a session, with the version their sessions must carry to be current (lib/auth/session.ts). */
export async function getSessionUser(id: string): Promise<{ user: CurrentUser; sessionVersion: number } | null> {
  const [row] = await execute(userById({ value: id }));
  const user = currentUserOf(row);
  return user && row ? { user, sessionVersion: row.sessionVersion } : null;
}

export async function getUserByEmail(email: string): Promise<CurrentUser | null> {
  const [row] = await execute(userByEmail({ value: email.toLowerCase() }));
  return currentUserOf(row);
}

export async function getPasswordHash(email: string): Promise<{ id: string; passwordHash: string | null } | null> {
  return db.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, passwordHash: true } });
}

export async function listTeamNames(ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await execute(teamNames({ ids }));
  return rows.map((r) => r.name);
}

/** Compiled once: the portal's layout reads them on every page. */
const teamNames = prepared((v: { ids: string[] }) =>
  qb
    .selectFrom("Team")
    .select("name")
    .where((eb) => eb("id", "=", eb.fn.any(eb.val(v.ids))))
    .orderBy("name"),
);

/** Compiled once: the calendar's and the resource list's filters read all teams (hundreds) on every request. */
const allTeams = prepared((_: Record<string, never>) => qb.selectFrom("Team").select(["id", "slug", "name"]).orderBy("name"));

/** The teams a reader may see (`readableTeams`): a customer does not learn the other customers' names. */
export async function listTeams(teams: TeamScope) {
  const rows = await execute(allTeams({}));
  return teams === null ? rows : rows.filter((t) => teams.includes(t.id));
}

export type CreateUserResult =
  | { ok: true; user: { id: string; email: string; name: string; role: DbRole; teams: string[] } }
  | { ok: false; reason: "exists" }
  | { ok: false; reason: "unknown-teams"; slugs: string[] };

/** A new user with a password and their teams, and its audit entry, in one transaction. */
export async function createUser(
  input: { email: string; name: string; role: DbRole; teamSlugs: string[] },
  passwordHash: string,
  actor: Actor,
): Promise<CreateUserResult> {
  try {
    return await db.$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) return { ok: false, reason: "exists" };
      const teams = await tx.team.findMany({ where: { slug: { in: input.teamSlugs } }, select: { id: true, slug: true }, orderBy: { slug: "asc" } });
      const unknown = input.teamSlugs.filter((slug) => !teams.some((t) => t.slug === slug));
      if (unknown.length) return { ok: false, reason: "unknown-teams", slugs: unknown };
      const user = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, passwordHash, memberships: { create: teams.map((t) => ({ teamId: t.id })) } },
        select: { id: true, email: true, name: true, role: true },
      });
      const created = { ...user, teams: teams.map((t) => t.slug) };
      await recordAudit(tx, {
        actor,
        action: "user.create",
        entityType: "user",
        entityId: user.id,
        entityLabel: user.email,
        after: { email: user.email, name: user.name, role: user.role, teams: created.teams },
      });
      return { ok: true, user: created };
    });
  } catch (error) {
    // Another process created the same e-mail between the check and the insert.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { ok: false, reason: "exists" };
    throw error;
  }
}
