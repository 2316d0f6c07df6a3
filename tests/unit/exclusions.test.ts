// The one rule for what an exclusion change writes (lib/domain/exclusions.ts): state, event, audit.
import { describe, expect, it } from "vitest";
import { exclusionChange, expiryRefusal, type ExclusionState } from "@/lib/domain";

const NOW = new Date("2026-12-03T10:00:00Z");
const UNTIL = new Date("2027-01-15T00:00:00Z");
const included: ExclusionState = { excluded: false, patchGroup: 2, exclusionReason: null, exclusionUntil: null, excludedAt: null, excludedById: null };
const excluded: ExclusionState = {
  excluded: true,
  patchGroup: 2,
  exclusionReason: "Freeze",
  exclusionUntil: UNTIL,
  excludedAt: new Date("2026-11-01T00:00:00Z"),
  excludedById: "u1",
};

describe("exclusionChange", () => {
  it("an exclusion sets who, why, until when and since when, keeps the group, and audits both sides", () => {
    const change = exclusionChange(included, { action: "exclude", reason: "Vendor freeze", until: UNTIL }, "u2", NOW)!;
    expect(change.after).toEqual({
      excluded: true,
      patchGroup: 2,
      exclusionReason: "Vendor freeze",
      exclusionUntil: UNTIL,
      excludedAt: NOW,
      excludedById: "u2",
    });
    expect(change.event).toEqual({ action: "EXCLUDE", reason: "Vendor freeze", until: UNTIL, group: null });
    expect(change.audit).toEqual({
      action: "resource.exclude",
      reason: "Vendor freeze",
      before: { excluded: false, group: 2 },
      after: { excluded: true, group: 2, reason: "Vendor freeze", until: UNTIL.toISOString() },
    });
  });

  it("an inclusion clears the whole exclusion and moves to the group asked for", () => {
    const change = exclusionChange(excluded, { action: "include", group: 3, reason: null }, "u2", NOW)!;
    expect(change.after).toEqual({ excluded: false, patchGroup: 3, exclusionReason: null, exclusionUntil: null, excludedAt: null, excludedById: null });
    expect(change.event).toEqual({ action: "INCLUDE", reason: null, until: null, group: 3 });
    expect(change.audit.before).toEqual({ excluded: true, group: 2, reason: "Freeze", until: UNTIL.toISOString() });
    expect(change.audit.after).toEqual({ excluded: false, group: 3 });
  });

  it("a regroup keeps the exclusion; to the group it is in, nothing changes", () => {
    const change = exclusionChange(excluded, { action: "regroup", group: 1, reason: "Cluster rule overridden: drill" }, "u2", NOW)!;
    expect(change.after).toEqual({ ...excluded, patchGroup: 1 });
    expect(change.event).toEqual({ action: "REGROUP", reason: "Cluster rule overridden: drill", until: null, group: 1 });
    expect(change.audit.action).toBe("resource.regroup");
    expect(exclusionChange(excluded, { action: "regroup", group: 2, reason: null }, "u2", NOW)).toBeNull();
  });

  it("an expiry includes the resource in the group it had, said by the scheduler; a resource not excluded is left alone", () => {
    const change = exclusionChange(excluded, { action: "expire" }, null, NOW)!;
    expect(change.after).toEqual({ ...included, patchGroup: 2 });
    expect(change.event).toEqual({ action: "INCLUDE", reason: "The exclusion expired", until: null, group: 2 });
    expect(change.audit).toMatchObject({
      action: "resource.expire",
      reason: "The exclusion expired",
      before: { excluded: true, reason: "Freeze" },
      after: { excluded: false, group: 2 },
    });
    expect(exclusionChange(included, { action: "expire" }, null, NOW)).toBeNull();
  });

  it("an expiry must lie ahead", () => {
    expect(expiryRefusal(NOW, NOW)).toBe("The expiry must be in the future.");
    expect(expiryRefusal(new Date(NOW.getTime() + 1), NOW)).toBeNull();
    expect(expiryRefusal(null, NOW)).toBeNull();
  });
});
