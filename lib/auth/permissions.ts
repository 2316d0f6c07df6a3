// What each role may do. Every server action and route handler asks `can` itself.
export type Role = "VIEWER" | "OWNER" | "APPROVER" | "ADMIN" | "EXECUTOR";

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
  EXECUTOR: "Executor (a machine that reports upgrades)",
};

type TeamTarget = { teamId: string };

export type Permission =
  | { action: "portal:read" }
  | { action: "calendar:export" }
  | { action: "resource:change"; target: TeamTarget }
  // Asking a server which updates are pending ("Scan now"): its team's owners and admins.
  | { action: "resource:scan"; target: TeamTarget }
  // Changing a selection at once (each resource in it is still checked with resource:change).
  | { action: "resource:bulk" }
  // Moving a cluster's node against the cluster rule, with a reason.
  | { action: "cluster:override" }
  | { action: "resource:import" }
  // Where the executors reach a resource (address, SSH port and user): admins only.
  | { action: "resource:connect" }
  | { action: "policy:create" }
  | { action: "policy:edit" }
  | { action: "policy:delete" }
  | { action: "party:manage" }
  | { action: "party-rule:edit" }
  // How long a pending update may wait, per severity (admins; issue 20).
  | { action: "deadlines:edit" }
  // Freeze periods: nothing starts inside one (admins).
  | { action: "freeze:manage" }
  | { action: "template:manage" }
  | { action: "upgrade:force" }
  | { action: "change:decide" }
  // The audit log: who did what, with e-mail addresses and sign-in lockouts (decision 017).
  | { action: "audit:read" }
  // Customer notices hold customers' e-mail addresses: owners read their teams' (noticeTeams).
  | { action: "notice:read" }
  | { action: "token:manage" }
  // Event webhooks: where the portal sends what happens (admins; their deliveries too).
  | { action: "webhook:manage" }
  // Inventory sources (Ansible, NetBox) and their syncs: they add, change and retire servers (admins).
  | { action: "inventory:manage" }
  // Seeing how upgrades are executed: the executors' settings and which templates choose their own.
  | { action: "execution:configure" }
  | { action: "team:manage" }
  // People: their roles, their sessions ("sign out everywhere"), their sign-in lockouts.
  | { action: "user:manage" }
  // Recording an upgrade's outcome: admins any, owners their team's resources, executors (machines) any.
  | { action: "execution:report"; target: { teamId: string | null } }
  // Reporting what a server has pending (the webhook and manual executors' scans): admins, executors, its team's owners.
  | { action: "updates:report"; target: TeamTarget };

export function can(user: CurrentUser | null, permission: Permission): boolean {
  if (!user) return false;
  if (user.role === "ADMIN") return true;
  // A machine that reports what it ran may do that and nothing else, reading pages included.
  if (user.role === "EXECUTOR") return permission.action === "execution:report" || permission.action === "updates:report";
  switch (permission.action) {
    case "portal:read":
    case "calendar:export":
      return true;
    case "audit:read":
      return user.role === "APPROVER";
    case "notice:read":
      return user.role === "APPROVER" || user.role === "OWNER";
    case "resource:change":
    case "resource:scan":
    case "updates:report":
      return user.role === "OWNER" && user.teamIds.includes(permission.target.teamId);
    case "resource:bulk":
      return user.role === "OWNER";
    case "change:decide":
      return user.role === "APPROVER";
    case "execution:report":
      return user.role === "OWNER" && permission.target.teamId !== null && user.teamIds.includes(permission.target.teamId);
    default:
      // Everything else is for admins only.
      return false;
  }
}

/**
 * The teams whose servers `user` may read (issue 21): a resource owner is a customer of the
 * provider and reads only their own teams' servers; operators (viewers), approvers, admins and
 * executors read every team's. Null for all; an empty list reads none. Every read of servers
 * takes it: lib/data/resource-list.ts applies it with the filters, so no caller can leave it out.
 */
export const readableTeams = (user: CurrentUser): TeamScope => (user.role === "OWNER" ? user.teamIds : null);

/** The teams a reader may see (`readableTeams`): null for all. */
export type TeamScope = readonly string[] | null;

/** The teams whose customer notices `user` may read: null for all (admins, approvers). */
export const noticeTeams = (user: CurrentUser): string[] | null =>
  user.role === "ADMIN" || user.role === "APPROVER" ? null : user.role === "OWNER" ? user.teamIds : [];
