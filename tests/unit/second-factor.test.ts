// Who needs a second factor and whether a session has one (lib/auth/second-factor.ts), how its
// secrets are kept (lib/auth/secret-box.ts), and PATCHPARTY_MFA / OIDC_MFA_ACR (decision 017).
import { beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { providerMethods, secondFactorMissing, secondFactorRequired, sessionHasSecondFactor } from "@/lib/auth/second-factor";
import { hashRecoveryCode, newRecoveryCode, openSecret, sealSecret } from "@/lib/auth/secret-box";

beforeAll(() => {
  process.env.NEXTAUTH_SECRET = "unit-secret-unit-secret-unit-secret-00";
});

describe("who needs a second factor", () => {
  it("privileged: admins and approvers; all: every person; off: nobody; never a machine", () => {
    const roles = ["VIEWER", "OWNER", "APPROVER", "ADMIN", "EXECUTOR"] as const;
    const needs = (mode: "privileged" | "all" | "off") => roles.filter((role) => secondFactorRequired(role, mode));
    expect(needs("privileged")).toEqual(["APPROVER", "ADMIN"]);
    expect(needs("all")).toEqual(["VIEWER", "OWNER", "APPROVER", "ADMIN"]);
    expect(needs("off")).toEqual([]);
  });

  it("a session has one with our code, or with the provider's word for it", () => {
    expect(sessionHasSecondFactor({ amr: ["pwd"] }, [])).toBe(false);
    expect(sessionHasSecondFactor({ amr: ["pwd", "otp"] }, [])).toBe(true);
    expect(sessionHasSecondFactor({ amr: ["mfa"] }, [])).toBe(true);
    expect(sessionHasSecondFactor({ amr: ["hwk", "pin"] }, [])).toBe(true);
    expect(sessionHasSecondFactor({}, [])).toBe(false);
    expect(sessionHasSecondFactor({ amr: [], acr: "gold" }, [])).toBe(false);
    expect(sessionHasSecondFactor({ amr: [], acr: "gold" }, ["silver", "gold"])).toBe(true);
    // A session from before this change says nothing of how it was made: it has none.
    expect(secondFactorMissing("ADMIN", {}, "privileged", [])).toBe(true);
    expect(secondFactorMissing("VIEWER", {}, "privileged", [])).toBe(false);
  });

  it("keeps only short strings of a provider's amr and acr", () => {
    expect(providerMethods({ amr: ["pwd", 7, "x".repeat(65), "mfa"], acr: "gold" })).toEqual({ amr: ["pwd", "mfa"], acr: "gold" });
    expect(providerMethods({ amr: "mfa", acr: 3 })).toEqual({ amr: [] });
    expect(providerMethods(undefined)).toEqual({ amr: [] });
  });

  it("PATCHPARTY_MFA is privileged unless told, and OIDC_MFA_ACR a list", () => {
    expect(parseEnv({}).PATCHPARTY_MFA).toBe("privileged");
    expect(parseEnv({ PATCHPARTY_MFA: "off" }).PATCHPARTY_MFA).toBe("off");
    expect(() => parseEnv({ PATCHPARTY_MFA: "admins" })).toThrow("PATCHPARTY_MFA: must be privileged, all or off");
    expect(parseEnv({}).OIDC_MFA_ACR).toEqual([]);
    expect(parseEnv({ OIDC_MFA_ACR: " gold, urn:x:loa:3 ,," }).OIDC_MFA_ACR).toEqual(["gold", "urn:x:loa:3"]);
  });
});

describe("secrets at rest", () => {
  it("a TOTP secret is encrypted, and opens only for the person it was sealed for", () => {
    const sealed = sealSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "user-a");
    expect(sealed).not.toContain("JBSWY3DP");
    expect(sealed).not.toBe(sealSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "user-a"));
    expect(openSecret(sealed, "user-a")).toBe("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    expect(openSecret(sealed, "user-b")).toBeNull();
    expect(openSecret(sealed.slice(0, -2) + "AA", "user-a")).toBeNull();
    expect(openSecret("garbage", "user-a")).toBeNull();
  });

  it("recovery codes: ten characters of an unmistakable alphabet, hashed as typed whatever the case, spaces or dashes", () => {
    const code = newRecoveryCode();
    expect(code).toMatch(/^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$/);
    expect(hashRecoveryCode(code)).not.toContain(code.replace("-", ""));
    expect(hashRecoveryCode(code.toUpperCase().replace("-", " "))).toBe(hashRecoveryCode(code));
    expect(new Set(Array.from({ length: 200 }, newRecoveryCode)).size).toBe(200);
  });
});
