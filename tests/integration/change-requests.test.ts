import { beforeEach, describe, expect, it } from "vitest";
import { GET as listRoute, POST as openRoute } from "@/app/api/v1/changes/route";
import { GET as getRoute } from "@/app/api/v1/changes/[id]/route";
import { POST as approveRoute } from "@/app/api/v1/changes/[id]/approve/route";
import { POST as rejectRoute } from "@/app/api/v1/changes/[id]/reject/route";
import { POST as submitRoute } from "@/app/api/v1/changes/[id]/submit/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { decideChange, editChange, getChange, listChanges, openPartyChange, openTemplateChange } from "@/lib/data/change-requests";
import { generateParties } from "@/lib/data/parties";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate, updateTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { makeFleet } from "./fixtures/fleet";

const NOW = new Date("2026-11-25T10:00:00Z");
let f: Awaited<ReturnType<typeof makeFleet>>;

beforeEach(async () => {
  f = await makeFleet();
  await db.teamContact.create({ data: { teamId: f.teamA.id, name: `${f.prefix} desk`, email: `desk@${f.prefix}.test` } });
});

/** The first production party after `after` (NOW; the API routes' clock is the real one, so theirs is after today). */
async function nextProductionParty(after = NOW) {
  await generateParties(NOW, new Date(after.getTime() + 200 * 86_400_000), NOW, { id: null, label: "test" });
  return db.party.findFirstOrThrow({ where: { kind: "PRODUCTION", startsAt: { gt: after } }, orderBy: { startsAt: "asc" }, include: { slots: true } });
}

async function clearPartyChanges(partyId: string) {
  await db.changeRequest.deleteMany({ where: { partyId } });
}

describe("change requests", () => {
  it("a production party's request is written from its schedule, submitted, and approved by someone else with a comment", async () => {
    const party = await nextProductionParty();
    await clearPartyChanges(party.id);
    expect(await openPartyChange(f.owner, party.tag, NOW)).toMatchObject({ ok: false, status: 403 });
    const opened = await openPartyChange(f.admin, party.tag, NOW);
    if (!opened.ok) throw new Error(opened.message);
    expect(await openPartyChange(f.admin, party.tag, NOW)).toMatchObject({ ok: false, status: 409, code: "exists" });

    const change = (await getChange(opened.value.id))!;
    expect(change).toMatchObject({
      state: "DRAFT",
      plannedStart: party.startsAt,
      plannedEnd: party.endsAt,
      party: { tag: party.tag, kind: "PRODUCTION" },
      requestedBy: f.admin.email,
    });
    expect(change.title).toMatch(new RegExp(`^Patch Party ${party.tag} production: [\\d,]+ resources in 3 groups$`));
    expect(change.rollbackPlan).toContain("Group 1: ");
    expect(change.contacts).toContain(`${f.prefix} desk <desk@${f.prefix}.test>`);
    expect((change.scope as { groups: { group: number }[] }).groups.map((g) => g.group)).toEqual([1, 2, 3]);

    expect((await editChange(f.admin, change.id, { rollbackPlan: "Restore the snapshots.", revision: 1 }, NOW)).ok).toBe(true);
    expect(await editChange(f.admin, change.id, { title: "Stale", revision: 1 }, NOW)).toMatchObject({ ok: false, status: 409, code: "conflict" });
    // Nobody decides a draft; the requester submits it.
    expect(await decideChange(f.approver, change.id, "approve", { comment: "ok" }, NOW)).toMatchObject({
      ok: false,
      status: 409,
      message: "The change is draft: only a submitted change can be approved.",
    });
    expect(await decideChange(f.admin, change.id, "submit", {}, NOW)).toMatchObject({ ok: true, value: { state: "SUBMITTED" } });
    expect(await editChange(f.admin, change.id, { title: "Too late" }, NOW)).toMatchObject({ ok: false, status: 409, code: "state" });
    // Four eyes: the requester (an admin, who may decide) cannot approve their own; owners and viewers cannot at all.
    expect(await decideChange(f.admin, change.id, "approve", { comment: "mine" }, NOW)).toMatchObject({
      ok: false,
      status: 409,
      message: "You requested this change, so someone else must decide it (four eyes).",
    });
    for (const who of [f.owner, f.viewer])
      expect(await decideChange(who, change.id, "approve", { comment: "yes" }, NOW)).toMatchObject({ ok: false, status: 403 });
    expect(await decideChange(f.approver, change.id, "approve", {}, NOW)).toMatchObject({ ok: false, status: 400 });
    expect(await decideChange(f.approver, change.id, "approve", { comment: "CAB 2026-11-26: go" }, NOW)).toMatchObject({
      ok: true,
      value: { state: "APPROVED" },
    });
    expect(await getChange(change.id)).toMatchObject({
      state: "APPROVED",
      decidedBy: f.approver.email,
      decisionComment: "CAB 2026-11-26: go",
      rollbackPlan: "Restore the snapshots.",
    });
    expect(await db.auditEvent.count({ where: { entityId: change.id } })).toBe(4);
  });

  it("a rejected request can be reopened, edited and submitted again; the list pages newest first", async () => {
    const party = await nextProductionParty();
    await clearPartyChanges(party.id);
    const opened = await openPartyChange(f.admin, party.tag, NOW);
    if (!opened.ok) throw new Error(opened.message);
    const id = opened.value.id;
    await decideChange(f.admin, id, "submit", {}, NOW);
    expect(await decideChange(f.approver, id, "reject", { comment: "Rollback plan is vague" }, NOW)).toMatchObject({ ok: true, value: { state: "REJECTED" } });
    expect(await decideChange(f.admin, id, "reopen", {}, NOW)).toMatchObject({ ok: true, value: { state: "DRAFT" } });
    expect((await editChange(f.admin, id, { rollbackPlan: "Snapshot per group; revert within 15 minutes." }, NOW)).ok).toBe(true);
    expect((await decideChange(f.admin, id, "submit", {}, NOW)).ok).toBe(true);
    const submitted = await listChanges({ state: "SUBMITTED", limit: 500 });
    expect(submitted.changes.map((c) => c.id)).toContain(id);
  });

  it("a template's upgrade gets a request for the policy's next window; none while in sync", async () => {
    const policy = await createPolicy(
      f.admin,
      PolicyInputSchema.parse({ name: `${f.prefix}-p`, tags: "", schedules: [{ name: "Sundays", preset: "weekly-sunday", windowHours: 4 }] }),
      NOW,
    );
    if (!policy.ok) throw new Error(policy.message);
    const template = await createTemplate(
      f.admin,
      TemplateCreateSchema.parse({ name: `${f.prefix}-t`, policyId: policy.value.id, targetVersion: "1.0.0", members: [f.web.name, f.cluster.name] }),
      NOW,
    );
    if (!template.ok) throw new Error(template.message);
    expect(await openTemplateChange(f.admin, template.value.id, NOW)).toMatchObject({ ok: false, status: 409, code: "in-sync" });
    await updateTemplate(f.admin, template.value.id, { targetVersion: "1.1.0" }, NOW);
    const opened = await openTemplateChange(f.admin, template.value.id, NOW);
    if (!opened.ok) throw new Error(opened.message);
    expect(await getChange(opened.value.id)).toMatchObject({
      title: `Upgrade ${f.prefix}-t to 1.1.0 (2 members)`,
      plannedStart: new Date("2026-11-29T00:00:00Z"),
      plannedEnd: new Date("2026-11-29T04:00:00Z"),
      scope: { version: "1.1.0", members: 2 },
      template: { name: `${f.prefix}-t` },
    });
    expect(await openTemplateChange(f.admin, template.value.id, NOW)).toMatchObject({ ok: false, status: 409, code: "exists" });
  });
});

describe("/api/v1/changes", () => {
  it("opens, submits and approves over the API with the pages' checks and messages", async () => {
    // The routes read the clock: a party NOW's next may have started by today (it failed on 2026-12-06, the demo rule's party day).
    const party = await nextProductionParty(new Date());
    await clearPartyChanges(party.id);
    const tokens: Record<string, string> = {};
    for (const who of ["admin", "approver", "owner"] as const)
      tokens[who] = (await createApiToken(f[who].id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
    const call = (method: string, path: string, who: string, body?: unknown) =>
      new Request(`http://localhost${path}`, {
        method,
        headers: { Authorization: `Bearer ${tokens[who]}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const params = (id: string) => ({ params: Promise.resolve({ id }) });

    expect((await openRoute(call("POST", "/api/v1/changes", "owner", { partyTag: party.tag }))).status).toBe(403);
    const bad = await openRoute(call("POST", "/api/v1/changes", "admin", { partyTag: party.tag, templateId: "x" }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "Send partyTag (a production party) or templateId (a template upgrade), one of them." });
    const opened = await openRoute(call("POST", "/api/v1/changes", "admin", { partyTag: party.tag }));
    expect(opened.status).toBe(201);
    const change = (await opened.json()) as { id: string; state: string; subject: unknown };
    expect(change).toMatchObject({ state: "DRAFT", subject: { party: { tag: party.tag, kind: "production" } } });

    expect((await approveRoute(call("POST", `/api/v1/changes/${change.id}/approve`, "approver", { comment: "early" }), params(change.id))).status).toBe(409);
    expect(await (await submitRoute(call("POST", `/api/v1/changes/${change.id}/submit`, "admin"), params(change.id))).json()).toMatchObject({
      state: "SUBMITTED",
    });
    const noComment = await rejectRoute(call("POST", `/api/v1/changes/${change.id}/reject`, "approver", { comment: "" }), params(change.id));
    expect(noComment.status).toBe(400);
    expect(await noComment.json()).toEqual({ error: "comment: Say why, in at least 3 characters." });
    const approved = await approveRoute(call("POST", `/api/v1/changes/${change.id}/approve`, "approver", { comment: "CAB: go" }), params(change.id));
    expect(await approved.json()).toMatchObject({ state: "APPROVED", decidedBy: f.approver.email, decisionComment: "CAB: go" });
    expect((await getRoute(call("GET", `/api/v1/changes/${change.id}`, "owner"), params(change.id))).status).toBe(200);
    // Other tests' changes share the database (some dated in the future, so newer): page through.
    const approvedIds: string[] = [];
    let states = new Set<string>();
    for (let cursor: string | null = "", pages = 0; cursor !== null && !approvedIds.includes(change.id) && pages < 50; pages++) {
      const list = (await (
        await listRoute(call("GET", `/api/v1/changes?state=APPROVED${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, "owner"))
      ).json()) as { items: { id: string; state: string }[]; next: string | null };
      approvedIds.push(...list.items.map((c) => c.id));
      states = new Set([...states, ...list.items.map((c) => c.state)]);
      cursor = list.next;
    }
    expect(approvedIds).toContain(change.id);
    expect([...states]).toEqual(["APPROVED"]);
    expect((await listRoute(call("GET", "/api/v1/changes?state=MAYBE", "owner"))).status).toBe(400);
  });
});
