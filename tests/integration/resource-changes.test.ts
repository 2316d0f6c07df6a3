import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { bulkChangeResources } from "@/lib/data/resource-bulk";
import { excludeResource, setResourceGroup } from "@/lib/data/resource-changes";
import { getResource } from "@/lib/data/resource-detail";
import { CONFLICT_MESSAGE } from "@/lib/domain";
import { makeFleet } from "./fixtures/fleet";

const NOW = new Date("2026-11-25T10:00:00Z");
let f: Awaited<ReturnType<typeof makeFleet>>;

beforeEach(async () => {
  f = await makeFleet();
});

const reason = "Vendor case open on the storage driver";

describe("excluding a resource", () => {
  it("lets an owner exclude their team's resource, writing resource, history and audit together", async () => {
    const result = await excludeResource(f.owner, f.web.name, { reason, until: new Date("2027-01-31T23:59:59Z"), revision: 1 }, NOW);
    expect(result).toMatchObject({
      ok: true,
      value: { name: f.web.name, revision: 2, excluded: true, patchGroup: 2, exclusionReason: reason, excludedBy: `${f.owner.name} <${f.owner.email}>` },
    });
    // The change answers the resource as written, exactly as a read after it shows it.
    expect(result.ok && result.value).toEqual(await getResource(f.web.name, null));
    const row = await db.resource.findUniqueOrThrow({ where: { id: f.web.id } });
    expect(row).toMatchObject({
      excluded: true,
      exclusionReason: reason,
      excludedById: f.owner.id,
      excludedAt: NOW,
      exclusionUntil: new Date("2027-01-31T23:59:59Z"),
    });
    const events = await db.exclusionEvent.findMany({ where: { resourceId: f.web.id } });
    expect(events).toMatchObject([{ action: "EXCLUDE", reason, actorLabel: f.owner.email }]);
    const audit = await db.auditEvent.findMany({ where: { entityId: f.web.id } });
    expect(audit).toMatchObject([
      { action: "resource.exclude", actorId: f.owner.id, reason, before: { excluded: false, group: 2 }, after: { excluded: true, group: 2, reason } },
    ]);
  });

  it.each([
    ["an owner of another team", "ownerB", 403, "You can only change resources of your own teams."],
    ["a viewer", "viewer", 403, "Your role cannot change resources."],
    ["an approver", "approver", 403, "Your role cannot change resources."],
  ] as const)("refuses %s and changes nothing", async (_who, key, status, message) => {
    const result = await excludeResource(f[key], f.web.name, { reason }, NOW);
    expect(result).toMatchObject({ ok: false, status, message });
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.web.id } })).toMatchObject({ excluded: false, revision: 1 });
    expect(await db.auditEvent.count({ where: { entityId: f.web.id } })).toBe(0);
  });

  it("lets an admin exclude any team's resource", async () => {
    expect((await excludeResource(f.admin, f.other.name, { reason }, NOW)).ok).toBe(true);
  });

  it("answers 404 for an unknown name, 400 for an expiry in the past", async () => {
    expect(await excludeResource(f.admin, "no-such-resource", { reason }, NOW)).toMatchObject({ ok: false, status: 404 });
    expect(await excludeResource(f.admin, f.web.name, { reason, until: new Date("2026-11-01T00:00:00Z") }, NOW)).toMatchObject({ ok: false, status: 400 });
  });

  it("refuses a stale revision: the second of two editors gets 409 and overwrites nothing", async () => {
    expect((await excludeResource(f.owner, f.web.name, { reason, revision: 1 }, NOW)).ok).toBe(true);
    const second = await setResourceGroup(f.admin, f.web.name, { group: 3, revision: 1 }, NOW, "include");
    expect(second).toEqual({ ok: false, status: 409, code: "conflict", message: CONFLICT_MESSAGE });
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.web.id } })).toMatchObject({ excluded: true, patchGroup: 2, revision: 2 });
  });

  it("lets exactly one of many concurrent edits of one version win", async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => excludeResource(f.owner, f.web.name, { reason: `${reason} #${i}`, revision: 1 }, NOW)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.status === 409)).toHaveLength(11);
    expect(await db.auditEvent.count({ where: { entityId: f.web.id } })).toBe(1);
    expect((await db.resource.findUniqueOrThrow({ where: { id: f.web.id } })).revision).toBe(2);
  });
});

describe("including and regrouping", () => {
  it("includes into the asked group and clears the exclusion", async () => {
    await excludeResource(f.owner, f.web.name, { reason }, NOW);
    const result = await setResourceGroup(f.owner, f.web.name, { group: 3 }, NOW, "include");
    expect(result).toMatchObject({ ok: true, value: { excluded: false, patchGroup: 3, revision: 3 } });
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.web.id } })).toMatchObject({ exclusionReason: null, excludedById: null, exclusionUntil: null });
    const events = await db.exclusionEvent.findMany({ where: { resourceId: f.web.id }, orderBy: { at: "asc" } });
    expect(events.map((e) => [e.action, e.group])).toEqual([
      ["EXCLUDE", null],
      ["INCLUDE", 3],
    ]);
  });

  it("refuses to put two nodes of a cluster in one group while a group is free, with an explanation", async () => {
    const [node1, , node3] = f.nodes;
    const result = await setResourceGroup(f.owner, node1!.name, { group: 3 }, NOW, "regroup");
    expect(result).toMatchObject({ ok: false, status: 409, code: "cluster-rule" });
    if (!result.ok)
      expect(result.message).toBe(
        `${node1!.name} and ${node3!.name} would all be in group 3 while group 1 is free: the cluster would lose 2 nodes at once. Pick group 1.`,
      );
    expect((await db.resource.findUniqueOrThrow({ where: { id: node1!.id } })).patchGroup).toBe(1);
  });

  it("lets only an admin override the cluster rule, with the reason audited", async () => {
    const [node1] = f.nodes;
    const overrideReason = "Node 2 is being rebuilt this quarter";
    expect(await setResourceGroup(f.owner, node1!.name, { group: 2, overrideReason }, NOW, "regroup")).toMatchObject({ ok: false, status: 403 });
    const result = await setResourceGroup(f.admin, node1!.name, { group: 2, overrideReason }, NOW, "regroup");
    expect(result).toMatchObject({ ok: true, value: { patchGroup: 2 } });
    // Moved under locks, in a transaction: its answer's node list already has the node's new group.
    expect(result.ok && result.value.cluster?.nodes.find((n) => n.id === node1!.id)).toMatchObject({ patchGroup: 2 });
    expect(result.ok && result.value).toEqual(await getResource(node1!.name, null));
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: node1!.id } });
    expect(audit).toMatchObject({
      action: "resource.regroup",
      reason: `Cluster rule overridden: ${overrideReason}`,
      before: { group: 1 },
      after: { group: 2 },
    });
  });

  it("keeps an exclusion when only the group changes", async () => {
    await excludeResource(f.owner, f.web.name, { reason }, NOW);
    expect(await setResourceGroup(f.owner, f.web.name, { group: 1 }, NOW, "regroup")).toMatchObject({ ok: true, value: { excluded: true, patchGroup: 1 } });
  });

  it("answers the resource as it is when the group asked is its group already, writing nothing", async () => {
    const result = await setResourceGroup(f.owner, f.web.name, { group: 2 }, NOW, "regroup");
    expect(result).toMatchObject({ ok: true, value: { name: f.web.name, patchGroup: 2, revision: 1 } });
    expect(await db.auditEvent.count({ where: { entityId: f.web.id } })).toBe(0);
  });
});

describe("bulk actions", () => {
  it("excludes everything matching a filter among the caller's teams' servers; another team's are not matched, nor named when sent by id", async () => {
    const result = await bulkChangeResources(f.owner, { action: "exclude", selection: { mode: "filter", filters: { q: f.prefix } }, reason }, NOW);
    expect(result).toEqual({ ok: true, value: { changed: 4, unchanged: 0, refusedCount: 0, refused: [] } });
    expect(await db.resource.count({ where: { name: { startsWith: f.prefix }, excluded: true } })).toBe(4);
    expect(await db.auditEvent.count({ where: { entityLabel: { startsWith: f.prefix }, action: "resource.exclude" } })).toBe(4);
    const again = await bulkChangeResources(f.owner, { action: "exclude", selection: { mode: "filter", filters: { q: f.prefix } }, reason }, NOW);
    expect(again).toMatchObject({ ok: true, value: { changed: 0, unchanged: 4, refusedCount: 0 } });
    // Issue 21: a customer never reads another team's server names, not even in a refusal.
    const byId = await bulkChangeResources(f.owner, { action: "exclude", selection: { mode: "ids", ids: [f.web.id, f.other.id] }, reason }, NOW);
    expect(byId).toEqual({
      ok: true,
      value: { changed: 0, unchanged: 1, refusedCount: 1, refused: [{ name: f.other.id, reason: "no server of your teams has this id" }] },
    });
    expect(JSON.stringify(byId)).not.toContain(f.other.name);
    expect((await db.resource.findUniqueOrThrow({ where: { id: f.other.id } })).excluded).toBe(false);
  });

  it("includes selected rows into a group, refusing cluster nodes that would break the rule", async () => {
    const ids = [f.web.id, ...f.nodes.map((n) => n.id)];
    await bulkChangeResources(f.admin, { action: "exclude", selection: { mode: "ids", ids }, reason }, NOW);
    const result = await bulkChangeResources(f.admin, { action: "include", selection: { mode: "ids", ids }, group: 1 }, NOW);
    expect(result.ok && result.value.changed).toBe(2);
    expect(result.ok && result.value.refused.map((r) => r.name).sort()).toEqual([f.nodes[1]!.name, f.nodes[2]!.name].sort());
    expect((await db.resource.findUniqueOrThrow({ where: { id: f.web.id } })).patchGroup).toBe(1);
  });

  it("refuses a viewer outright", async () => {
    expect(await bulkChangeResources(f.viewer, { action: "include", selection: { mode: "ids", ids: [f.web.id] }, group: 1 }, NOW)).toMatchObject({
      ok: false,
      status: 403,
    });
  });
});
