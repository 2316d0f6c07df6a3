import { Prisma, type Role as DbRole } from "@prisma/client";
import { db, sql } from "../db";
import type { CurrentUser } from "../auth/permissions";

type UserRow = { id: string; email: string; name: string; role: DbRole; teamIds: string[] };

/**
 * One user with their teams, in one statement: it runs on every page (the signed-in user as the
 * database has them now), and one raw statement costs a third of the Node time of a relation query.
 * `ctes` (a WITH clause) lets a caller find the user and do its own work in the same statement.
 */
export async function findUser(where: Prisma.Sql, ctes: Prisma.Sql = Prisma.empty): Promise<CurrentUser | null> {
  const [row] = await sql<UserRow>`
    ${ctes}
    SELECT u.id, u.email, u.name, u.role::text AS role,
           COALESCE(array_agg(m."teamId" ORDER BY m."teamId") FILTER (WHERE m."teamId" IS NOT NULL), '{}') AS "teamIds"
    FROM "User" u LEFT JOIN "TeamMembership" m ON m."userId" = u.id
    WHERE ${where} GROUP BY u.id`;
  return row ? { id: row.id, email: row.email, name: row.name, role: row.role, teamIds: row.teamIds } : null;
}

export function getUserById(id: string): Promise<CurrentUser | null> {
  return findUser(Prisma.sql`u.id = ${id}`);
}

export function getUserByEmail(email: string): Promise<CurrentUser | null> {
  return findUser(Prisma.sql`u.email = ${email.toLowerCase()}`);
}

export async function getPasswordHash(email: string): Promise<{ id: string; passwordHash: string | null } | null> {
  return db.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, passwordHash: true } });
}

export async function listTeamNames(ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  // Raw: the portal's layout reads them on every page.
  const rows = await sql<{ name: string }>`SELECT name FROM "Team" WHERE id = ANY(${ids}) ORDER BY name`;
  return rows.map((r) => r.name);
}

export function listTeams() {
  // Raw: the calendar's and the resource list's filters read all teams (hundreds) on every request.
  return sql<{ id: string; slug: string; name: string }>`SELECT id, slug, name FROM "Team" ORDER BY name`;
}
