// Issue 18, point 3: the home page's "Needs you" — changes waiting for an approver's decision,
// an owner's teams' excluded resources and members that failed their latest party or upgrade.
import { beforeAll, describe, expect, it } from "vitest";
import { needsYou } from "@/lib/data/needs-you";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
beforeAll(async () => {
  f = await makeFleet();
});

/** A change row of its own, planned in 1970 so that it sorts before every other test's. */
const change = (title: string, requestedById: string, state: "DRAFT" | "SUBMITTED" | "APPROVED", day: number) =>
  db.changeRequest.create({
    data: {
      title: `${f.prefix} ${title}`,
      scope: {},
      plannedStart: new Date(Date.UTC(1970, 0, day)),
      plannedEnd: new Date(Date.UTC(1970, 0, day, 4)),
      rollbackPlan: "Roll back",
      acceptanceCriteria: "All green",
      contacts: "ops@example.com",
      requestedById,
      state,
    },
  });

describe("changes to decide", () => {
  it("approvers and admins see the submitted changes they did not request, soonest first, with the count", async () => {
    const byAdmin = await change("by the admin", f.admin.id, "SUBMITTED", 2);
    const byApprover = await change("by the approver", f.approver.id, "SUBMITTED", 1);
    const draft = await change("a draft", f.admin.id, "DRAFT", 1);
    const approved = await change("approved already", f.admin.id, "APPROVED", 1);

    const forApprover = (await needsYou(f.approver)).changes!;
    expect(forApprover.items[0]).toEqual({ id: byAdmin.id, title: byAdmin.title, plannedStart: byAdmin.plannedStart });
    const ids = forApprover.items.map((c) => c.id);
    for (const hidden of [byApprover.id, draft.id, approved.id]) expect(ids).not.toContain(hidden);
    expect(forApprover.items.length).toBeLessThanOrEqual(5);
    expect(forApprover.total).toBeGreaterThanOrEqual(forApprover.items.length);
    expect(forApprover.total).toBe(await db.changeRequest.count({ where: { state: "SUBMITTED", requestedById: { not: f.approver.id } } }));

    const forAdmin = (await needsYou(f.admin)).changes!;
    expect(forAdmin.items[0]!.id).toBe(byApprover.id);
    expect(forAdmin.items.map((c) => c.id)).not.toContain(byAdmin.id);

    // Owners and viewers do not decide changes.
    expect((await needsYou(f.owner)).changes).toBeNull();
    expect((await needsYou(f.viewer)).changes).toBeNull();
  });
});

describe("an owner's teams", () => {
  it("are listed only when something needs following up, with each count from one aggregate", async () => {
    expect((await needsYou(f.owner)).teams).toEqual([]);

    await db.resource.update({ where: { id: f.web.id }, data: { excluded: true, excludedAt: new Date(), exclusionReason: "Vendor hold" } });
    await db.resource.update({ where: { id: f.nodes[0]!.id }, data: { lastOutcome: "FAILED" } });
    await db.resource.update({ where: { id: f.nodes[1]!.id }, data: { lastOutcome: "PATCHED" } });
    const policy = await createPolicy(
      f.admin,
      PolicyInputSchema.parse({ name: `${f.prefix} policy`, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }] }),
      new Date(),
    );
    if (!policy.ok) throw new Error(policy.message);
    // A template whose member is team A's cluster; its upgrade failed.
    const template = await createTemplate(
      f.admin,
      TemplateCreateSchema.parse({ name: `${f.prefix}-tpl`, policyId: policy.value.id, targetVersion: "1.0.0", members: [f.cluster.name] }),
      new Date(),
    );
    if (!template.ok) throw new Error(template.message);
    await db.templateMember.updateMany({ where: { templateId: template.value.id }, data: { state: "FAILED", lastError: "apt failed" } });

    expect((await needsYou(f.owner)).teams).toEqual([{ slug: f.teamA.slug, name: f.teamA.name, excluded: 1, failedInParty: 1, failedInUpgrade: 1 }]);
    // Team B has none of it; nor do people without teams.
    expect((await needsYou(f.ownerB)).teams).toEqual([]);
    expect((await needsYou(f.viewer)).teams).toEqual([]);
  });
});
