// Single sign-on links people by e-mail address (issue 17, decision 017): only an address the
// provider says it has verified (`email_verified: true`), else whoever could put a colleague's
// address on a provider account would sign in as them. The browser half, with a real provider
// that sends `email_verified: false`, is tests/e2e/sso-unverified.spec.ts.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { db } from "@/lib/db";

const run = randomBytes(3).toString("hex");
const callbacks = authOptions().callbacks!;
type SignInParams = Parameters<NonNullable<typeof callbacks.signIn>>[0];
const ssoSignIn = (email: string, profile: Record<string, unknown>) =>
  callbacks.signIn!({ user: { id: "sub", email }, account: { provider: "oidc", type: "oauth", providerAccountId: "sub" }, profile } as SignInParams);

describe("single sign-on", () => {
  it("refuses an e-mail address the provider has not verified, whoever it names, and says why on the sign-in page", async () => {
    const approver = await db.user.create({ data: { email: `approver-${run}@sso.test`, name: "Approver", role: "APPROVER" } });
    expect(await ssoSignIn(approver.email, { email_verified: false })).toBe("/signin?error=EmailUnverified");
    expect(await ssoSignIn(approver.email, {})).toBe("/signin?error=EmailUnverified");
    expect(await ssoSignIn(approver.email, { email_verified: "true" })).toBe("/signin?error=EmailUnverified");
    expect(await ssoSignIn(approver.email, { email_verified: true })).toBe(true);
  });

  it("still refuses people PatchParty does not know, and machines", async () => {
    const machine = await db.user.create({ data: { email: `executor-${run}@sso.test`, name: "Automation", role: "EXECUTOR" } });
    expect(await ssoSignIn(`stranger-${run}@sso.test`, { email_verified: true })).toBe(false);
    expect(await ssoSignIn(machine.email, { email_verified: true })).toBe(false);
  });
});
