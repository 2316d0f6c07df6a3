// Issue 16, point 3: an approval is bound to the window (and slots, and scope) it was approved for.
import { beforeEach, describe, expect, it } from "vitest";
import { GET as changeRoute } from "@/app/api/v1/changes/[id]/route";
import { POST as cancelRoute } from "@/app/api/v1/parties/[tag]/[kind]/cancel/route";
import { POST as moveRoute } from "@/app/api/v1/parties/[tag]/[kind]/move/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { scopeDrift } from "@/lib/data/change-binding";
import { decideChange, getChange, openPartyChange, openTemplateChange, partyChanges } from "@/lib/data/change-requests";
import { moveParty } from "@/lib/data/party-changes";
import { createPolicy, updatePolicy } from "@/lib/data/policies";
import { createTemplate, updateTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { blockedReason } from "@/lib/domain";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { makeFleet } from "./fixtures/fleet";
import { unusedYear } from "./fixtures/years";

let f: Awaited<ReturnType<typeof makeFleet>>;
let token: string;

beforeEach(async () => {
  f = await makeFleet();
  token = (await createApiToken(f.admin.id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
});

/** A production party of its own, far ahead, with the rule's three slots on its day. */
async function productionParty() {
  const year = await unusedYear();
  const at = (hour: number) => new Date(Date.UTC(year, 2, 7, hour));
  return db.party.create({
    data: {
      tag: `${year}-Q1`,
      kind: "PRODUCTION",
      localDate: `${year}-03-07`,
      timeZone: "UTC",
      startsAt: at(6),
      endsAt: at(18),
      slots: { create: [1, 2, 3].map((group) => ({ group, startsAt: at(2 + 4 * group), endsAt: at(6 + 4 * group) })) },
    },
  });
}

async function approvedChange(partyTag: string, now: Date) {
  const opened = await openPartyChange(f.admin, partyTag, now);
  if (!opened.ok) throw new Error(opened.message);
  expect((await decideChange(f.admin, opened.value.id, "submit", {}, now)).ok).toBe(true);
  expect(await decideChange(f.approver, opened.value.id, "approve", { comment: "CAB: go" }, now)).toMatchObject({ ok: true, value: { state: "APPROVED" } });
  return opened.value.id;
}

const api = (path: string, body: unknown) =>
  new Request(`http://localhost${path}`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
const partyParams = (tag: string) => ({ params: Promise.resolve({ tag, kind: "production" }) });

describe("approval bound to what was approved", () => {
  it("records the window, slots and scope approved; a move through the API sends the change back to the approvers with what moved", async () => {
    const party = await productionParty();
    const now = new Date();
    const id = await approvedChange(party.tag, now);
    const approved = (await getChange(id))!;
    expect(approved).toMatchObject({ approvedStart: party.startsAt, approvedEnd: party.endsAt, driftNote: null });
    const scope = await db.changeScopeResource.findMany({ where: { changeId: id, name: { startsWith: `${f.prefix}-` } }, orderBy: { name: "asc" } });
    // Production resources taking part, by group: the three nodes, web (group 2) and team B's "other".
    expect(scope.map((s) => `${s.name.slice(f.prefix.length + 1)}:${s.group}`)).toEqual(["node1:1", "node2:2", "node3:3", "other:1", "web:2"]);

    // The scope drifts: web is excluded, a new server joins group 3.
    await db.resource.update({ where: { id: f.web.id }, data: { excluded: true, exclusionReason: "Decommissioning" } });
    const joined = await db.resource.create({
      data: { name: `${f.prefix}-late`, kind: "VM", environment: "PRODUCTION", teamId: f.teamA.id, serviceId: f.web.serviceId, patchGroup: 3 },
    });
    const drift = await scopeDrift(approved);
    expect(drift.find((d) => d.group === 2)).toMatchObject({ removedCount: 1, removed: [f.web.name], addedCount: 0 });
    expect(drift.find((d) => d.group === 3)).toMatchObject({ addedCount: 1, added: [joined.name], removedCount: 0 });
    expect(drift.find((d) => d.group === 1)).toMatchObject({ addedCount: 0, removedCount: 0 });

    // An admin moves the party a week later through the API.
    const moved = await moveRoute(
      api("/api/v1/parties/x/move", { date: `${party.tag.slice(0, 4)}-03-14`, reason: "Data-centre work" }),
      partyParams(party.tag),
    );
    expect(moved.status).toBe(200);
    const body = await moved.json();
    expect(body).toMatchObject({ tag: party.tag, kind: "production", localDate: `${party.tag.slice(0, 4)}-03-14`, change: { id, state: "SUBMITTED" } });
    const after = (await getChange(id))!;
    expect(after.state).toBe("SUBMITTED");
    expect(after.decidedBy).toBeNull();
    expect(after.driftNote).toContain(`Its window moved from ${party.tag.slice(0, 4)}-03-07 06:00 UTC – ${party.tag.slice(0, 4)}-03-07 18:00 UTC to`);
    expect(after.driftNote).toContain("an approver must decide again");
    // The rule's slot times on the new day.
    const movedParty = await db.party.findUniqueOrThrow({ where: { id: party.id } });
    expect(movedParty.localDate).toBe(`${party.tag.slice(0, 4)}-03-14`);
    expect(after.plannedStart).toEqual(movedParty.startsAt);
    // The party is blocked until an approver decides again, and the approvers are told.
    expect(blockedReason((await partyChanges([party.id])).get(party.id) ?? null)).toBe("Its change request is waiting for approval.");
    const told = await db.notification.findMany({ where: { dedupeKey: { startsWith: `change:${id}:review:` } } });
    expect(told.map((n) => n.recipient)).toContain(f.approver.email);
    expect(told[0]!.subject).toBe(`Decide again: ${after.title}`);
    expect(told[0]!.body).toContain(after.driftNote!);
    expect(await db.auditEvent.count({ where: { entityId: id, action: "change.drift" } })).toBe(1);
    // The API shows the same.
    const read = await (
      await changeRoute(new Request(`http://localhost/api/v1/changes/${id}`, { headers: { Authorization: `Bearer ${token}` } }), {
        params: Promise.resolve({ id }),
      })
    ).json();
    expect(read).toMatchObject({ state: "SUBMITTED", driftNote: after.driftNote, approvedWindow: { startsAt: party.startsAt.toISOString() } });
    expect(read.scopeDrift.find((d: { group: number }) => d.group === 3)).toMatchObject({ added: [joined.name] });

    // Approved again: bound to the new window.
    expect((await decideChange(f.approver, id, "approve", { comment: "New date is fine" }, now)).ok).toBe(true);
    expect(await getChange(id)).toMatchObject({ state: "APPROVED", driftNote: null, approvedStart: movedParty.startsAt });
    expect((await scopeDrift(approved)).every((d) => d.addedCount === 0 && d.removedCount === 0)).toBe(true);
    await db.notification.deleteMany({ where: { dedupeKey: { startsWith: `change:${id}:` } } });
  });

  it("refuses a day less than 14 days ahead unless it is marked as short notice; cancels through the API", async () => {
    const party = await productionParty();
    const year = Number(party.tag.slice(0, 4));
    const now = new Date(Date.UTC(year, 1, 28, 12)); // a week before the party
    const near = await moveParty(f.admin, party.tag, "production", { date: new Date(Date.UTC(year, 2, 8)), reason: "A day later" }, now);
    expect(near).toMatchObject({ ok: false, status: 400 });
    expect(!near.ok && near.message).toMatch(/^date: \d{4}-03-08 is less than 14 days ahead, too short a notice for customers; mark the move as short notice/);
    expect((await db.party.findUniqueOrThrow({ where: { id: party.id } })).localDate).toBe(`${year}-03-07`);
    expect(
      await moveParty(f.admin, party.tag, "production", { date: new Date(Date.UTC(year, 2, 8)), reason: "A day later", shortNotice: true }, now),
    ).toMatchObject({
      ok: true,
      value: { localDate: `${year}-03-08` },
    });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: party.id, action: "party.move" } });
    expect(audit.after).toMatchObject({ shortNotice: true });

    expect((await cancelRoute(api("/api/v1/parties/x/cancel", {}), partyParams(party.tag))).status).toBe(400);
    const cancelled = await cancelRoute(api("/api/v1/parties/x/cancel", { reason: "Merged into Q2" }), partyParams(party.tag));
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: "cancelled" });
    expect((await moveRoute(api("/api/v1/parties/x/move", { date: `${year}-03-20`, reason: "Back on" }), partyParams(party.tag))).status).toBe(409);
  });

  it("an upgrade's approval returns to the approvers when its policy moves the window", async () => {
    const now = new Date("2026-11-25T10:00:00Z");
    const policy = await createPolicy(
      f.admin,
      PolicyInputSchema.parse({ name: `${f.prefix}-p`, tags: "", schedules: [{ name: "Sundays", preset: "weekly-sunday", windowHours: 4 }] }),
      now,
    );
    if (!policy.ok) throw new Error(policy.message);
    const template = await createTemplate(
      f.admin,
      TemplateCreateSchema.parse({ name: `${f.prefix}-t`, policyId: policy.value.id, targetVersion: "1.0.0", members: [f.web.name, f.cluster.name] }),
      now,
    );
    if (!template.ok) throw new Error(template.message);
    await updateTemplate(f.admin, template.value.id, { targetVersion: "1.1.0" }, now);
    const opened = await openTemplateChange(f.admin, template.value.id, now);
    if (!opened.ok) throw new Error(opened.message);
    await decideChange(f.admin, opened.value.id, "submit", {}, now);
    expect((await decideChange(f.approver, opened.value.id, "approve", { comment: "go" }, now)).ok).toBe(true);
    expect(await getChange(opened.value.id)).toMatchObject({ approvedStart: new Date("2026-11-29T00:00:00Z"), approvedEnd: new Date("2026-11-29T04:00:00Z") });
    expect((await db.changeScopeResource.findMany({ where: { changeId: opened.value.id } })).map((s) => s.group)).toEqual([0, 0, 0, 0]);

    // Same schedule, 6 hours long instead of 4.
    const edited = await updatePolicy(
      f.admin,
      policy.value.id,
      PolicyInputSchema.parse({ name: `${f.prefix}-p`, tags: "", schedules: [{ name: "Sundays", preset: "weekly-sunday", windowHours: 6 }] }),
      now,
    );
    expect(edited.ok).toBe(true);
    const change = (await getChange(opened.value.id))!;
    expect(change.state).toBe("SUBMITTED");
    expect(change.driftNote).toBe(
      "Its window moved from 2026-11-29 00:00 UTC – 2026-11-29 04:00 UTC to 2026-11-29 00:00 UTC – 2026-11-29 06:00 UTC. It was approved on 2026-11-25 10:00 UTC for the old window: an approver must decide again.",
    );
    expect(change.plannedEnd).toEqual(new Date("2026-11-29T06:00:00Z"));
    await db.notification.deleteMany({ where: { dedupeKey: { startsWith: `change:${opened.value.id}:` } } });
  });
});
