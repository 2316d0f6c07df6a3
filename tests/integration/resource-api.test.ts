// The /api/v1/resources route handlers, called as Next calls them, with bearer tokens (calls
// without any credentials need a request scope for the session cookie: tests/e2e covers them).
import { beforeEach, describe, expect, it } from "vitest";
import { GET as getList } from "@/app/api/v1/resources/route";
import { GET as getOne, PATCH } from "@/app/api/v1/resources/[name]/route";
import { DELETE, PUT } from "@/app/api/v1/resources/[name]/exclusion/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
const tokens: Record<string, string> = {};

beforeEach(async () => {
  f = await makeFleet();
  for (const who of ["admin", "owner", "ownerB", "viewer"] as const) {
    tokens[who] = (await createApiToken(f[who].id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
  }
});

const call = (method: string, path: string, who?: string, body?: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: { ...(who ? { Authorization: `Bearer ${tokens[who]}` } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
const params = (name: string) => ({ params: Promise.resolve({ name }) });

describe("GET /api/v1/resources", () => {
  it("filters, pages with a cursor, and refuses bad parameters by name", async () => {
    const first = await getList(call("GET", `/api/v1/resources?q=${f.prefix}&limit=3`, "viewer"));
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as { items: { name: string }[]; nextCursor: string };
    expect(page1.items).toHaveLength(3);
    const second = (await (await getList(call("GET", `/api/v1/resources?q=${f.prefix}&limit=3&cursor=${page1.nextCursor}`, "viewer"))).json()) as {
      items: { name: string }[];
      nextCursor: null;
    };
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect([...page1.items, ...second.items].map((i) => i.name)).toEqual([...page1.items, ...second.items].map((i) => i.name).sort());

    expect(await (await getList(call("GET", "/api/v1/resources?group=4", "viewer"))).json()).toEqual({ error: "group: must be 1, 2 or 3" });
    expect((await getList(call("GET", "/api/v1/resources?colour=red", "viewer"))).status).toBe(400);
    expect((await getList(call("GET", "/api/v1/resources?cursor=nonsense", "viewer"))).status).toBe(400);
    expect((await getList(call("GET", "/api/v1/resources", undefined, undefined, { Authorization: "Bearer pp_wrong" }))).status).toBe(401);
  });
});

describe("a resource over the API", () => {
  it("answers the patch status; 404 for an unknown name", async () => {
    const response = await getOne(call("GET", `/api/v1/resources/${f.web.name}`, "viewer"), params(f.web.name));
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBe('"1"');
    const body = (await response.json()) as { group: number; patchStatus: Record<string, unknown> };
    expect(body.group).toBe(2);
    expect(Object.keys(body.patchStatus)).toEqual(["lastPatchedAt", "lastPatchTag", "nextParty", "exclusion"]);
    expect((await getOne(call("GET", "/api/v1/resources/nope", "viewer"), params("nope"))).status).toBe(404);
  });

  it("excludes and includes with the pages' rules: 400, 403, 409 on purpose", async () => {
    const name = f.web.name;
    expect((await PUT(call("PUT", `/x`, "owner", { reason: "no" }), params(name))).status).toBe(400);
    expect((await PUT(call("PUT", `/x`, "owner", "{not json"), params(name))).status).toBe(400);
    expect((await PUT(call("PUT", `/x`, "owner", { reason: "Fine reason", extra: 1 }), params(name))).status).toBe(400);
    expect((await PUT(call("PUT", `/x`, "viewer", { reason: "Fine reason" }), params(name))).status).toBe(403);
    expect((await PUT(call("PUT", `/x`, "ownerB", { reason: "Fine reason" }), params(name))).status).toBe(403);
    expect((await PUT(call("PUT", `/x`, undefined, { reason: "Fine reason" }, { Authorization: "Bearer pp_revoked" }), params(name))).status).toBe(401);

    const excluded = await PUT(call("PUT", `/x`, "owner", { reason: "Application freeze", until: "2099-01-31" }, { "If-Match": '"1"' }), params(name));
    expect(excluded.status).toBe(200);
    const body = (await excluded.json()) as { revision: number; patchStatus: { exclusion: { reason: string; until: string }; nextParty: unknown } };
    expect(body.revision).toBe(2);
    expect(body.patchStatus.exclusion).toMatchObject({
      reason: "Application freeze",
      until: "2099-01-31T23:59:59.999Z",
      by: `${f.owner.name} <${f.owner.email}>`,
    });
    expect(body.patchStatus.nextParty).toBeNull();

    const stale = await DELETE(call("DELETE", `/x`, "owner", { group: 1 }, { "If-Match": '"1"' }), params(name));
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: string }).error).toMatch(/changed by someone else since you loaded it/);

    const included = await DELETE(call("DELETE", `/x`, "owner", { group: 1 }, { "If-Match": '"2"' }), params(name));
    expect(included.status).toBe(200);
    expect(await included.json()).toMatchObject({ group: 1, revision: 3, patchStatus: { exclusion: null } });
  });

  it("changes a group with PATCH, refusing a cluster breach with 409", async () => {
    const node = f.nodes[0]!.name;
    const refused = await PATCH(call("PATCH", "/x", "owner", { group: 2 }), params(node));
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toMatch(/would all be in group 2/);
    expect((await PATCH(call("PATCH", "/x", "admin", { group: 2, overrideReason: "Rebuilding node 2" }), params(node))).status).toBe(200);
  });

  it("sets and clears the connection with PATCH, with or without a group, and GET and the list show it", async () => {
    const name = f.web.name;
    const set = await PATCH(
      call("PATCH", "/x", "admin", { address: "web-01.example.com", sshPort: 2222, sshUser: "deploy" }, { "If-Match": '"1"' }),
      params(name),
    );
    expect(set.status).toBe(200);
    expect(set.headers.get("etag")).toBe('"2"');
    expect(await set.json()).toMatchObject({ name, group: 2, address: "web-01.example.com", sshPort: 2222, sshUser: "deploy", revision: 2 });
    expect(await (await getOne(call("GET", "/x", "viewer"), params(name))).json()).toMatchObject({
      address: "web-01.example.com",
      sshPort: 2222,
      sshUser: "deploy",
    });
    const list = (await (await getList(call("GET", `/api/v1/resources?q=${name}`, "viewer"))).json()) as { items: Record<string, unknown>[] };
    expect(list.items.find((i) => i.name === name)).toMatchObject({ address: "web-01.example.com", sshPort: 2222, sshUser: "deploy" });

    // A field left out stays; null and "" clear; a group and an address in one change, one revision.
    const both = await PATCH(call("PATCH", "/x", "admin", { group: 3, address: "2001:db8::10", sshPort: null, revision: 2 }), params(name));
    expect(both.status).toBe(200);
    expect(await both.json()).toMatchObject({ group: 3, address: "2001:db8::10", sshPort: null, sshUser: "deploy", revision: 3 });
    const cleared = await PATCH(call("PATCH", "/x", "admin", { address: "", sshUser: null }), params(name));
    expect(await cleared.json()).toMatchObject({ group: 3, address: null, sshPort: null, sshUser: null, revision: 4 });
    // The same values again change nothing: no revision, no audit.
    const same = await PATCH(call("PATCH", "/x", "admin", { address: null }), params(name));
    expect(await same.json()).toMatchObject({ address: null, revision: 4 });

    const audit = await db.auditEvent.findMany({ where: { entityId: f.web.id, action: "resource.connection" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actorLabel, a.before, a.after])).toEqual([
      [f.admin.email, { address: null, sshPort: null, sshUser: null }, { address: "web-01.example.com", sshPort: 2222, sshUser: "deploy" }],
      [f.admin.email, { address: "web-01.example.com", sshPort: 2222, sshUser: "deploy" }, { address: "2001:db8::10", sshPort: null, sshUser: "deploy" }],
      [f.admin.email, { address: "2001:db8::10", sshPort: null, sshUser: "deploy" }, { address: null, sshPort: null, sshUser: null }],
    ]);
    expect(await db.auditEvent.count({ where: { entityId: f.web.id, action: "resource.regroup" } })).toBe(1);
  });

  it("refuses a connection that ssh could misread with 400 naming the field, and changes nothing", async () => {
    const name = f.web.name;
    const refusals: [Record<string, unknown>, string][] = [
      [{ address: "-oProxyCommand=x" }, 'address: The address cannot start with "-".'],
      [{ address: "a b" }, "address: The address cannot hold spaces or control characters."],
      [{ address: "web\u0000" }, "address: The address cannot hold spaces or control characters."],
      [{ address: "10.0.0.300" }, "address: The address must be a host name (such as web-01.example.com) or an IPv4 or IPv6 address."],
      [{ address: `${"a".repeat(64)}.example.com` }, "address: Each part of a host name between dots must be at most 63 characters."],
      [{ address: "a.".repeat(127) + "com" }, "address: The address must be at most 253 characters."],
      [{ sshPort: 0 }, "sshPort: The port must be a whole number from 1 to 65535 (empty means 22)."],
      [{ sshPort: 70000 }, "sshPort: The port must be a whole number from 1 to 65535 (empty means 22)."],
      [{ sshPort: "22; reboot" }, "sshPort: The port must be a whole number from 1 to 65535 (empty means 22)."],
      [{ sshUser: "-oProxyCommand=x" }, "sshUser: The user must start with a letter or _ and hold only letters, digits, _ and -."],
      [{ sshUser: "root@evil" }, "sshUser: The user must start with a letter or _ and hold only letters, digits, _ and -."],
      [{ sshUser: "u".repeat(33) }, "sshUser: The user must be at most 32 characters."],
      [{}, "Send at least one of group, address, sshPort and sshUser."],
      [{ address: "web-01", port: 22 }, 'Unrecognized key: "port"'],
    ];
    for (const [body, error] of refusals) {
      const response = await PATCH(call("PATCH", "/x", "owner", body), params(name));
      expect([response.status, await response.json()], JSON.stringify(body)).toEqual([400, { error }]);
    }
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.web.id }, select: { address: true, sshPort: true, sshUser: true, revision: true } })).toEqual({
      address: null,
      sshPort: null,
      sshUser: null,
      revision: 1,
    });
  });

  it("lets admins alone say where the executors reach a resource (an owner could point it at another team's host), and says 409 to a stale revision", async () => {
    for (const who of ["owner", "ownerB", "viewer"] as const) {
      const refused = await PATCH(call("PATCH", "/x", who, { address: "web-01.example.com" }), params(f.web.name));
      expect(refused.status, who).toBe(403);
    }
    const owners = await PATCH(call("PATCH", "/x", "owner", { address: "db-primary.other-team.internal" }), params(f.web.name));
    expect(await owners.json()).toEqual({ error: "Only admins set where the executors reach a resource (its address, SSH port and user)." });
    expect((await PATCH(call("PATCH", "/x", "admin", { address: "web-01.example.com" }), params("nope"))).status).toBe(404);

    expect((await PATCH(call("PATCH", "/x", "admin", { sshPort: 2222 }, { "If-Match": '"1"' }), params(f.web.name))).status).toBe(200);
    const stale = await PATCH(call("PATCH", "/x", "admin", { address: "10.0.0.5" }, { "If-Match": '"1"' }), params(f.web.name));
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: string }).error).toMatch(/changed by someone else since you loaded it/);
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.web.id }, select: { address: true, sshPort: true, revision: true } })).toEqual({
      address: null,
      sshPort: 2222,
      revision: 2,
    });
    expect(await db.auditEvent.count({ where: { entityId: f.web.id, action: "resource.connection" } })).toBe(1);
  });

  it("keeps the cluster rule when a group comes with a connection: nothing of the change is written", async () => {
    const node = f.nodes[0]!;
    const refused = await PATCH(call("PATCH", "/x", "admin", { group: 2, address: "node1.example.com" }), params(node.name));
    expect(refused.status).toBe(409);
    expect(await db.resource.findUniqueOrThrow({ where: { id: node.id }, select: { address: true, patchGroup: true, revision: true } })).toEqual({
      address: null,
      patchGroup: 1,
      revision: 1,
    });
  });
});
