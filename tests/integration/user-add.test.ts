// npm run user:add: the first admin of a real installation (and any other user) from the command
// line, with a generated password printed once as the last line; refusals change nothing.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";

const run = promisify(execFile);
const prefix = `ua${randomBytes(3).toString("hex")}`;
const email = (name: string) => `${name}-${prefix}@user-add.test`;

type Result = { code: number; stdout: string; stderr: string };

async function userAdd(...args: string[]): Promise<Result> {
  const { PATCHPARTY_EXECUTOR: _executor, ...env } = process.env;
  try {
    const { stdout, stderr } = await run(path.resolve("node_modules/.bin/tsx"), ["scripts/user-add.ts", ...args], { env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lastLine = (out: string) => out.trimEnd().split("\n").at(-1) ?? "";

/** Signs in as next-auth's e-mail and password provider does. */
async function signIn(address: string, password: string) {
  const provider = authOptions().providers.find((p) => p.id === "credentials") as unknown as {
    options: { authorize: (c: Record<string, string>) => Promise<{ email: string } | null> };
  };
  return provider.options.authorize({ email: address, password });
}

const snapshot = async () => ({
  users: await db.user.findMany({ where: { email: { endsWith: `${prefix}@user-add.test` } }, orderBy: { email: "asc" }, include: { memberships: true } }),
  audit: await db.auditEvent.count({ where: { action: "user.create" } }),
});

afterAll(async () => {
  await db.user.deleteMany({ where: { email: { endsWith: `${prefix}@user-add.test` } } });
  await db.team.deleteMany({ where: { slug: { startsWith: prefix } } });
});

describe("npm run user:add", () => {
  it("creates an admin with a generated password, printed once as the last line, that signs in; the creation is audited", async () => {
    const address = email("First.Admin").toUpperCase();
    const result = await userAdd(address, "--role", "admin", "--name", "First Admin");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    const password = lastLine(result.stdout);
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(result.stdout.split(password)).toHaveLength(2);

    const row = await db.user.findUniqueOrThrow({ where: { email: address.toLowerCase() } });
    expect(row).toMatchObject({ name: "First Admin", role: "ADMIN" });
    expect(row.passwordHash).not.toContain(password);
    expect(await verifyPassword(password, row.passwordHash!)).toBe(true);
    expect(await signIn(address.toLowerCase(), password)).toMatchObject({ email: address.toLowerCase() });
    expect(await signIn(address.toLowerCase(), `${password}x`)).toBeNull();

    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "user.create", entityId: row.id } });
    expect(audit).toMatchObject({ actorId: null, actorLabel: "cli", entityType: "user", entityLabel: row.email });
    expect(JSON.stringify(audit, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(password);

    // The same e-mail again: refused with exit code 2, nothing changed.
    const before = await snapshot();
    const again = await userAdd(address.toLowerCase(), "--role", "viewer");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`A user with the e-mail ${address.toLowerCase()} exists already; nothing was changed.`);
    expect(again.stdout).toBe("");
    expect(await snapshot()).toEqual(before);
  });

  it("makes viewers by default, puts owners in their teams, and tells how an executor gets its API token", async () => {
    const team = await db.team.create({ data: { slug: `${prefix}-payments`, name: "User-add payments" } });
    const viewer = await userAdd(email("viewer"));
    expect(viewer.code, viewer.stderr).toBe(0);
    expect(await db.user.findUniqueOrThrow({ where: { email: email("viewer") } })).toMatchObject({ role: "VIEWER", name: `viewer-${prefix}` });

    const owner = await userAdd(email("owner"), "--role", "owner", "--team", team.slug, "--team", team.slug);
    expect(owner.code, owner.stderr).toBe(0);
    expect(owner.stdout).toContain(`(owner, teams ${team.slug})`);
    const row = await db.user.findUniqueOrThrow({ where: { email: email("owner") }, include: { memberships: true } });
    expect(row.memberships.map((m) => m.teamId)).toEqual([team.id]);

    const executor = await userAdd(email("awx"), "--role", "executor", "--name", "AWX");
    expect(executor.code, executor.stderr).toBe(0);
    expect(executor.stdout).toContain(`npm run api-token -- ${email("awx")}`);
    const password = lastLine(executor.stdout);
    expect(await verifyPassword(password, (await db.user.findUniqueOrThrow({ where: { email: email("awx") } })).passwordHash!)).toBe(true);
    // A machine's account reads no page: its password opens no session (the portal would only send it back to sign in).
    expect(await signIn(email("awx"), password)).toBeNull();
  });

  it("refuses bad input with exit code 2 and a message, changing nothing", async () => {
    const before = await snapshot();
    const cases: [string[], string][] = [
      [[], "Give the user's e-mail address."],
      [["not-an-email"], "That is not an e-mail address"],
      [[email("a"), email("b")], "Give one e-mail address."],
      [[email("root"), "--role", "root"], "--role must be one of viewer, owner, approver, admin, executor"],
      [[email("blank"), "--name", " "], "--name must not be empty"],
      [[email("team"), "--role", "owner", "--team", `${prefix}-nowhere`], `No team with the slug ${prefix}-nowhere; nothing was changed.`],
      [[email("flag"), "--password", "x"], "Unknown option '--password'"],
    ];
    for (const [args, message] of cases) {
      const result = await userAdd(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toContain(message);
      expect(result.stdout).toBe("");
    }
    expect(await snapshot()).toEqual(before);
  });
});
