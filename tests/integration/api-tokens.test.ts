// API tokens (issue 17): each expires (default 90 days, at most 365) and has a scope. A read token
// only reads; a write token writes with no more than its owner's rights. Made on the tokens page
// (an action) or with `npm run api-token`.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { beforeAll, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => {
  const { cookieStore, sessionCookies } = await import("./fixtures/session");
  return { cookies: async () => cookieStore(await sessionCookies(session.userId)), headers: async () => new Headers() };
});

import { GET as getResource, PATCH as patchResource } from "@/app/api/v1/resources/[name]/route";
import { PUT as putExclusion } from "@/app/api/v1/resources/[name]/exclusion/route";
import { createApiTokenAction } from "@/lib/actions/api-tokens";
import { hashToken } from "@/lib/auth/api-tokens";
import { createApiToken, findApiToken, listApiTokens } from "@/lib/data/api-tokens";
import { freePort, startEmbeddedPostgres } from "@/lib/database/embedded";
import { migrate, readMigrations } from "@/lib/database/migrate";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";

const DAY = 86_400_000;
let f: Awaited<ReturnType<typeof makeFleet>>;

beforeAll(async () => {
  f = await makeFleet();
});

const call = (method: string, url: string, token: string, body?: unknown) =>
  new Request(`http://localhost${url}`, { method, headers: { Authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
const params = (name: string) => ({ params: Promise.resolve({ name }) });
const resourceRow = (id: string) => db.resource.findUniqueOrThrow({ where: { id }, select: { patchGroup: true, excluded: true, revision: true } });

/** A resource of team A of its own, so each test changes only what it made. */
async function resource() {
  const service = await db.service.findFirstOrThrow({ where: { teamId: f.teamA.id } });
  return db.resource.create({
    data: {
      name: `${f.prefix}-tok-${Math.random().toString(36).slice(2, 8)}`,
      kind: "VM",
      environment: "PRODUCTION",
      teamId: f.teamA.id,
      serviceId: service.id,
      patchGroup: 2,
    },
  });
}

describe("an API token's scope", () => {
  it("read: reads (200), and is refused a write with 403 saying it is read-only, nothing written", async () => {
    const r = await resource();
    const token = (await createApiToken(f.owner.id, { name: "reader", scope: "read", days: 30 }, { id: null, label: "test" })).secret;
    expect((await getResource(call("GET", `/api/v1/resources/${r.name}`, token), params(r.name))).status).toBe(200);
    const before = await resourceRow(r.id);
    const audit = await db.auditEvent.count({ where: { entityId: r.id } });

    const patch = await patchResource(call("PATCH", `/api/v1/resources/${r.name}`, token, { group: 3 }), params(r.name));
    expect(patch.status).toBe(403);
    expect(await patch.json()).toEqual({
      error: "This API token is read-only: it may send GET, not PATCH. Ask an admin for a write token. Nothing was changed.",
    });
    const put = await putExclusion(
      call("PUT", `/api/v1/resources/${r.name}/exclusion`, token, { reason: "Vendor freeze until the new release" }),
      params(r.name),
    );
    expect(put.status).toBe(403);
    expect(((await put.json()) as { error: string }).error).toMatch(/^This API token is read-only: it may send GET, not PUT\./);
    expect(await resourceRow(r.id)).toEqual(before);
    expect(await db.auditEvent.count({ where: { entityId: r.id } })).toBe(audit);
  });

  it("write: writes (200), with no more than its owner's rights (403 for a viewer's)", async () => {
    const r = await resource();
    const owner = (await createApiToken(f.owner.id, { name: "writer", scope: "write", days: 30 }, { id: null, label: "test" })).secret;
    const patch = await patchResource(call("PATCH", `/api/v1/resources/${r.name}`, owner, { group: 3 }), params(r.name));
    expect(patch.status).toBe(200);
    expect((await resourceRow(r.id)).patchGroup).toBe(3);

    const viewer = (await createApiToken(f.viewer.id, { name: "writer", scope: "write", days: 30 }, { id: null, label: "test" })).secret;
    const refused = await patchResource(call("PATCH", `/api/v1/resources/${r.name}`, viewer, { group: 1 }), params(r.name));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).not.toMatch(/read-only/);
    expect((await resourceRow(r.id)).patchGroup).toBe(3);
  });
});

describe("an API token's expiry", () => {
  it("is the days chosen from when it was made; once past, the token answers 401 saying it expired and when, for reads and writes alike", async () => {
    const r = await resource();
    const made = await createApiToken(f.admin.id, { name: "short", scope: "write", days: 1 }, { id: null, label: "test" }, new Date(Date.now() - 2 * DAY));
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: made.id } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(DAY);
    expect(row.scope).toBe("WRITE");
    const before = await resourceRow(r.id);

    const read = await getResource(call("GET", `/api/v1/resources/${r.name}`, made.secret), params(r.name));
    expect(read.status).toBe(401);
    const at = row.expiresAt.toISOString().slice(0, 16).replace("T", " ");
    expect(await read.json()).toEqual({ error: `This API token expired on ${at} UTC. Ask an admin for a new one.` });
    expect(read.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const write = await patchResource(call("PATCH", `/api/v1/resources/${r.name}`, made.secret, { group: 1 }), params(r.name));
    expect(write.status).toBe(401);
    expect(await resourceRow(r.id)).toEqual(before);
    // An expired token's use is not recorded: it did nothing.
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: made.id } })).lastUsedAt).toBeNull();
  });

  it("works until the instant it expires", async () => {
    const now = new Date();
    const made = await createApiToken(
      f.viewer.id,
      { name: "edge", scope: "read", days: 1 },
      { id: null, label: "test" },
      new Date(now.getTime() - DAY + 60_000),
    );
    expect(await findApiToken(made.secret, now)).toMatchObject({ user: { id: f.viewer.id }, scope: "read" });
    const r = await resource();
    expect((await getResource(call("GET", `/api/v1/resources/${r.name}`, made.secret), params(r.name))).status).toBe(200);
  });

  it("is refused outside 1 to 365 days where tokens are made", async () => {
    for (const days of [0, 366, 1.5]) {
      await expect(createApiToken(f.viewer.id, { name: "bad", scope: "read", days }, { id: null, label: "test" })).rejects.toThrow(RangeError);
    }
  });
});

describe("the tokens page's form", () => {
  async function create(fields: Record<string, string>) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    session.userId = f.admin.id;
    try {
      return await createApiTokenAction({ ok: false }, form);
    } finally {
      session.userId = null;
    }
  }

  it("needs a scope and takes 1 to 365 days (90 when left empty), saying what is wrong next to the field", async () => {
    const name = `form-${f.prefix}`;
    const count = () => db.apiToken.count({ where: { name } });
    expect(await create({ email: f.viewer.email, name })).toMatchObject({
      ok: false,
      fieldErrors: { scope: ["Choose the token's scope: read (GET only) or write (every method, with the user's rights)."] },
    });
    expect(await create({ email: f.viewer.email, name, scope: "admin" })).toMatchObject({ ok: false, fieldErrors: { scope: [expect.any(String)] } });
    for (const days of ["0", "366", "2.5", "soon", "-1"]) {
      const result = await create({ email: f.viewer.email, name, scope: "read", days });
      expect(result.ok, days).toBe(false);
      expect(result.fieldErrors?.days?.[0], days).toMatch(
        /^(Say in how many days the token expires: a whole number from 1 to 365\.|A token lives at most 365 days)/,
      );
    }
    expect(await count()).toBe(0);

    const made = await create({ email: f.viewer.email, name, scope: "read", days: "" });
    expect(made).toMatchObject({ ok: true, data: { secret: expect.stringMatching(/^pp_/) } });
    expect(made.message).toMatch(/\(read\) created for .*; it expires on /);
    const row = await db.apiToken.findFirstOrThrow({ where: { name } });
    expect(row).toMatchObject({ scope: "READ", tokenHash: hashToken(made.data!.secret) });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(90 * DAY);

    expect(await create({ email: f.viewer.email, name, scope: "write", days: "365" })).toMatchObject({ ok: true });
    const listed = (await listApiTokens()).filter((t) => t.name === name);
    expect(listed.map((t) => t.scope).sort()).toEqual(["READ", "WRITE"]);
    expect(listed.every((t) => t.expiresAt instanceof Date)).toBe(true);
  });
});

describe("npm run api-token", () => {
  const run = promisify(execFile);
  async function apiToken(...args: string[]) {
    try {
      const { stdout, stderr } = await run(path.resolve("node_modules/.bin/tsx"), ["scripts/api-token.ts", ...args], { env: process.env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it("refuses a missing or unknown scope and bad days with a message, making nothing", { timeout: 180_000 }, async () => {
    const before = await db.apiToken.count({ where: { userId: f.viewer.id } });
    const cases: [string[], RegExp][] = [
      [[f.viewer.email], /^Choose the token's scope: read \(GET only\) or write/],
      [[f.viewer.email, "--scope", "admin"], /^Choose the token's scope/],
      [[f.viewer.email, "--scope", "read", "--days", "0"], /^Say in how many days the token expires: a whole number from 1 to 365\./],
      [[f.viewer.email, "--scope", "read", "--days", "400"], /^A token lives at most 365 days/],
      [[f.viewer.email, "--scope", "read", "--days", "ninety"], /^Say in how many days/],
      [[f.viewer.email, "--scope", "read", "--days"], /--days/],
    ];
    for (const [args, message] of cases) {
      const result = await apiToken(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(message);
      expect(result.stderr).toContain("Usage: npm run api-token -- <email> [name] --scope read|write");
      expect(result.stdout).not.toMatch(/pp_/);
    }
    expect(await db.apiToken.count({ where: { userId: f.viewer.id } })).toBe(before);
  });

  it("makes a token of the scope and days asked, printed last", async () => {
    const result = await apiToken(f.viewer.email, "cli-test", "--scope", "read", "--days", "7");
    expect(result.code, result.stderr).toBe(0);
    const secret = result.stdout.trimEnd().split("\n").at(-1)!;
    expect(secret).toMatch(/^pp_/);
    const row = await db.apiToken.findUniqueOrThrow({ where: { tokenHash: hashToken(secret) } });
    expect(row).toMatchObject({ name: "cli-test", scope: "READ", userId: f.viewer.id });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(7 * DAY);
    expect(result.stdout).toContain("scope read, expires ");
  });
});

describe("the api_token_expiry_scope migration", () => {
  it("makes the tokens made before it write tokens (they had every right) that expire 90 days after it", async () => {
    const all = readMigrations();
    const at = all.findIndex((m) => m.name.endsWith("_api_token_expiry_scope"));
    expect(at).toBeGreaterThan(0);
    const server = await startEmbeddedPostgres({ port: await freePort() });
    // Migrations are the owner's (decision 016); the rows before and after are read as the owner too.
    const client = new pg.Client({ connectionString: server.migrationUrl });
    try {
      await migrate(server.migrationUrl, all.slice(0, at));
      await client.connect();
      await client.query(`INSERT INTO "User" (id, email, name, role) VALUES ('u1', 'old@example.com', 'Old', 'ADMIN')`);
      await client.query(`INSERT INTO "ApiToken" (id, "userId", name, "tokenHash", prefix) VALUES ('t1', 'u1', 'old', 'h1', 'pp_old')`);
      const before = Date.now();
      await migrate(server.migrationUrl, all);
      const { rows } = await client.query<{ scope: string; expires: string }>(`SELECT scope::text, "expiresAt"::text AS expires FROM "ApiToken"`);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.scope).toBe("WRITE");
      const expires = new Date(`${rows[0]!.expires.replace(" ", "T")}Z`).getTime();
      expect(expires).toBeGreaterThanOrEqual(before + 90 * DAY - 60_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 90 * DAY + 60_000);
      // New rows say both: the columns keep no default.
      await expect(client.query(`INSERT INTO "ApiToken" (id, "userId", name, "tokenHash", prefix) VALUES ('t2', 'u1', 'new', 'h2', 'pp_new')`)).rejects.toThrow(
        /null value in column/,
      );
    } finally {
      await client.end().catch(() => {});
      await server.stop();
    }
  });
});
