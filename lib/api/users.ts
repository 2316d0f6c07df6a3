// /api/v1/users: people as admins manage them (lib/data/user-admin.ts).
import "server-only";
import type { UserRow } from "../data/user-admin";

export const userJson = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role.toLowerCase(),
  teams: u.teams,
  signsInWithPassword: u.hasPassword,
  twoFactor: u.twoFactor,
  lockedUntil: u.lockedUntil?.toISOString() ?? null,
});
