import type { Role as DbRole } from "@prisma/client";
import { db } from "../db";
import type { CurrentUser } from "../auth/permissions";

const userSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  memberships: { select: { teamId: true } },
} as const;

type UserRow = { id: string; email: string; name: string; role: DbRole; memberships: { teamId: string }[] };

const toCurrentUser = (row: UserRow): CurrentUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  teamIds: row.memberships.map((m) => m.teamId),
});

export async function getUserById(id: string): Promise<CurrentUser | null> {
  const row = await db.user.findUnique({ where: { id }, select: userSelect });
  return row ? toCurrentUser(row) : null;
}

export async function getUserByEmail(email: string): Promise<CurrentUser | null> {
  const row = await db.user.findUnique({ where: { email: email.toLowerCase() }, select: userSelect });
  return row ? toCurrentUser(row) : null;
}

export async function getPasswordHash(email: string): Promise<{ id: string; passwordHash: string | null } | null> {
  return db.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true, passwordHash: true } });
}

export async function listTeamNames(ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.team.findMany({ where: { id: { in: ids } }, select: { name: true }, orderBy: { name: "asc" } });
  return rows.map((r) => r.name);
}

export function listTeams() {
  return db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, slug: true, name: true } });
}
