// Two-factor sign-in (issue 17, decision 017), on PostgreSQL and next-auth's own provider code:
// setting up an authenticator app (codes computed here with otpauth), signing in with a code or a
// recovery code (once), wrong codes locking the account, a TOTP code never taken twice, recovery
// codes stored hashed and the secret encrypted, turning it off; and the one gate: a session
// without the second factor its role needs opens no page, action or route
// (PATCHPARTY_MFA=privileged), or does under PATCHPARTY_MFA=off; single sign-on's own second
// factor, as the provider reports it.
import { randomBytes } from "node:crypto";
import { decode, type JWT } from "next-auth/jwt";
import { Secret, TOTP } from "otpauth";
import { afterEach, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ userId: null as string | null, token: {} as Record<string, unknown>, set: new Map<string, string>() }));
const settings = vi.hoisted(() => ({ mfa: "privileged" as "privileged" | "all" | "off", acr: [] as string[] }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => {
  const { cookieStore, sessionCookies } = await import("./fixtures/session");
  return {
    cookies: async () => ({
      ...cookieStore(await sessionCookies(session.userId, session.token)),
      set: (name: string, value: string) => void session.set.set(name, value),
    }),
    headers: async () => new Headers({ "x-patchparty-peer": "10.77.0.1" }),
  };
});
vi.mock("@/lib/env", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/env")>();
  return { ...actual, env: () => ({ ...actual.env(), PATCHPARTY_MFA: settings.mfa, OIDC_MFA_ACR: settings.acr }) };
});

import * as usersRoute from "@/app/api/v1/users/route";
import { secondFactorAction } from "@/lib/actions/account";
import { authOptions } from "@/lib/auth/options";
import { hashPassword } from "@/lib/auth/password";
import { authenticateRequest, getCurrentUser, requireUser } from "@/lib/auth/session";
import { ACCOUNT_FAILURES } from "@/lib/auth/sign-in-limits";
import { confirmSecondFactorSetup, getSecondFactor, regenerateRecoveryCodes, startSecondFactorSetup, turnOffSecondFactor } from "@/lib/data/mfa";
import { listUsers, resetSecondFactor } from "@/lib/data/user-admin";
import { getUserById } from "@/lib/data/users";
import { db } from "@/lib/db";
import { TEST_SESSION_SECRET } from "./fixtures/session";

const run = randomBytes(3).toString("hex");
const PASSWORD = "correct horse battery";
let counter = 0;

async function person(role: "VIEWER" | "OWNER" | "APPROVER" | "ADMIN" = "ADMIN") {
  const email = `m${counter++}-${run}@mfa.test`;
  const row = await db.user.create({ data: { email, name: email, role, passwordHash: await hashPassword(PASSWORD) }, select: { id: true, email: true } });
  return (await getUserById(row.id))!;
}

/** The app's code for `secret` (as the page shows it, spaced), `ahead` 30-second steps from now. */
const codeFor = (secret: string, ahead = 0) =>
  new TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: Secret.fromBase32(secret.replace(/\s/g, "")) }).generate({
    timestamp: Date.now() + ahead * 30_000,
  });

/** A person with two-factor sign-in on: their app's secret, recovery codes, and the code that confirmed it. */
async function enrolled(role: "VIEWER" | "ADMIN" = "ADMIN") {
  const user = await person(role);
  expect(await startSecondFactorSetup(user)).toEqual({ ok: true, value: null });
  const secret = (await getSecondFactor(user)).setup!.secret;
  const confirmedWith = codeFor(secret);
  const confirmed = await confirmSecondFactorSetup(user, confirmedWith, new Date());
  if (!confirmed.ok) throw new Error(confirmed.message);
  return { user, secret, confirmedWith, recoveryCodes: confirmed.value.recoveryCodes };
}

type Authorize = (c: Record<string, string>, r: { headers: Record<string, string> }) => Promise<{ email: string; amr?: string[] } | null>;
const authorize = (authOptions().providers.find((p) => p.id === "credentials") as unknown as { options: { authorize: Authorize } }).options.authorize;

/** A sign-in: the user, null for a wrong password, or the refusal's code. */
async function signIn(email: string, password: string, code?: string, address = `10.78.${counter % 250}.1`) {
  try {
    return await authorize({ email, password, ...(code === undefined ? {} : { code }) }, { headers: { "x-patchparty-peer": address } });
  } catch (error) {
    return (error as Error).message;
  }
}

const auditOf = (action: string, label: string) => db.auditEvent.findMany({ where: { action, entityLabel: label }, orderBy: { at: "asc" } });
const version = async (id: string) => (await db.user.findUniqueOrThrow({ where: { id }, select: { sessionVersion: true } })).sessionVersion;

afterEach(() => {
  session.userId = null;
  session.token = {};
  session.set.clear();
  settings.mfa = "privileged";
  settings.acr = [];
});

describe("setting up an authenticator app", () => {
  it("shows a secret, is confirmed by its first code, makes ten recovery codes, ends other sessions, and is audited", async () => {
    const user = await person();
    expect(await getSecondFactor(user)).toEqual({ enabledAt: null, recoveryCodesLeft: 0, setup: null });
    await startSecondFactorSetup(user);
    const { setup } = await getSecondFactor(user);
    expect(setup!.secret.replace(/\s/g, "")).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup!.uri).toMatch(/^otpauth:\/\/totp\/PatchParty:.+\?.*secret=[A-Z2-7]{32}/);
    // Not on until confirmed: signing in asks for no code yet.
    expect(await signIn(user.email, PASSWORD)).toMatchObject({ email: user.email, amr: ["pwd"] });

    const before = await version(user.id);
    expect(await confirmSecondFactorSetup(user, "000000" === codeFor(setup!.secret) ? "111111" : "000000", new Date())).toMatchObject({
      ok: false,
      code: "wrong-code",
    });
    const confirmed = await confirmSecondFactorSetup(user, codeFor(setup!.secret), new Date());
    expect(confirmed.ok).toBe(true);
    const codes = confirmed.ok ? confirmed.value.recoveryCodes : [];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(await version(user.id)).toBe(before + 1);
    expect(confirmed.ok && confirmed.value.sessionVersion).toBe(before + 1);
    expect(await getSecondFactor(user)).toMatchObject({ enabledAt: expect.any(Date), recoveryCodesLeft: 10, setup: null });

    // At rest: the secret encrypted, the codes hashed; neither in the audit.
    const plain = setup!.secret.replace(/\s/g, "");
    const stored = await db.totpFactor.findUniqueOrThrow({ where: { userId: user.id } });
    expect(stored.secret).not.toContain(plain);
    const hashes = await db.recoveryCode.findMany({ where: { userId: user.id } });
    expect(hashes).toHaveLength(10);
    for (const code of codes) expect(hashes.some((h) => h.codeHash.includes(code) || h.codeHash.includes(code.replace("-", "")))).toBe(false);
    const [audit] = await auditOf("user.mfa-on", user.email);
    expect(audit).toMatchObject({ actorId: user.id, entityId: user.id });
    const audited = JSON.stringify([audit!.before, audit!.after, audit!.reason]);
    expect(audited).not.toContain(plain);
    for (const code of codes) expect(audited).not.toContain(code);
  });

  it("cannot be started again while on", async () => {
    const { user } = await enrolled();
    expect(await startSecondFactorSetup(user)).toMatchObject({ ok: false, code: "already-on" });
  });

  it("through the account page's action: this session goes on with the new version and its second factor", async () => {
    const user = await person();
    session.userId = user.id;
    session.token = { amr: ["pwd"] };
    const form = (fields: Record<string, string>) => {
      const data = new FormData();
      for (const [k, v] of Object.entries(fields)) data.set(k, v);
      return data;
    };
    expect(await secondFactorAction({ ok: false }, form({ intent: "start" }))).toMatchObject({ ok: true });
    const secret = (await getSecondFactor(user)).setup!.secret;
    expect(await secondFactorAction({ ok: false }, form({ intent: "confirm", code: "12" }))).toMatchObject({
      ok: false,
      fieldErrors: { code: [expect.any(String)] },
    });
    const done = await secondFactorAction({ ok: false }, form({ intent: "confirm", code: codeFor(secret) }));
    expect(done).toMatchObject({ ok: true, data: { recoveryCodes: expect.any(Array) } });
    const cookie = session.set.get("next-auth.session-token");
    const token = (await decode({ token: cookie!, secret: TEST_SESSION_SECRET })) as JWT;
    expect(token).toMatchObject({ uid: user.id, sv: await version(user.id), amr: ["pwd", "otp"] });
  });
});

describe("signing in with a second factor", () => {
  it("asks for a code after the right password, takes a right one, and never the same code twice", async () => {
    const { user, secret, confirmedWith } = await enrolled();
    expect(await signIn(user.email, "wrong password")).toBeNull();
    expect(await signIn(user.email, PASSWORD)).toBe("code-needed");
    // The code that confirmed the app was taken then: it is refused, whatever step it is now.
    expect(await signIn(user.email, PASSWORD, confirmedWith)).toBe("code-wrong");
    const next = codeFor(secret, 1);
    expect(await signIn(user.email, PASSWORD, next)).toMatchObject({ email: user.email, amr: ["pwd", "otp"] });
    expect(await signIn(user.email, PASSWORD, next)).toBe("code-wrong");
    expect(await signIn(user.email, "wrong password", codeFor(secret, 1))).toBeNull();
  });

  it("takes a recovery code once, and audits its use", async () => {
    const { user, recoveryCodes } = await enrolled();
    const [first, second] = recoveryCodes;
    // As typed: upper case, without the dash.
    expect(await signIn(user.email, PASSWORD, first!.toUpperCase().replace("-", " "))).toMatchObject({ email: user.email, amr: ["pwd", "otp"] });
    expect(await signIn(user.email, PASSWORD, first!)).toBe("code-wrong");
    expect(await signIn(user.email, PASSWORD, second!)).toMatchObject({ email: user.email });
    expect((await auditOf("user.recovery-code-used", user.email)).map((a) => a.after)).toEqual([{ left: 9 }, { left: 8 }]);
    expect(await getSecondFactor(user)).toMatchObject({ recoveryCodesLeft: 8 });
  });

  it("counts a wrong code as a failed sign-in: five lock the account, the right code included", async () => {
    const { user, secret } = await enrolled();
    for (let i = 0; i < ACCOUNT_FAILURES; i++) expect(await signIn(user.email, PASSWORD, `00000${i}`)).toBe("code-wrong");
    expect(await signIn(user.email, PASSWORD, codeFor(secret, 1))).toMatch(/^locked:\d+$/);
    expect(await auditOf("user.lockout", user.email)).toHaveLength(1);
  });

  it("the right password alone does not start the count of failures again", async () => {
    const { user, secret } = await enrolled();
    for (let i = 0; i < ACCOUNT_FAILURES - 1; i++) {
      expect(await signIn(user.email, PASSWORD, "abcde-fghjk")).toBe("code-wrong");
      expect(await signIn(user.email, PASSWORD)).toBe("code-needed");
    }
    expect(await signIn(user.email, PASSWORD, "abcde-fghjk")).toBe("code-wrong");
    expect(await signIn(user.email, PASSWORD, codeFor(secret, 1))).toMatch(/^locked:/);
  });
});

describe("changing it", () => {
  it("new recovery codes replace the old, with a code", async () => {
    const { user, secret, recoveryCodes } = await enrolled();
    expect(await regenerateRecoveryCodes(user, "nope-nope", "10.79.0.1", new Date())).toMatchObject({ ok: false, code: "wrong-code" });
    const made = await regenerateRecoveryCodes(user, codeFor(secret, 1), "10.79.0.1", new Date());
    expect(made.ok).toBe(true);
    expect(await signIn(user.email, PASSWORD, recoveryCodes[0])).toBe("code-wrong");
    expect(await signIn(user.email, PASSWORD, made.ok ? made.value.recoveryCodes[0] : "")).toMatchObject({ email: user.email });
    expect(await auditOf("user.recovery-codes", user.email)).toHaveLength(1);
  });

  it("is turned off with a code: no code asked any more, other sessions end, audited", async () => {
    const { user, recoveryCodes } = await enrolled();
    const before = await version(user.id);
    expect(await turnOffSecondFactor(user, "123456", "10.79.0.2", new Date())).toMatchObject({ ok: false, code: "wrong-code" });
    expect(await version(user.id)).toBe(before);
    expect(await turnOffSecondFactor(user, recoveryCodes[3]!, "10.79.0.2", new Date())).toEqual({ ok: true, value: { sessionVersion: before + 1 } });
    expect(await signIn(user.email, PASSWORD)).toMatchObject({ email: user.email, amr: ["pwd"] });
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await auditOf("user.mfa-off", user.email)).toHaveLength(1);
  });
});

describe("an admin turns it off for someone who lost their app and their codes", () => {
  it("shows who has it, turns it off for another person (their sessions end, audited), not for themself, and only as an admin", async () => {
    const { user: admin } = await enrolled("ADMIN");
    const { user: viewer } = await enrolled("VIEWER");
    const listed = await listUsers(admin, { q: viewer.email }, new Date());
    expect(listed.ok && listed.value.users.map((u) => [u.email, u.twoFactor])).toEqual([[viewer.email, true]]);
    expect(await resetSecondFactor(viewer, admin.id, new Date())).toMatchObject({ ok: false, status: 403 });
    expect(await resetSecondFactor(admin, admin.id, new Date())).toMatchObject({ ok: false, code: "own-second-factor" });
    const before = await version(viewer.id);
    expect(await resetSecondFactor(admin, viewer.id, new Date())).toEqual({ ok: true, value: { wasOn: true } });
    expect(await version(viewer.id)).toBe(before + 1);
    expect(await signIn(viewer.email, PASSWORD)).toMatchObject({ email: viewer.email, amr: ["pwd"] });
    expect(await resetSecondFactor(admin, viewer.id, new Date())).toEqual({ ok: true, value: { wasOn: false } });
    expect((await auditOf("user.mfa-off", viewer.email)).map((a) => [a.actorId, a.after])).toEqual([[admin.id, { byAdmin: true, sessionsEnded: true }]]);
  });
});

describe("the gate: a session without the second factor its role needs", () => {
  const as = (userId: string, amr: string[], acr?: string) => {
    session.userId = userId;
    session.token = { amr, ...(acr ? { acr } : {}) };
  };
  const redirectOf = async (call: () => Promise<unknown>) => {
    try {
      await call();
      return "none";
    } catch (error) {
      return String((error as { digest?: string }).digest ?? error);
    }
  };
  const listUsersRoute = async () => {
    const response = await usersRoute.GET(new Request("http://localhost/api/v1/users"));
    return { status: response.status, body: (await response.json()) as { error?: string } };
  };

  it("PATCHPARTY_MFA=privileged: an admin signed in with a password only is sent to set it up, and every route refuses them", async () => {
    const admin = await person("ADMIN");
    as(admin.id, ["pwd"]);
    expect(await getCurrentUser()).toBeNull();
    expect(await redirectOf(requireUser)).toMatch(/^NEXT_REDIRECT;\w+;\/account\?required=two-factor;/);
    await expect(authenticateRequest(new Request("http://localhost/api/v1/parties"))).rejects.toThrow(/^Set up two-factor sign-in first/);
    expect(await listUsersRoute()).toEqual({ status: 403, body: { error: expect.stringMatching(/^Set up two-factor sign-in first/) } });
    // With a code in the session, all of it opens.
    as(admin.id, ["pwd", "otp"]);
    expect(await getCurrentUser()).toMatchObject({ id: admin.id });
    expect((await listUsersRoute()).status).toBe(200);
  });

  it("PATCHPARTY_MFA=privileged: approvers too; viewers and owners need none", async () => {
    const approver = await person("APPROVER");
    as(approver.id, ["pwd"]);
    expect(await getCurrentUser()).toBeNull();
    for (const role of ["VIEWER", "OWNER"] as const) {
      const someone = await person(role);
      as(someone.id, ["pwd"]);
      expect(await getCurrentUser()).toMatchObject({ id: someone.id });
    }
  });

  it("PATCHPARTY_MFA=off: nobody needs one; all: everyone does", async () => {
    const admin = await person("ADMIN");
    const viewer = await person("VIEWER");
    settings.mfa = "off";
    as(admin.id, ["pwd"]);
    expect(await getCurrentUser()).toMatchObject({ id: admin.id });
    expect(await redirectOf(requireUser)).toBe("none");
    expect((await listUsersRoute()).status).toBe(200);
    settings.mfa = "all";
    as(viewer.id, ["pwd"]);
    expect(await getCurrentUser()).toBeNull();
    as(viewer.id, ["pwd", "otp"]);
    expect(await getCurrentUser()).toMatchObject({ id: viewer.id });
  });

  it("an API token needs no second factor: it is a credential of its own", async () => {
    const admin = await person("ADMIN");
    const { createApiToken } = await import("@/lib/data/api-tokens");
    const { secret } = await createApiToken(admin.id, { name: "mfa", scope: "read", days: 90 }, { id: null, label: "test" });
    const response = await usersRoute.GET(new Request("http://localhost/api/v1/users", { headers: { Authorization: `Bearer ${secret}` } }));
    expect(response.status).toBe(200);
  });

  it("single sign-on counts as the second factor when the provider says so, in amr or in an acr the operator lists", async () => {
    const admin = await person("ADMIN");
    as(admin.id, ["pwd"]);
    expect(await getCurrentUser()).toBeNull();
    for (const amr of [["pwd", "mfa"], ["hwk"], ["otp"]]) {
      as(admin.id, amr);
      expect(await getCurrentUser(), amr.join()).toMatchObject({ id: admin.id });
    }
    as(admin.id, [], "urn:example:loa:gold");
    expect(await getCurrentUser()).toBeNull();
    settings.acr = ["urn:example:loa:gold"];
    expect(await getCurrentUser()).toMatchObject({ id: admin.id });
  });
});

describe("single sign-on", () => {
  const callbacks = authOptions().callbacks!;

  it("records how the provider signed the person in", async () => {
    const admin = await person("ADMIN");
    type JwtParams = Parameters<NonNullable<typeof callbacks.jwt>>[0];
    const token = await callbacks.jwt!({
      token: {},
      user: { id: "sub", email: admin.email },
      account: { provider: "oidc", type: "oauth", providerAccountId: "sub" },
      profile: { email: admin.email, amr: ["pwd", "mfa"], acr: "urn:example:loa:gold" },
    } as JwtParams);
    expect(token).toMatchObject({ uid: admin.id, amr: ["pwd", "mfa"], acr: "urn:example:loa:gold", sv: await version(admin.id) });
  });
});
