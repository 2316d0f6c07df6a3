import { describe, expect, it } from "vitest";
import { bumpRefusal, startAllowance, templateState, upgradeNowRefusal, VERSION_PATTERN } from "@/lib/domain";
import type { UpgradeRequest } from "@/lib/domain";
import { simulatedOutcome } from "@/lib/rollout/simulated";

describe("a template's state", () => {
  const facts = { targetVersion: "2.0.0", memberVersions: ["2.0.0"], running: false, lastRunFellShort: false };
  it("follows its members and runs", () => {
    expect(templateState(facts)).toBe("IN_SYNC");
    expect(templateState({ ...facts, memberVersions: [] })).toBe("IN_SYNC");
    expect(templateState({ ...facts, memberVersions: ["1.0.0"] })).toBe("PENDING");
    expect(templateState({ ...facts, memberVersions: ["1.0.0", "2.0.0"] })).toBe("PARTIALLY_APPLIED");
    expect(templateState({ ...facts, memberVersions: ["1.0.0"], lastRunFellShort: true })).toBe("PARTIALLY_APPLIED");
    expect(templateState({ ...facts, memberVersions: ["1.0.0", "2.0.0"], running: true })).toBe("UPGRADING");
  });

  it("refuses a new version while partially applied or upgrading, and says why", () => {
    expect(bumpRefusal("IN_SYNC", "1.0.0", "2.0.0")).toBeNull();
    expect(bumpRefusal("PENDING", "2.0.0", "3.0.0")).toBeNull(); // bumps before the window collapse
    expect(bumpRefusal("IN_SYNC", "1.0.0", "1.0.0")).toBe("The target version is already 1.0.0.");
    expect(bumpRefusal("PARTIALLY_APPLIED", "2.0.0", "3.0.0")).toMatch(/^The template is partially applied: its members are not all on 2\.0\.0 yet\./);
    expect(bumpRefusal("UPGRADING", "2.0.0", "3.0.0")).toMatch(/^An upgrade to 2\.0\.0 is running\./);
    expect(upgradeNowRefusal("IN_SYNC", "1.0.0")).toMatch(/nothing to upgrade/);
    expect(upgradeNowRefusal("PARTIALLY_APPLIED", "1.0.0")).toBeNull();
  });

  it("knows a version when it sees one", () => {
    for (const v of ["1.0.0", "17.2", "1.29.3-rc.1", "3.9.0+build.7"]) expect(VERSION_PATTERN.test(v), v).toBe(true);
    for (const v of ["", "v1", "1..2", "latest", "1.0.0 ", "<script>"]) expect(VERSION_PATTERN.test(v), v).toBe(false);
  });
});

describe("the simulated executor", () => {
  const request = (key: string, memberName = key): UpgradeRequest => ({
    key,
    resourceId: null,
    memberName,
    address: null,
    port: null,
    user: null,
    kind: null,
    tags: [],
    cluster: null,
    fromVersion: "1",
    toVersion: "2",
    party: null,
    template: null,
    deadline: new Date("2026-11-30T00:00:00Z"),
    hooks: { pre: null, post: null },
  });

  it("finishes when its duration says, the same way for the same key, whatever the instance", () => {
    const t0 = new Date("2026-11-29T00:00:00Z");
    const a = simulatedOutcome(request("run:m1"), { durationSeconds: 60, failureRate: 0, jitter: 0 }, t0);
    expect(a).toEqual({ finishAt: new Date("2026-11-29T00:01:00.000Z"), fails: false });
    expect(simulatedOutcome(request("run:m1"), { durationSeconds: 60, failureRate: 0, jitter: 0 }, t0)).toEqual(a);
    expect(simulatedOutcome(request("run:m1"), { durationSeconds: 60, failureRate: 1, jitter: 0 }, t0).fails).toBe(true);
    expect(simulatedOutcome(request("run:m1"), { durationSeconds: 60, failureRate: 1, failWhen: () => false }, t0).fails).toBe(false);
  });

  it("fails about as often as it is told to", () => {
    const now = new Date("2026-11-29T00:00:00Z");
    let failed = 0;
    for (let i = 0; i < 2_000; i++) if (simulatedOutcome(request(`r:${i}`), { durationSeconds: 10, failureRate: 0.2 }, now).fails) failed++;
    expect(failed).toBeGreaterThan(330);
    expect(failed).toBeLessThan(470);
  });
});

describe("how many a rollout starts", () => {
  it("the canary goes alone and is waited for, then the rest up to the free slots", () => {
    const base = { canarySize: 5, canaryPassed: false, attempted: 0, inFlight: 0, free: 20 };
    expect(startAllowance(base)).toEqual({ limit: 5, gated: true, passCanary: false });
    expect(startAllowance({ ...base, attempted: 3, inFlight: 3 })).toEqual({ limit: 2, gated: true, passCanary: false });
    expect(startAllowance({ ...base, attempted: 5, inFlight: 1 })).toEqual({ limit: 0, gated: true, passCanary: false });
    expect(startAllowance({ ...base, attempted: 5, inFlight: 0 })).toEqual({ limit: 20, gated: false, passCanary: true });
    expect(startAllowance({ ...base, canaryPassed: true, attempted: 9, inFlight: 4, free: 16 })).toEqual({ limit: 16, gated: false, passCanary: false });
    expect(startAllowance({ ...base, canarySize: 0 })).toEqual({ limit: 20, gated: false, passCanary: false });
  });
});
