import { describe, expect, it } from "vitest";
import { can, type CurrentUser, type Permission } from "@/lib/auth/permissions";

const user = (role: CurrentUser["role"], teamIds: string[] = []): CurrentUser => ({ id: role, email: `${role}@x`, name: role, role, teamIds });

describe("can", () => {
  const adminOnly: Permission[] = [
    { action: "policy:create" },
    { action: "policy:edit" },
    { action: "policy:delete" },
    { action: "token:manage" },
    { action: "execution:configure" },
    { action: "party-rule:edit" },
    { action: "resource:import" },
    { action: "upgrade:force" },
  ];

  it("lets only admins manage policies, tokens and the party rule", () => {
    for (const permission of adminOnly) {
      expect(can(user("ADMIN"), permission)).toBe(true);
      for (const role of ["VIEWER", "OWNER", "APPROVER"] as const) expect(can(user(role, ["t1"]), permission)).toBe(false);
    }
  });

  it("lets owners change their own team's resources only", () => {
    const target = { teamId: "t1" };
    expect(can(user("OWNER", ["t1"]), { action: "resource:change", target })).toBe(true);
    expect(can(user("OWNER", ["t2"]), { action: "resource:change", target })).toBe(false);
    expect(can(user("VIEWER", ["t1"]), { action: "resource:change", target })).toBe(false);
    expect(can(user("ADMIN"), { action: "resource:change", target })).toBe(true);
  });

  it("lets executors, admins and the server's team owners report its pending updates, and executors nothing else", () => {
    const target = { teamId: "t1" };
    expect(can(user("EXECUTOR"), { action: "updates:report", target })).toBe(true);
    expect(can(user("ADMIN"), { action: "updates:report", target })).toBe(true);
    expect(can(user("OWNER", ["t1"]), { action: "updates:report", target })).toBe(true);
    expect(can(user("OWNER", ["t2"]), { action: "updates:report", target })).toBe(false);
    for (const role of ["VIEWER", "APPROVER"] as const) expect(can(user(role, ["t1"]), { action: "updates:report", target })).toBe(false);
    expect(can(user("EXECUTOR"), { action: "resource:change", target })).toBe(false);
    expect(can(user("EXECUTOR"), { action: "portal:read" })).toBe(false);
  });

  it("lets approvers decide changes, and nobody signed out do anything", () => {
    expect(can(user("APPROVER"), { action: "change:decide" })).toBe(true);
    expect(can(user("OWNER", ["t1"]), { action: "change:decide" })).toBe(false);
    expect(can(null, { action: "portal:read" })).toBe(false);
  });
});
