// Customer notices of fleet template upgrades over real SMTP, driven by the rollout engine on a
// clock the test moves: the upgrade's window announced on day −14 exactly once, moved when the
// window passes blocked, cancelled when the target changes first, completed once all members are on it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate, updateTemplate } from "@/lib/data/templates";
import { deliverNotices, planTemplateNotices, noticeSummary } from "@/lib/data/notifications";
import { db } from "@/lib/db";
import { announceDueAt } from "@/lib/domain/notices";
import { tick } from "@/lib/rollout/engine";
import { simulatedExecutor } from "@/lib/rollout/simulated";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { approveUpgrade } from "./fixtures/changes";
import { makeFleet } from "./fixtures/fleet";
import { invitationOf, startInbox, type Inbox } from "./fixtures/smtp";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// After the 1 December window: the next monthly windows open on 1 January and 1 February 2027.
const NOW = new Date("2026-12-02T10:00:00Z");
const JANUARY = new Date("2027-01-01T00:00:00Z");
const FEBRUARY = new Date("2027-02-01T00:00:00Z");

let inbox: Inbox;
beforeAll(async () => {
  inbox = await startInbox();
  // Files run one at a time: notices still pending now were left by files that have finished
  // (approvers' change e-mails, say). Set aside, they do not take the batches this file's clock delivers.
  await db.notification.updateMany({ where: { state: "PENDING" }, data: { state: "FAILED", lastError: "Left by another test file." } });
});
afterAll(() => inbox.close());

let f: Awaited<ReturnType<typeof makeFleet>>;
let desks: { a: string; b: string };
let templateId: string;
beforeEach(async () => {
  f = await makeFleet();
  desks = { a: `desk-${f.prefix}@a.test`, b: `desk-${f.prefix}@b.test` };
  await db.teamContact.createMany({
    data: [
      { teamId: f.teamA.id, name: "Desk A", email: desks.a },
      { teamId: f.teamB.id, name: "Desk B", email: desks.b },
    ],
  });
  const policy = await createPolicy(
    f.admin,
    PolicyInputSchema.parse({ name: `${f.prefix}-monthly`, tags: "", schedules: [{ name: "First", preset: "monthly-1st", windowHours: 4 }] }),
    NOW,
  );
  if (!policy.ok) throw new Error(policy.message);
  // The web server (team A) and the cluster of team A's nodes, and team B's server.
  const template = await createTemplate(
    f.admin,
    TemplateCreateSchema.parse({
      name: `${f.prefix}-fleet`,
      policyId: policy.value.id,
      targetVersion: "1.0.0",
      concurrency: 10,
      members: [f.web.name, f.other.name, f.cluster.name],
    }),
    NOW,
  );
  if (!template.ok) throw new Error(template.message);
  templateId = template.value.id;
});

async function notices(now: Date) {
  await planTemplateNotices(now);
  await deliverNotices(now, inbox.transport, "PatchParty <patchparty@example.test>");
}
const rows = () => db.notification.findMany({ where: { templateId }, orderBy: [{ createdAt: "asc" }, { recipient: "asc" }] });
const engine = simulatedExecutor({ durationSeconds: 60, failureRate: 0, jitter: 0 });
async function runWindow(start: Date) {
  for (let t = 0; t <= 10; t++) await tick(new Date(start.getTime() + t * MINUTE), engine, { templateIds: [templateId] });
}

describe("template upgrade notices", () => {
  it("announce the upgrade's window on day −14, exactly once to each team's desk, then tell them it is complete", async () => {
    expect((await updateTemplate(f.admin, templateId, { targetVersion: "2.0.0" }, NOW)).ok).toBe(true);
    await approveUpgrade(f, templateId, NOW);
    const due = announceDueAt(JANUARY);
    await notices(NOW);
    await notices(new Date(due.getTime() - MINUTE));
    expect(await rows()).toHaveLength(0);

    await Promise.all([notices(due), notices(due), notices(due)]);
    await notices(new Date(due.getTime() + HOUR));
    expect((await rows()).map((n) => [n.kind, n.recipient, n.version, n.sequence, n.state, n.windowStart?.toISOString()])).toEqual([
      ["announce", desks.a, "2.0.0", 0, "SENT", JANUARY.toISOString()],
      ["announce", desks.b, "2.0.0", 0, "SENT", JANUARY.toISOString()],
    ]);
    const [mail, ...others] = inbox.to(desks.b);
    expect(others).toHaveLength(0);
    expect(mail!.subject).toBe(`Planned maintenance: upgrade of ${f.prefix}-fleet to 2.0.0 on Fri 1 Jan 2027, 00:00–04:00 UTC`);
    expect(invitationOf(mail)).toContain(`UID:template-${templateId}-2.0.0@patchparty`);
    expect(invitationOf(mail)).toContain("SEQUENCE:0");
    expect(await noticeSummary({ templateId, version: "2.0.0" })).toMatchObject({ lastTold: { kind: "announce", createdAt: due } });

    await runWindow(JANUARY);
    expect(await db.templateMember.count({ where: { templateId, currentVersion: "2.0.0" } })).toBe(3);
    await notices(new Date(JANUARY.getTime() + 11 * MINUTE));
    await notices(new Date(JANUARY.getTime() + HOUR));
    expect((await rows()).filter((n) => n.recipient === desks.a).map((n) => [n.kind, n.sequence])).toEqual([
      ["announce", 0],
      ["completed", 1],
    ]);
    expect(inbox.to(desks.a).at(-1)!.subject).toBe(`Maintenance completed: upgrade of ${f.prefix}-fleet to 2.0.0 (Fri 1 Jan 2027, 00:00–04:00 UTC)`);
  });

  it("a window that passes blocked moves the upgrade to the next one (new sequence); a new target cancels the old upgrade and is announced in its turn", async () => {
    await updateTemplate(f.admin, templateId, { targetVersion: "2.0.0" }, NOW);
    await notices(announceDueAt(JANUARY));
    // No approved change: the engine does not start it in January.
    await runWindow(JANUARY);
    expect(await db.upgradeRun.count({ where: { templateId } })).toBe(0);
    await notices(new Date(JANUARY.getTime() + 2 * HOUR)); // still its window: nothing yet
    const after = new Date(JANUARY.getTime() + 4 * HOUR + MINUTE);
    await notices(after);
    await notices(new Date(after.getTime() + HOUR));
    const moved = (await rows()).filter((n) => n.recipient === desks.a);
    expect(moved.map((n) => [n.kind, n.sequence, n.windowStart?.toISOString()])).toEqual([
      ["announce", 0, JANUARY.toISOString()],
      ["moved", 1, FEBRUARY.toISOString()],
    ]);
    const movedMail = inbox.to(desks.a).at(-1)!;
    expect(movedMail.subject).toBe(`Maintenance moved: upgrade of ${f.prefix}-fleet to 2.0.0 is now on Mon 1 Feb 2027, 00:00–04:00 UTC`);
    expect(invitationOf(movedMail)).toContain("SEQUENCE:1");

    const bumpedAt = new Date("2027-01-05T09:00:00Z");
    expect((await updateTemplate(f.admin, templateId, { targetVersion: "3.0.0" }, bumpedAt)).ok).toBe(true);
    await notices(bumpedAt);
    await notices(new Date(bumpedAt.getTime() + HOUR));
    const cancelled = (await rows()).filter((n) => n.recipient === desks.a).at(-1)!;
    expect(cancelled).toMatchObject({ kind: "cancelled", version: "2.0.0", sequence: 2, state: "SENT" });
    const cancelMail = inbox.to(desks.a).at(-1)!;
    expect(cancelMail.subject).toBe(`Maintenance cancelled: upgrade of ${f.prefix}-fleet to 2.0.0 (was Mon 1 Feb 2027, 00:00–04:00 UTC)`);
    expect(invitationOf(cancelMail)).toContain("METHOD:CANCEL");
    expect(invitationOf(cancelMail)).toContain(`UID:template-${templateId}-2.0.0@patchparty`);
    expect((await rows()).filter((n) => n.version === "3.0.0")).toHaveLength(0); // not day −14 yet

    await notices(announceDueAt(FEBRUARY));
    expect((await rows()).filter((n) => n.version === "3.0.0").map((n) => [n.kind, n.recipient])).toEqual([
      ["announce", desks.a],
      ["announce", desks.b],
    ]);
  });

  it("a template with nothing to upgrade is never announced", async () => {
    await notices(announceDueAt(JANUARY));
    await notices(announceDueAt(FEBRUARY));
    expect(await rows()).toHaveLength(0);
  });
});
