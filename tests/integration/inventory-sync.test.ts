// Issue 21, point 1: inventory sync. Static YAML and INI inventories written here and read by
// Debian's real ansible-inventory; NetBox played by a small HTTP server started here
// (tests/fixtures/netbox.ts, shared with the browser test) that answers NetBox's documented JSON
// shapes ({ count, next, previous, results }, devices and virtual machines as NetBox's REST API
// documentation shows them) and checks the token. Everything else is real: the API routes, the data
// layer, PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/inventory-sources/route";
import { DELETE as deleteRoute, GET as getRoute, PATCH as patchRoute } from "@/app/api/v1/inventory-sources/[id]/route";
import { POST as mappingPreviewRoute } from "@/app/api/v1/inventory-sources/[id]/mapping-preview/route";
import { GET as resourcesRoute } from "@/app/api/v1/resources/route";
import { GET as listSyncsRoute, POST as syncRoute } from "@/app/api/v1/inventory-sources/[id]/syncs/route";
import { GET as getSyncRoute, POST as decideRoute } from "@/app/api/v1/inventory-sources/[id]/syncs/[syncId]/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { listResourcePage } from "@/lib/data/resource-list";
import { runDueSyncs } from "@/lib/data/inventory";
import { SCHEDULER } from "@/lib/data/audit";
import { db } from "@/lib/db";
import { netboxDevice, netboxVirtualMachine, startNetBox, type NetBox } from "../fixtures/netbox";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  f = await makeFleet();
  for (const who of ["admin", "owner"] as const)
    tokens[who] = (await createApiToken(f[who].id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
});

const call = (method: string, path: string, who: "admin" | "owner", body?: unknown) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: { Authorization: `Bearer ${tokens[who]}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });
const syncParams = (id: string, syncId: string) => ({ params: Promise.resolve({ id, syncId }) });

type Sync = {
  id: string;
  state: string;
  added: number;
  changed: number;
  restored: number;
  retired: number;
  unchanged: number;
  nothingChanged: boolean;
  hostErrors: { host: string; message: string }[];
  error: string | null;
};

async function createSource(body: Record<string, unknown>): Promise<{ id: string; revision: number }> {
  const response = await createRoute(call("POST", "/api/v1/inventory-sources", "admin", body));
  const json = (await response.json()) as { id: string; revision: number; error?: string };
  if (response.status !== 201) throw new Error(json.error);
  return json;
}

async function sync(id: string, apply = false): Promise<Sync> {
  const response = await syncRoute(call("POST", `/api/v1/inventory-sources/${id}/syncs`, "admin", { apply }), idParams(id));
  const json = (await response.json()) as Sync & { error?: string };
  if (response.status !== 201) throw new Error(json.error ?? String(response.status));
  return json;
}

async function decide(id: string, syncId: string, action: "apply" | "discard") {
  return decideRoute(call("POST", `/api/v1/inventory-sources/${id}/syncs/${syncId}`, "admin", { action }), syncParams(id, syncId));
}

const servers = (sourceId: string) => db.resource.findMany({ where: { sourceId }, orderBy: { name: "asc" }, include: { service: true, cluster: true } });

const ANSIBLE_MAPPING = {
  fields: {
    team: "group:team_",
    environment: "var:patch_env",
    kind: ["var:patch_kind", "const:vm"],
    service: "var:patch_service",
    cluster: "var:patch_cluster",
    address: "var:ansible_host",
    tags: ["group:tag_", "var:patch_tags"],
  },
  values: { environment: { prod: "production", qa: "non-production" } },
};

describe("an Ansible source (static YAML read by ansible-inventory)", () => {
  const yaml = (p: string, h1Env: string, withH2 = true) => `all:
  children:
    team_${p}-a:
      vars:
        patch_service: ${p}-inv-svc
      hosts:
        ${p}-h1:
          patch_env: ${h1Env}
          ansible_host: 10.20.0.1
          patch_cluster: ${p}-inv-cluster
${withH2 ? `        ${p}-h2:\n          patch_env: qa\n          patch_tags: "db, eu"\n` : ""}        ${p}-noenv:
          ansible_host: 10.20.0.9
        ${p}-web:
          patch_env: prod
    tag_linux:
      hosts:
        ${p}-h1:
    team_nosuchteam:
      hosts:
        ${p}-orphan:
          patch_env: prod
          patch_service: ${p}-inv-svc
`;
  let source: { id: string; revision: number };

  it("previews, applies, and a second sync with nothing changed writes nothing", async () => {
    const p = f.prefix;
    // Owners may not; an unknown mapping field and a bad file name are refused with a message.
    expect((await createRoute(call("POST", "/api/v1/inventory-sources", "owner", {}))).status).toBe(403);
    const badName = await createRoute(
      call("POST", "/api/v1/inventory-sources", "admin", {
        name: `${p} bad`,
        kind: "ansible",
        config: { fileName: "../x.yml", text: "x" },
        mapping: ANSIBLE_MAPPING,
      }),
    );
    expect(badName.status).toBe(400);
    expect(((await badName.json()) as { error: string }).error).toMatch(/^config\.fileName: /);
    const badMapping = await createRoute(
      call("POST", "/api/v1/inventory-sources", "admin", {
        name: `${p} bad`,
        kind: "ansible",
        config: { fileName: "hosts.yml", text: "x" },
        mapping: { fields: { team: "nonsense", environment: "const:production", kind: "const:vm", service: "const:s" } },
      }),
    );
    expect(badMapping.status).toBe(400);
    expect(((await badMapping.json()) as { error: string }).error).toMatch(/no expression/);

    source = await createSource({ name: `${p} yaml`, kind: "ansible", config: { fileName: "hosts.yml", text: yaml(p, "prod") }, mapping: ANSIBLE_MAPPING });
    const preview = await sync(source.id);
    expect(preview.state).toBe("preview");
    expect(preview.added).toBe(2);
    // Per-host errors: no environment, an unknown team, a name a person typed (f.web); the sync went on.
    const errors = Object.fromEntries(preview.hostErrors.map((e) => [e.host, e.message]));
    expect(errors[`${p}-noenv`]).toMatch(/no environment/);
    expect(errors[`${p}-orphan`]).toMatch(/no team "nosuchteam"/);
    expect(errors[`${p}-web`]).toMatch(/typed in PatchParty or synced from another source/);
    expect(await servers(source.id)).toHaveLength(0);

    // The plan is paged: the adds, with what they will be.
    const detail = (await (
      await getSyncRoute(call("GET", `/api/v1/inventory-sources/${source.id}/syncs/${preview.id}?op=add&limit=1`, "admin"), syncParams(source.id, preview.id))
    ).json()) as {
      plan: { items: { name: string; after: Record<string, unknown> }[]; total: number; nextOffset: number | null };
    };
    expect(detail.plan.total).toBe(2);
    expect(detail.plan.items).toHaveLength(1);
    expect(detail.plan.nextOffset).toBe(1);

    const applied = await decide(source.id, preview.id, "apply");
    expect(applied.status).toBe(200);
    expect(((await applied.json()) as Sync).state).toBe("applied");
    // A preview is applied once.
    expect((await decide(source.id, preview.id, "apply")).status).toBe(409);

    const made = await servers(source.id);
    expect(made.map((r) => r.name)).toEqual([`${p}-h1`, `${p}-h2`]);
    const [h1, h2] = made;
    expect(h1).toMatchObject({
      teamId: f.teamA.id,
      environment: "PRODUCTION",
      kind: "VM",
      address: "10.20.0.1",
      tags: ["linux"],
      externalId: `${p}-h1`,
      retiredAt: null,
    });
    expect(h1!.service.name).toBe(`${p}-inv-svc`);
    expect(h1!.service.teamId).toBe(f.teamA.id);
    expect(h1!.cluster?.name).toBe(`${p}-inv-cluster`);
    expect(h2).toMatchObject({ environment: "NON_PRODUCTION", tags: ["db", "eu"], address: null });
    expect([1, 2, 3]).toContain(h1!.patchGroup);
    // The person-typed server of the same name is untouched.
    expect(await db.resource.findUnique({ where: { id: f.web.id } })).toMatchObject({ sourceId: null, teamId: f.teamA.id });

    const audit = await db.auditEvent.findFirst({ where: { entityId: source.id, action: "inventory.sync" }, orderBy: { id: "desc" } });
    expect(audit?.after).toMatchObject({ sync: preview.id, added: 2, changed: 0, retired: 0, hostErrors: 3 });

    // Nothing changed: the second sync writes no server.
    const second = await sync(source.id, true);
    expect(second).toMatchObject({ state: "applied", added: 0, changed: 0, retired: 0, unchanged: 2, nothingChanged: true });
    const after = await servers(source.id);
    expect(after.map((r) => [r.revision, r.updatedAt.getTime()])).toEqual(made.map((r) => [r.revision, r.updatedAt.getTime()]));
  });

  it("changes what the source owns, never what a person set, retires what is gone and restores what comes back", async () => {
    const p = f.prefix;
    const [h1] = await servers(source.id);
    // A person moves h1 to group 3, excludes it, and sets its SSH user.
    await db.resource.update({
      where: { id: h1!.id },
      data: { patchGroup: 3, excluded: true, exclusionReason: "vendor freeze", excludedAt: new Date(), sshUser: "ops", revision: { increment: 1 } },
    });
    const patched = await patchRoute(
      call("PATCH", `/api/v1/inventory-sources/${source.id}`, "admin", { config: { fileName: "hosts.yml", text: yaml(p, "qa") }, revision: source.revision }),
      idParams(source.id),
    );
    expect(patched.status).toBe(200);
    // A stale revision is refused.
    expect(
      (await patchRoute(call("PATCH", `/api/v1/inventory-sources/${source.id}`, "admin", { autoApply: true, revision: source.revision }), idParams(source.id)))
        .status,
    ).toBe(409);

    const changed = await sync(source.id, true);
    expect(changed).toMatchObject({ state: "applied", added: 0, changed: 1, retired: 0, unchanged: 1 });
    const now = await db.resource.findUniqueOrThrow({ where: { id: h1!.id } });
    expect(now).toMatchObject({ environment: "NON_PRODUCTION", patchGroup: 3, excluded: true, exclusionReason: "vendor freeze", sshUser: "ops" });

    // h2 leaves the source: retired, not deleted, its history kept.
    const h2 = (await servers(source.id)).find((r) => r.name === `${p}-h2`)!;
    await patchRoute(
      call("PATCH", `/api/v1/inventory-sources/${source.id}`, "admin", { config: { fileName: "hosts.yml", text: yaml(p, "qa", false) } }),
      idParams(source.id),
    );
    const gone = await sync(source.id, true);
    expect(gone).toMatchObject({ retired: 1, changed: 0, added: 0 });
    const retired = await db.resource.findUniqueOrThrow({ where: { id: h2.id } });
    expect(retired.retiredAt).not.toBeNull();
    // The list leaves it out unless asked; a second sync does not retire it again.
    const listed = await listResourcePage({ q: `${p}-h` }, null, "name", undefined, 50);
    expect("rows" in listed && listed.rows.map((r) => r.name)).toEqual([`${p}-h1`]);
    const retiredOnly = await listResourcePage({ q: `${p}-h`, retired: "only" }, null, "name", undefined, 50);
    expect("rows" in retiredOnly && retiredOnly.rows.map((r) => r.name)).toEqual([`${p}-h2`]);
    expect(await sync(source.id, true)).toMatchObject({ nothingChanged: true, retired: 0 });

    // It comes back: restored.
    await patchRoute(
      call("PATCH", `/api/v1/inventory-sources/${source.id}`, "admin", { config: { fileName: "hosts.yml", text: yaml(p, "qa") } }),
      idParams(source.id),
    );
    const back = await sync(source.id, true);
    expect(back).toMatchObject({ restored: 1, retired: 0, added: 0 });
    expect((await db.resource.findUniqueOrThrow({ where: { id: h2.id } })).retiredAt).toBeNull();
  });

  it("refuses to apply a preview once a server changed meanwhile, and discards", async () => {
    const p = f.prefix;
    await patchRoute(
      call("PATCH", `/api/v1/inventory-sources/${source.id}`, "admin", { config: { fileName: "hosts.yml", text: yaml(p, "prod") } }),
      idParams(source.id),
    );
    const preview = await sync(source.id);
    expect(preview.changed).toBe(1);
    const h1 = (await servers(source.id)).find((r) => r.name === `${p}-h1`)!;
    await db.resource.update({ where: { id: h1.id }, data: { revision: { increment: 1 } } });
    const refused = await decide(source.id, preview.id, "apply");
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toMatch(/changed since the preview/);
    expect((await db.resource.findUniqueOrThrow({ where: { id: h1.id } })).environment).toBe("NON_PRODUCTION");
    expect(((await (await decide(source.id, preview.id, "discard")).json()) as Sync).state).toBe("discarded");
    const history = (await (await listSyncsRoute(call("GET", `/api/v1/inventory-sources/${source.id}/syncs`, "admin"), idParams(source.id))).json()) as {
      items: Sync[];
    };
    expect(history.items[0]!.state).toBe("discarded");
    // Who dropped it is in the audit log, with what the preview held.
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: source.id, action: "inventory.discard" } });
    expect(audit).toMatchObject({ entityType: "inventory-source", after: expect.objectContaining({ sync: preview.id, changed: 1 }) });
    expect(audit.actorLabel).toContain("@");
  });

  it("a scheduled sync picks due sources: autoApply applies, else a preview waits", async () => {
    await db.inventorySource.update({ where: { id: source.id }, data: { intervalMinutes: 60, autoApply: false, nextSyncAt: new Date(Date.now() - 1000) } });
    const due = await runDueSyncs(new Date(), SCHEDULER, 50);
    expect(due.find((d) => d.source === `${f.prefix} yaml`)?.state).toBe("PREVIEW");
    const row = await db.inventorySource.findUniqueOrThrow({ where: { id: source.id } });
    expect(row.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect((await db.inventorySync.findFirst({ where: { sourceId: source.id }, orderBy: { startedAt: "desc" } }))?.trigger).toBe("schedule");
  });
});

describe("an Ansible source (static INI)", () => {
  it("maps an INI inventory and never takes over another source's server", async () => {
    const p = f.prefix;
    const ini = `[team_${p}-b]\n${p}-i1 ansible_host=10.30.0.1 patch_env=prod\n${p}-h1 patch_env=prod\n\n[team_${p}-b:vars]\npatch_service=${p}-ini-svc\n`;
    const source = await createSource({ name: `${p} ini`, kind: "ansible", config: { fileName: "hosts.ini", text: ini }, mapping: ANSIBLE_MAPPING });
    const result = await sync(source.id, true);
    expect(result).toMatchObject({ state: "applied", added: 1 });
    expect(result.hostErrors).toEqual([{ host: `${p}-h1`, message: expect.stringMatching(/another source/) }]);
    const [i1] = await servers(source.id);
    expect(i1).toMatchObject({ name: `${p}-i1`, teamId: f.teamB.id, address: "10.30.0.1" });
  });

  it("a source ansible-inventory cannot read fails with its reason", async () => {
    const source = await createSource({
      name: `${f.prefix} broken`,
      kind: "ansible",
      config: { fileName: "hosts.yml", text: "all:\n  hosts: [not, a, mapping\n" },
      mapping: ANSIBLE_MAPPING,
    });
    const result = await sync(source.id, true);
    expect(result.state).toBe("failed");
    expect(result.error).toMatch(/ansible-inventory could not read hosts\.yml/);
    expect(result.error).not.toMatch(/patchparty-inventory-/);
  });
});

describe("an Ansible source from a dynamic inventory plugin's configuration", () => {
  it("runs the plugin the configuration names (ansible-core's own generator) and maps what it makes", async () => {
    const p = f.prefix;
    // A plugin's configuration, not a list of hosts: ansible-inventory picks the plugin by `plugin:`.
    // NetBox's, AWS EC2's or VMware's plugins take the same path with their collections installed.
    const config = `plugin: ansible.builtin.generator
hosts:
  name: "${p}-gen-{{ environment }}-{{ n }}"
  parents:
    - name: "team_${p}-a"
      vars:
        patch_service: ${p}-gen-svc
    - name: "tag_{{ environment }}-ring"
      vars:
        patch_env: "{{ environment }}"
layers:
  environment: [prod, qa]
  n: ["1", "2"]
`;
    const source = await createSource({
      name: `${p} generator`,
      kind: "ansible",
      config: { fileName: "inventory.yml", text: config },
      mapping: ANSIBLE_MAPPING,
    });
    const preview = await sync(source.id);
    expect(preview).toMatchObject({ state: "preview", added: 4, retired: 0 });
    const decided = await decide(source.id, preview.id, "apply");
    expect(decided.status).toBe(200);
    const made = await servers(source.id);
    expect(made.map((r) => [r.name, r.environment, r.service?.name, r.tags])).toEqual([
      [`${p}-gen-prod-1`, "PRODUCTION", `${p}-gen-svc`, ["prod-ring"]],
      [`${p}-gen-prod-2`, "PRODUCTION", `${p}-gen-svc`, ["prod-ring"]],
      [`${p}-gen-qa-1`, "NON_PRODUCTION", `${p}-gen-svc`, ["qa-ring"]],
      [`${p}-gen-qa-2`, "NON_PRODUCTION", `${p}-gen-svc`, ["qa-ring"]],
    ]);
    expect(new Set(made.map((r) => r.teamId))).toEqual(new Set([f.teamA.id]));
  });
});

describe("a NetBox source (its REST API, played by a server here)", () => {
  const TOKEN = "0123456789abcdef0123456789abcdef01234567";
  let netbox: NetBox;

  // A web device of team A, production by its custom field, tagged PCI; its address is 10.40.0.<id>/24.
  const device = (id: number, name: string) =>
    netboxDevice(netbox.url, id, name, {
      role: { id: 1, name: "Web", slug: `${f.prefix}-web-role` },
      tenant: { id: 2, name: f.teamA.name, slug: f.teamA.slug },
      address: `10.40.0.${id}/24`,
      tags: [{ id: 7, name: "PCI", slug: "pci" }],
      customFields: { patch_environment: "production" },
    });

  beforeAll(async () => {
    netbox = await startNetBox({ token: TOKEN });
    netbox.setVirtualMachines([
      netboxVirtualMachine(netbox.url, 77, `${f.prefix}-vm1`, {
        status: "staged",
        role: null,
        tenant: { id: 2, name: f.teamB.name, slug: f.teamB.slug },
        cluster: { id: 5, name: `${f.prefix}-nb-cluster` },
        customFields: { patch_service: `${f.prefix}-vm-svc` },
      }),
    ]);
    netbox.setDevices([1, 2, 3].map((i) => device(i, `${f.prefix}-nb${i}`)));
  });
  afterAll(() => netbox.close());

  const MAPPING = {
    fields: {
      team: "field:tenant.slug",
      environment: ["cf:patch_environment", "field:status.value"],
      kind: "const:server",
      service: ["cf:patch_service", "field:role.slug"],
      cluster: "field:cluster.name",
      address: "field:primary_ip4.address",
      tags: "field:tags",
    },
    values: { environment: { staged: "non-production" } },
  };

  it("reads devices and virtual machines page by page with the token, which no answer ever shows", async () => {
    const p = f.prefix;
    const created = await createRoute(
      call("POST", "/api/v1/inventory-sources", "admin", {
        name: `${p} netbox`,
        kind: "netbox",
        config: { url: `${netbox.url}/` },
        token: TOKEN,
        mapping: MAPPING,
      }),
    );
    const createdText = await created.text();
    expect(created.status).toBe(201);
    expect(createdText).not.toContain(TOKEN);
    const source = JSON.parse(createdText) as { id: string; tokenSet: boolean };
    expect(source.tokenSet).toBe(true);
    const stored = await db.inventorySource.findUniqueOrThrow({ where: { id: source.id } });
    expect(stored.tokenSealed).not.toContain(TOKEN);
    expect(JSON.stringify(stored.config)).not.toContain(TOKEN);

    const result = await sync(source.id, true);
    expect(result).toMatchObject({ state: "applied", added: 4, hostErrors: [] });
    // Devices over two pages (next followed), then the VMs, every request with the token.
    expect(netbox.seen.filter((s) => s.path === "/api/dcim/devices/")).toHaveLength(2);
    expect(netbox.seen.every((s) => s.auth === `Token ${TOKEN}`)).toBe(true);
    const made = await servers(source.id);
    expect(made.map((r) => r.name)).toEqual([`${p}-nb1`, `${p}-nb2`, `${p}-nb3`, `${p}-vm1`]);
    expect(made[0]).toMatchObject({
      externalId: "device:1",
      kind: "SERVER",
      environment: "PRODUCTION",
      teamId: f.teamA.id,
      address: "10.40.0.1",
      tags: ["pci"],
    });
    expect(made[0]!.service.name).toBe(`${p}-web-role`);
    expect(made[3]).toMatchObject({ externalId: "vm:77", environment: "NON_PRODUCTION", teamId: f.teamB.id, address: null });
    expect(made[3]!.cluster?.name).toBe(`${p}-nb-cluster`);

    // A device renamed in NetBox is the same server (its id), renamed; one deleted is retired.
    netbox.setDevices([device(1, `${p}-nb1-renamed`), device(2, `${p}-nb2`)]);
    const next = await sync(source.id, true);
    expect(next).toMatchObject({ changed: 1, retired: 1, added: 0 });
    expect((await db.resource.findUniqueOrThrow({ where: { id: made[0]!.id } })).name).toBe(`${p}-nb1-renamed`);
    expect((await db.resource.findUniqueOrThrow({ where: { id: made[2]!.id } })).retiredAt).not.toBeNull();

    for (const response of [
      await getRoute(call("GET", `/api/v1/inventory-sources/${source.id}`, "admin"), idParams(source.id)),
      await listRoute(call("GET", "/api/v1/inventory-sources", "admin")),
      await listSyncsRoute(call("GET", `/api/v1/inventory-sources/${source.id}/syncs`, "admin"), idParams(source.id)),
    ]) {
      expect(response.status).toBe(200);
      expect(await response.text()).not.toContain(TOKEN);
    }
    const audits = await db.auditEvent.findMany({ where: { entityId: source.id } });
    expect(audits.length).toBeGreaterThan(0);
    expect(JSON.stringify(audits.map((a) => [a.before, a.after, a.reason]))).not.toContain(TOKEN);

    // A wrong token: the sync fails, saying so, without the token.
    const WRONG = "ffffffffffffffffffffffffffffffffffffffff";
    await patchRoute(call("PATCH", `/api/v1/inventory-sources/${source.id}`, "admin", { token: WRONG }), idParams(source.id));
    const failed = await sync(source.id, true);
    expect(failed.state).toBe("failed");
    expect(failed.error).toMatch(/NetBox refused the token \(403\)/);
    expect(JSON.stringify(failed)).not.toContain(WRONG);
  });
});

describe("a source's life: audited, bad input changes nothing, deleting keeps its servers", () => {
  it("audits create, edit, apply and delete without the token; the API marks retired servers; a deleted source's servers stay", async () => {
    const p = f.prefix;
    const SECRET = "ansible-plugin-secret-0123456789";
    const text = (hosts: string[]) =>
      `all:\n  children:\n    team_${p}-a:\n      vars:\n        patch_env: prod\n        patch_service: ${p}-life-svc\n      hosts:\n${hosts.map((h) => `        ${p}-${h}:\n`).join("")}`;
    const source = await createSource({
      name: `${p} life`,
      kind: "ansible",
      config: { fileName: "hosts.yml", text: text(["l1", "l2"]) },
      mapping: ANSIBLE_MAPPING,
      token: SECRET,
    });
    expect(await sync(source.id, true)).toMatchObject({ state: "applied", added: 2 });

    // Bad input: refused with a message naming the field, and the source is as it was.
    const before = await db.inventorySource.findUniqueOrThrow({ where: { id: source.id } });
    for (const body of [
      { intervalMinutes: 1 },
      { mapping: { fields: { team: "const:x" } } },
      { config: { fileName: "../etc/hosts" } },
      { name: "" },
      { nonsense: true },
    ]) {
      const response = await patchRoute(call("PATCH", `/api/v1/inventory-sources/${source.id}`, "admin", body), idParams(source.id));
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: string }).error.length).toBeGreaterThan(5);
    }
    // A mapping tried over the API (the page's "Preview mapping"): hosts as it maps them, errors by host, nothing saved.
    const tryMapping = (who: "admin" | "owner", body: unknown) =>
      mappingPreviewRoute(
        call("POST", `/api/v1/inventory-sources/${source.id}/mapping-preview`, "admin" === who ? "admin" : "owner", body),
        idParams(source.id),
      );
    const tried = await tryMapping("admin", { mapping: ANSIBLE_MAPPING });
    expect(tried.status).toBe(200);
    expect(await tried.json()).toMatchObject({
      hosts: 2,
      errorCount: 0,
      mapped: [
        { name: `${p}-l1`, team: `${p}-a`, environment: "production", kind: "vm", service: `${p}-life-svc`, cluster: null, tags: [] },
        { name: `${p}-l2` },
      ],
    });
    const noTeam = (await (
      await tryMapping("admin", { mapping: { ...ANSIBLE_MAPPING, fields: { ...ANSIBLE_MAPPING.fields, team: "const:nosuchteam" } } })
    ).json()) as { mapped: unknown[]; errors: { host: string; message: string }[] };
    expect(noTeam.mapped).toEqual([]);
    expect(noTeam.errors.map((e) => e.host)).toEqual([`${p}-l1`, `${p}-l2`]);
    expect(noTeam.errors[0]!.message).toMatch(/no team "nosuchteam"/);
    const badMapping = await tryMapping("admin", { mapping: { fields: { team: "var:x" } } });
    expect(badMapping.status).toBe(400);
    expect(((await badMapping.json()) as { error: string }).error).toMatch(/environment/);
    expect((await tryMapping("owner", { mapping: ANSIBLE_MAPPING })).status).toBe(403);
    expect(await db.inventorySource.findUniqueOrThrow({ where: { id: source.id } })).toEqual(before);
    // Owners may neither change nor delete it.
    expect((await patchRoute(call("PATCH", `/api/v1/inventory-sources/${source.id}`, "owner", { autoApply: true }), idParams(source.id))).status).toBe(403);
    expect((await deleteRoute(call("DELETE", `/api/v1/inventory-sources/${source.id}`, "owner"), idParams(source.id))).status).toBe(403);

    // l2 leaves: retired, and the resource API says so when asked for retired servers.
    const edited = await patchRoute(
      call("PATCH", `/api/v1/inventory-sources/${source.id}`, "admin", { config: { fileName: "hosts.yml", text: text(["l1"]) }, intervalMinutes: 60 }),
      idParams(source.id),
    );
    expect(edited.status).toBe(200);
    expect(await sync(source.id, true)).toMatchObject({ retired: 1 });
    const listed = (await (await resourcesRoute(call("GET", `/api/v1/resources?q=${p}-l&retired=include&sort=name`, "admin"))).json()) as {
      items: { name: string; retiredAt: string | null }[];
    };
    expect(listed.items.map((r) => [r.name, r.retiredAt !== null])).toEqual([
      [`${p}-l1`, false],
      [`${p}-l2`, true],
    ]);

    expect((await deleteRoute(call("DELETE", `/api/v1/inventory-sources/${source.id}`, "admin"), idParams(source.id))).status).toBe(204);
    expect((await getRoute(call("GET", `/api/v1/inventory-sources/${source.id}`, "admin"), idParams(source.id))).status).toBe(404);
    const kept = await db.resource.findMany({ where: { name: { in: [`${p}-l1`, `${p}-l2`] } }, orderBy: { name: "asc" } });
    expect(kept.map((r) => [r.name, r.sourceId, r.retiredAt !== null])).toEqual([
      [`${p}-l1`, null, false],
      [`${p}-l2`, null, true],
    ]);

    const audits = await db.auditEvent.findMany({ where: { entityId: source.id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => a.action)).toEqual([
      "inventory-source.create",
      "inventory.sync",
      "inventory-source.update",
      "inventory.sync",
      "inventory-source.delete",
    ]);
    expect(audits[2]!.after).toMatchObject({ intervalMinutes: 60, tokenSet: true });
    expect(JSON.stringify(audits.map((a) => [a.before, a.after, a.reason, a.entityLabel]))).not.toContain(SECRET);
  });
});
