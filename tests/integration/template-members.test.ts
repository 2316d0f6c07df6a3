// Fleets by query (issue 21, point 2; docs/decisions/022-fleets-by-query.md): a template's member
// query keeps its members in line with the fleet, people add and remove named members, a server in
// another template is refused with the reason, and every join and leave is in the member history.
import { beforeEach, describe, expect, it } from "vitest";
import { POST as postTemplate } from "@/app/api/v1/templates/route";
import { GET as getTemplate, PATCH as patchTemplate } from "@/app/api/v1/templates/[id]/route";
import { GET as getMembers } from "@/app/api/v1/templates/[id]/members/route";
import { GET as getEvents } from "@/app/api/v1/templates/[id]/member-events/route";
import { GET as listResources } from "@/app/api/v1/resources/route";
import { applyImport, checkImport } from "@/lib/data/resource-csv";
import { createApiToken } from "@/lib/data/api-tokens";
import { createPolicy } from "@/lib/data/policies";
import { listMemberEvents, reconcileAllQueryTemplates, reconcileTemplate } from "@/lib/data/template-members";
import { updateTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
let policyId: string;
let tag: string;
const tokens: Record<string, string> = {};

beforeEach(async () => {
  f = await makeFleet();
  tag = `${f.prefix}-fleet`;
  for (const who of ["admin", "viewer"] as const) {
    tokens[who] = (await createApiToken(f[who].id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
  }
  const policy = await createPolicy(
    f.admin,
    PolicyInputSchema.parse({ name: `${f.prefix}-policy`, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }] }),
    new Date(),
  );
  if (!policy.ok) throw new Error(policy.message);
  policyId = policy.value.id;
});

const call = (method: string, path: string, who: string, body?: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: { Authorization: `Bearer ${tokens[who]}`, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

async function server(name: string, data: { tags?: string[]; version?: string | null; clusterId?: string } = {}) {
  return db.resource.create({
    data: {
      name: `${f.prefix}-${name}`,
      kind: "VM",
      environment: "PRODUCTION",
      teamId: f.teamA.id,
      serviceId: (await db.service.findFirstOrThrow({ where: { teamId: f.teamA.id } })).id,
      patchGroup: 1,
      tags: data.tags ?? [tag],
      version: data.version === undefined ? "2.0.0" : data.version,
      clusterId: data.clusterId,
    },
  });
}

async function newTemplate(body: Record<string, unknown>) {
  const response = await postTemplate(call("POST", "/api/v1/templates", "admin", { policyId, targetVersion: "2.0.0", ...body }));
  const answer = await json(response);
  expect(response.status, JSON.stringify(answer)).toBe(201);
  return answer as { id: string; revision: number; state: string };
}

const memberRows = (templateId: string) =>
  db.templateMember.findMany({
    where: { templateId },
    select: { viaQuery: true, currentVersion: true, state: true, resource: { select: { name: true } }, cluster: { select: { name: true } } },
    orderBy: { id: "asc" },
  });
const names = async (templateId: string) => (await memberRows(templateId)).map((m) => m.resource?.name ?? m.cluster?.name).sort();
const history = async (templateId: string) =>
  (await listMemberEvents(templateId, null, { limit: 100 })).events.map((e) => ({
    member: e.memberLabel,
    action: e.action,
    viaQuery: e.viaQuery,
    reason: e.reason,
  }));

describe("a member query", () => {
  it("takes matching servers as members and follows them as they change, retire and come", async () => {
    const [a, b] = [await server("qa", { version: "1.9.0" }), await server("qb")];
    await server("untagged", { tags: [] });
    const t = await newTemplate({ name: `${f.prefix}-by-query`, memberQuery: { tag: [tag] } });
    expect(await names(t.id)).toEqual([a.name, b.name]);
    const rows = await memberRows(t.id);
    expect(rows.every((m) => m.viaQuery)).toBe(true);
    // A member joins on the version its resource records: one behind makes the template partially applied.
    expect(rows.find((m) => m.resource?.name === a.name)).toMatchObject({ currentVersion: "1.9.0", state: "PENDING" });
    expect((await db.template.findUniqueOrThrow({ where: { id: t.id } })).state).toBe("PARTIALLY_APPLIED");

    // a loses the tag, b is retired, c is new: one reconcile brings the members in line.
    await db.resource.update({ where: { id: a.id }, data: { tags: [] } });
    await db.resource.update({ where: { id: b.id }, data: { retiredAt: new Date() } });
    const c = await server("qc");
    const before = (await db.template.findUniqueOrThrow({ where: { id: t.id } })).revision;
    expect(await reconcileAllQueryTemplates(new Date())).toMatchObject({ joined: expect.any(Number) });
    expect(await names(t.id)).toEqual([c.name]);
    const after = await db.template.findUniqueOrThrow({ where: { id: t.id } });
    expect(after.revision).toBeGreaterThan(before);
    expect(after.state).toBe("IN_SYNC");
    expect(await history(t.id)).toEqual(
      expect.arrayContaining([
        { member: a.name, action: "JOINED", viaQuery: true, reason: null },
        { member: a.name, action: "LEFT", viaQuery: true, reason: "No longer matches the member query" },
        { member: b.name, action: "LEFT", viaQuery: true, reason: "Retired: gone from its inventory source" },
        { member: c.name, action: "JOINED", viaQuery: true, reason: null },
      ]),
    );
    // Nothing moved: nothing written, the revision stays.
    expect(await reconcileTemplate(t.id, new Date())).toEqual({ joined: 0, left: 0, refused: 0 });
    expect((await db.template.findUniqueOrThrow({ where: { id: t.id } })).revision).toBe(after.revision);
  });

  it("refuses a server another template holds, itself or through its cluster, naming it once", async () => {
    const named = await server("named");
    await db.resource.update({ where: { id: f.nodes[0]!.id }, data: { tags: [tag] } });
    const owner = await newTemplate({ name: `${f.prefix}-owner`, members: [named.name, f.cluster.name] });
    const free = await server("free");
    const t = await newTemplate({ name: `${f.prefix}-query`, memberQuery: { tag: [tag] } });
    expect(await names(t.id)).toEqual([free.name]);
    await reconcileTemplate(t.id, new Date());
    await reconcileTemplate(t.id, new Date());
    const refused = (await history(t.id)).filter((e) => e.action === "REFUSED");
    expect(refused).toEqual(
      expect.arrayContaining([
        { member: named.name, action: "REFUSED", viaQuery: true, reason: `Already a member of the template "${f.prefix}-owner"` },
        {
          member: f.nodes[0]!.name,
          action: "REFUSED",
          viaQuery: true,
          reason: `Its cluster "${f.cluster.name}" is a member of the template "${f.prefix}-owner"`,
        },
      ]),
    );
    expect(refused).toHaveLength(2);
    expect(await names(owner.id)).toEqual([f.cluster.name, named.name].sort());
  });

  it("leaves named members alone, and takes its members away when removed", async () => {
    const q = await server("q");
    const t = await newTemplate({ name: `${f.prefix}-mixed`, members: [f.web.name], memberQuery: { tag: [tag] } });
    expect(await names(t.id)).toEqual([f.web.name, q.name].sort());
    const removed = await patchTemplate(call("PATCH", `/api/v1/templates/${t.id}`, "admin", { memberQuery: null }), params(t.id));
    expect(removed.status).toBe(200);
    expect((await json(removed)).memberQuery).toBeNull();
    expect(await names(t.id)).toEqual([f.web.name]);
    expect(await history(t.id)).toContainEqual({ member: q.name, action: "LEFT", viaQuery: true, reason: "The member query was removed" });
  });
});

describe("PATCH /api/v1/templates/{id} members", () => {
  it("adds and removes named members, audited, with the history and a new revision", async () => {
    const t = await newTemplate({ name: `${f.prefix}-named`, members: [f.cluster.name] });
    const behind = await server("behind", { version: "1.0.0", tags: [] });
    const added = await patchTemplate(
      call("PATCH", `/api/v1/templates/${t.id}`, "admin", { members: { add: [behind.name] } }, { "If-Match": `"${t.revision}"` }),
      params(t.id),
    );
    const answer = await json(added);
    expect(added.status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ revision: t.revision + 1, state: "PARTIALLY_APPLIED", memberQuery: null });
    const page = await json(await getMembers(call("GET", `/api/v1/templates/${t.id}/members`, "viewer"), params(t.id)));
    expect(page.members).toContainEqual(expect.objectContaining({ name: behind.name, viaQuery: false, currentVersion: "1.0.0", state: "PENDING" }));

    const removed = await patchTemplate(call("PATCH", `/api/v1/templates/${t.id}`, "admin", { members: { remove: [behind.name] } }), params(t.id));
    expect(removed.status).toBe(200);
    expect(await json(removed)).toMatchObject({ state: "IN_SYNC" });
    expect(await names(t.id)).toEqual([f.cluster.name]);

    const events = await json(await getEvents(call("GET", `/api/v1/templates/${t.id}/member-events`, "viewer"), params(t.id)));
    expect((events.events as { member: string; action: string; by: string }[]).map((e) => [e.member, e.action, e.by])).toEqual([
      [behind.name, "LEFT", f.admin.email],
      [behind.name, "JOINED", f.admin.email],
      [f.cluster.name, "JOINED", f.admin.email],
    ]);
    const audits = await db.auditEvent.findMany({ where: { entityId: t.id, action: "template.update" } });
    expect(audits.map((a) => (a.after as { members?: unknown }).members)).toEqual(
      expect.arrayContaining([expect.objectContaining({ add: [behind.name], added: 1 }), expect.objectContaining({ remove: [behind.name], removed: 1 })]),
    );
  });

  it("refuses a server in another template with the reason, and changes nothing", async () => {
    const owner = await newTemplate({ name: `${f.prefix}-first`, members: [f.web.name, f.cluster.name] });
    const t = await newTemplate({ name: `${f.prefix}-second`, members: [f.other.name] });
    for (const [member, message] of [
      [f.web.name, `A member belongs to one template only: ${f.web.name} is in "${f.prefix}-first".`],
      [f.nodes[1]!.name, `A member belongs to one template only: ${f.nodes[1]!.name} is in the cluster "${f.cluster.name}", which is in "${f.prefix}-first".`],
    ] as const) {
      const refused = await patchTemplate(call("PATCH", `/api/v1/templates/${t.id}`, "admin", { members: { add: [member] } }), params(t.id));
      expect(refused.status).toBe(409);
      expect((await json(refused)).error).toBe(message);
    }
    // The data function says the same to a page.
    const viaData = await updateTemplate(f.admin, t.id, { members: { add: [f.web.name] } }, new Date());
    expect(viaData).toMatchObject({ ok: false, status: 409, message: expect.stringContaining(`"${f.prefix}-first"`) });
    expect((await db.template.findUniqueOrThrow({ where: { id: t.id } })).revision).toBe(t.revision);
    expect(await names(t.id)).toEqual([f.other.name]);
    expect(await names(owner.id)).toEqual([f.cluster.name, f.web.name].sort());
  });

  it("answers bad input and stale revisions with a clear 4xx, and changes nothing", async () => {
    const q = await server("q");
    const t = await newTemplate({ name: `${f.prefix}-strict`, members: [f.web.name], memberQuery: { tag: [tag] } });
    const cases: [unknown, number, RegExp][] = [
      [{ memberQuery: {} }, 400, /Give at least one filter/],
      [{ memberQuery: { colour: "blue" } }, 400, /colour|Unrecognized/i],
      [{ memberQuery: { kind: "toaster" } }, 400, /kind/],
      [{ members: { add: "x" } }, 400, /members\.add/],
      [{ members: {} }, 400, /at least one member to add or remove/],
      [{ members: { add: ["a"], remove: ["a"] } }, 400, /both added and removed/],
      [{ members: { add: ["no-such-server"] } }, 400, /No resource or cluster is named "no-such-server"\./],
      [{ members: { remove: ["no-such-server"] } }, 400, /"no-such-server" is not a member of this template/],
      [{ members: { remove: [q.name] } }, 409, /through the member query: change the query/],
      [{ members: { add: [f.web.name] }, revision: t.revision + 5 }, 409, /Someone changed this template/],
      // A good removal next to a bad one: the whole request is refused.
      [{ members: { add: ["no-such-server"], remove: [f.web.name] } }, 400, /No resource or cluster is named/],
    ];
    for (const [body, status, message] of cases) {
      const response = await patchTemplate(call("PATCH", `/api/v1/templates/${t.id}`, "admin", body), params(t.id));
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await json(response)).error).toMatch(message);
    }
    expect((await db.template.findUniqueOrThrow({ where: { id: t.id } })).revision).toBe(t.revision);
    expect(await names(t.id)).toEqual([f.web.name, q.name].sort());
    const shown = await json(await getTemplate(call("GET", `/api/v1/templates/${t.id}`, "viewer"), params(t.id)));
    expect(shown.memberQuery).toEqual({ tag: [tag] });
    // A viewer may read, not change.
    expect((await patchTemplate(call("PATCH", `/api/v1/templates/${t.id}`, "viewer", { memberQuery: null }), params(t.id))).status).toBe(403);
  });
});

describe("the resource list's tag and service filters", () => {
  it("match every tag given and the service by name, in the API's query", async () => {
    const both = await server("both", { tags: [tag, `${tag}-pci`] });
    await server("one", { tags: [tag] });
    const listed = async (query: string) =>
      ((await json(await listResources(call("GET", `/api/v1/resources?${query}`, "viewer")))).items as { name: string }[]).map((i) => i.name).sort();
    expect(await listed(`tag=${tag},${tag}-pci`)).toEqual([both.name]);
    expect(await listed(`tag=${tag}&tag=${tag}-pci`)).toEqual([both.name]);
    expect(await listed(`tag=${tag}&service=${f.prefix}-svc`)).toEqual([both.name, `${f.prefix}-one`].sort());
    expect(await listed(`tag=${tag}&service=no-such-service`)).toEqual([]);
    const bad = await listResources(call("GET", `/api/v1/resources?tag=${Array.from({ length: 11 }, (_, i) => `t${i}`).join(",")}`, "viewer"));
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatch(/at most 10 tags/);
  });

  it("a CSV import's new servers join the template whose query they match, at once", async () => {
    const t = await newTemplate({ name: `${f.prefix}-csv`, memberQuery: { tag: [`${tag}-csv`], team: f.teamA.slug } });
    const plan = await checkImport(
      `name,kind,environment,team,service,cluster,group,tags\n${f.prefix}-imported,vm,production,${f.teamA.slug},${f.prefix}-svc,,1,${tag}-csv;linux\n`,
    );
    expect(plan.errors).toEqual([]);
    await applyImport(f.admin, plan.rows, () => {});
    expect(await names(t.id)).toEqual([`${f.prefix}-imported`]);
  });
});
