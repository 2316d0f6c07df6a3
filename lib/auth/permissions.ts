// What each role may do. Every server action and route handler asks `can` itself.
export type Role = "VIEWER" | "OWNER" | "APPROVER" | "ADMIN";

export type CurrentUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamIds: string[];
};

export const ROLE_LABELS: Record<Role, string> = {
  VIEWER: "Viewer",
  OWNER: "Resource owner",
  APPROVER: "Approver (CAB)",
  ADMIN: "Admin",
};

type TeamTarget = { teamId: string };

export type Permission =
  | { action: "portal:read" }
  | { action: "calendar:export" }
  | { action: "resource:change"; target: TeamTarget }
  | { action: "resource:import" }
  | { action: "policy:create" }
  | { action: "policy:edit" }
  | { action: "policy:delete" }
  | { action: "party:manage" }
  | { action: "party-rule:edit" }
  | { action: "template:manage" }
  | { action: "upgrade:force" }
  | { action: "change:decide" }
  | { action: "audit:read" }
  | { action: "token:manage" }
  | { action: "team:manage" };

export function can(user: CurrentUser | null, permission: Permission): boolean {
  if (!user) return false;
  if (user.role === "ADMIN") return true;
  switch (permission.action) {
    case "portal:read":
    case "calendar:export":
    case "audit:read":
      return true;
    case "resource:change":
      return user.role === "OWNER" && user.teamIds.includes(permission.target.teamId);
    case "change:decide":
      return user.role === "APPROVER";
    default:
      // Everything else is for admins only.
      return false;
  }
}
