// The /api/v1/resources route handlers, called as Next calls them, with bearer tokens (calls
// without any credentials need a request scope for the session cookie: tests/e2e covers them).
import { beforeEach, describe, expect, it } from "vitest";
import { GET as getList } from "@/app/api/v1/resources/route";
import { GET as getOne, PATCH } from "@/app/api/v1/resources/[name]/route";
import { DELETE, PUT } from "@/app/api/v1/resources/[name]/exclusion/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
const tokens: Record<string, string> = {};

beforeEach(async () => {
  f = await makeFleet();
  for (const who of ["admin", "owner", "ownerB", "viewer"] as const) {
    tokens[who] = (await createApiToken(f[who].id, "test", { id: null, label: "test" })).secret;
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
    const second = (await (await getList(call("GET", `/api/v1/resources?q=${f.prefix}&limit=3&cursor=${page1.nextCursor}`, "viewer"))).json()) as { items: { name: string }[]; nextCursor: null };
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
    expect(body.patchStatus.exclusion).toMatchObject({ reason: "Application freeze", until: "2099-01-31T23:59:59.999Z", by: `${f.owner.name} <${f.owner.email}>` });
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
});
