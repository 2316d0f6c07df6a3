// Approval bound to what was approved (issue 16): an approved change records the window (and a
// party's slots) and the resources it covered; when the party or the upgrade's window moves, the
// change returns to SUBMITTED with a note of what moved, and the approvers are told. The one home
// of that rule: every path that moves a party or a window calls it inside its own transaction.
import "server-only";
import type { Prisma } from "@prisma/client";
import { sql } from "kysely";
import { db, execute, qb } from "../db";
import { driftNote, windowDrift, type BoundWindow } from "../domain";
import { recordAudit } from "./audit";
import { changeData, recordEvent } from "./webhooks";

type Tx = Prisma.TransactionClient;
type Actor = { id: string | null; label: string };
type SlotJson = { group: number; startsAt: string; endsAt: string };

const slotsJson = (slots: BoundWindow["slots"]): SlotJson[] =>
  slots.map((s) => ({ group: s.group, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() }));
const slotsOf = (json: unknown): BoundWindow["slots"] | null =>
  Array.isArray(json) ? (json as SlotJson[]).map((s) => ({ group: s.group, startsAt: new Date(s.startsAt), endsAt: new Date(s.endsAt) })) : null;

/** The resources a change covers now: a party's production resources taking part (by group), or a template's members (group 0). */
function scopeNow(subject: { partyId: string | null; templateId: string | null }) {
  if (subject.partyId)
    return qb
      .selectFrom("Resource")
      .select(["id as resourceId", "name", "patchGroup as group"])
      .where("environment", "=", "PRODUCTION")
      .where("retiredAt", "is", null)
      .where((eb) => eb.not(eb.ref("excluded")));
  return qb
    .selectFrom("TemplateMember as m")
    .innerJoin("Resource as r", (join) => join.on((eb) => eb.or([eb("r.id", "=", eb.ref("m.resourceId")), eb("r.clusterId", "=", eb.ref("m.clusterId"))])))
    .select(["r.id as resourceId", "r.name", sql<number>`0`.as("group")])
    .distinct()
    .where("m.templateId", "=", subject.templateId ?? "");
}

/**
 * Binds an approval to `window` (the party's window and slots, or the window the upgrade will run
 * in) and to the resources in scope at that moment (replacing those of an earlier approval).
 * Inside the approving transaction.
 */
export async function bindApproval(tx: Tx, change: { id: string; partyId: string | null; templateId: string | null }, window: BoundWindow) {
  await tx.changeRequest.update({
    where: { id: change.id },
    data: {
      approvedStart: window.startsAt,
      approvedEnd: window.endsAt,
      approvedSlots: slotsJson(window.slots),
      driftNote: null,
      plannedStart: window.startsAt,
      plannedEnd: window.endsAt,
    },
  });
  await tx.changeScopeResource.deleteMany({ where: { changeId: change.id } });
  await execute(
    qb
      .insertInto("ChangeScopeResource")
      .columns(["changeId", "resourceId", "name", "group"])
      .expression(qb.selectFrom(scopeNow(change).as("s")).select((eb) => [eb.val(change.id).as("changeId"), "s.resourceId", "s.name", "s.group"])),
    tx,
  );
}

type OpenChange = {
  id: string;
  title: string;
  state: string;
  revision: number;
  plannedStart: Date;
  plannedEnd: Date;
  approvedStart: Date | null;
  approvedEnd: Date | null;
  approvedSlots: unknown;
  decidedAt: Date | null;
};
const OPEN_CHANGE_SELECT = {
  id: true,
  title: true,
  state: true,
  revision: true,
  plannedStart: true,
  plannedEnd: true,
  approvedStart: true,
  approvedEnd: true,
  approvedSlots: true,
  decidedAt: true,
} as const;

/**
 * Re-binds the open changes (not rejected) of parties that moved or whose slots changed: a draft
 * or a submitted change takes the new window; an approved one whose window or slots differ from
 * what was approved returns to SUBMITTED with a note, and the approvers are told.
 */
export async function rebindPartyChanges(tx: Tx, parties: readonly (BoundWindow & { id: string })[], actor: Actor, now: Date) {
  if (parties.length === 0) return 0;
  const byId = new Map(parties.map((p) => [p.id, p]));
  const changes = await tx.changeRequest.findMany({
    where: { partyId: { in: [...byId.keys()] }, state: { not: "REJECTED" } },
    select: { ...OPEN_CHANGE_SELECT, partyId: true },
  });
  let returned = 0;
  for (const change of changes) if (await rebind(tx, change, byId.get(change.partyId!)!, actor, now)) returned++;
  return returned;
}

/**
 * Re-binds the open changes of a template's upgrade to `version` to the window it would run in now
 * (`window`, null when its policy has none left): as for parties.
 */
export async function rebindTemplateChanges(
  tx: Tx,
  template: { id: string; targetVersion: string },
  window: { start: Date; end: Date } | null,
  actor: Actor,
  now: Date,
  /** Says what happened in other words than "its window moved" (the approved window passed, say). */
  why?: string,
) {
  const changes = await tx.changeRequest.findMany({
    where: { templateId: template.id, state: { not: "REJECTED" }, scope: { path: ["version"], equals: template.targetVersion } },
    select: OPEN_CHANGE_SELECT,
  });
  const current: BoundWindow | null = window ? { startsAt: window.start, endsAt: window.end, slots: [] } : null;
  let returned = 0;
  for (const change of changes) if (await rebind(tx, change, current, actor, now, window ? why : "Its policy has no window left")) returned++;
  return returned;
}

async function rebind(tx: Tx, change: OpenChange, current: BoundWindow | null, actor: Actor, now: Date, why?: string): Promise<boolean> {
  const windowChanged =
    current !== null && (change.plannedStart.getTime() !== current.startsAt.getTime() || change.plannedEnd.getTime() !== current.endsAt.getTime());
  const planned = windowChanged ? { plannedStart: current.startsAt, plannedEnd: current.endsAt } : {};
  if (change.state !== "APPROVED") {
    if (windowChanged) await tx.changeRequest.update({ where: { id: change.id }, data: planned });
    return false;
  }
  const approved: BoundWindow = {
    startsAt: change.approvedStart ?? change.plannedStart,
    endsAt: change.approvedEnd ?? change.plannedEnd,
    // Approved before windows were bound: only the window is compared.
    slots: slotsOf(change.approvedSlots) ?? current?.slots ?? [],
  };
  const drift = why ? `${why}.` : current && windowDrift(approved, current);
  if (!drift) return false;
  const note = driftNote(drift, change.decidedAt);
  await tx.changeRequest.update({
    where: { id: change.id },
    data: {
      state: "SUBMITTED",
      decidedById: null,
      decidedAt: null,
      driftNote: note,
      revision: { increment: 1 },
      ...planned,
    },
  });
  await recordAudit(tx, {
    actor,
    action: "change.drift",
    entityType: "change",
    entityId: change.id,
    entityLabel: change.title,
    before: { state: "APPROVED", startsAt: approved.startsAt.toISOString(), endsAt: approved.endsAt.toISOString() },
    after: { state: "SUBMITTED", ...(current ? { startsAt: current.startsAt.toISOString(), endsAt: current.endsAt.toISOString() } : {}) },
    reason: note,
    at: now,
  });
  await tellApprovers(
    tx,
    { id: change.id, title: change.title, revision: change.revision + 1 },
    {
      why: "review",
      subject: `Decide again: ${change.title}`,
      body: `Hello,\n\nthe change "${change.title}" was approved, but since then: ${note}\n\nIt waits for your decision: /changes/${change.id}`,
      by: actor.label,
      reason: note,
    },
    now,
  );
  return true;
}

/**
 * A change waits for the approvers (submitted, or back to them after what was approved moved):
 * an e-mail to each (sent by the notice worker) and the `change.submitted` event, in the
 * caller's transaction. The one way approvers are told.
 */
export async function tellApprovers(
  tx: Tx,
  change: { id: string; title: string; revision: number },
  /** `submitted`: it was submitted; `review`: it came back to them (one notice of each per revision). */
  message: { why: "submitted" | "review"; subject: string; body: string; by: string; reason?: string },
  now: Date,
) {
  // One after the other: a transaction's statements share its one connection.
  const approvers = await tx.user.findMany({ where: { role: "APPROVER" }, select: { email: true }, orderBy: { email: "asc" } });
  const subject = await tx.changeRequest.findUniqueOrThrow({
    where: { id: change.id },
    select: { state: true, party: { select: { tag: true, kind: true } }, template: { select: { id: true, name: true } } },
  });
  if (approvers.length > 0)
    await tx.notification.createMany({
      skipDuplicates: true,
      data: approvers.map((a) => ({
        dedupeKey: `change:${change.id}:${message.why}:${change.revision}:${a.email}`,
        kind: "change-review",
        recipient: a.email,
        subject: message.subject,
        body: message.body,
        createdAt: now,
        nextAttemptAt: now,
      })),
    });
  await recordEvent(
    tx,
    "change.submitted",
    { change: changeData({ ...change, ...subject }), by: message.by, ...(message.reason ? { reason: message.reason } : {}) },
    now,
  );
}

export type ScopeDrift = { group: number; approved: number; now: number; added: string[]; addedCount: number; removed: string[]; removedCount: number };

/** How a change's scope drifted since it was approved: per group, the resources added and removed (the first 10 names of each). */
export async function scopeDrift(change: { id: string; partyId: string | null; templateId: string | null }): Promise<ScopeDrift[]> {
  const rows = await execute(
    qb
      .with("now", () => scopeNow(change))
      .with("approved", (db) => db.selectFrom("ChangeScopeResource").select(["resourceId", "name", "group"]).where("changeId", "=", change.id))
      .with("both", (db) =>
        db
          .selectFrom("now as n")
          .fullJoin("approved as a", (join) => join.onRef("a.resourceId", "=", "n.resourceId").onRef("a.group", "=", "n.group"))
          .select((eb) => [
            eb.fn.coalesce("n.group", "a.group").as("group"),
            eb.fn.coalesce("n.name", "a.name").as("name"),
            eb("n.resourceId", "is not", null).as("inNow"),
            eb("a.resourceId", "is not", null).as("inApproved"),
          ]),
      )
      .selectFrom("both")
      .select((eb) => [
        "group",
        eb.fn.countAll<string>().filterWhere("inApproved", "=", true).as("approved"),
        eb.fn.countAll<string>().filterWhere("inNow", "=", true).as("now"),
        eb.fn.countAll<string>().filterWhere("inApproved", "=", false).as("addedCount"),
        eb.fn.countAll<string>().filterWhere("inNow", "=", false).as("removedCount"),
        sql<string[] | null>`(array_agg(${eb.ref("name")} order by ${eb.ref("name")}) filter (where not ${eb.ref("inApproved")}))[1:10]`.as("added"),
        sql<string[] | null>`(array_agg(${eb.ref("name")} order by ${eb.ref("name")}) filter (where not ${eb.ref("inNow")}))[1:10]`.as("removed"),
      ])
      .groupBy("group")
      .orderBy("group"),
  );
  return rows.map((r) => ({
    group: Number(r.group),
    approved: Number(r.approved),
    now: Number(r.now),
    addedCount: Number(r.addedCount),
    removedCount: Number(r.removedCount),
    added: r.added ?? [],
    removed: r.removed ?? [],
  }));
}

/** Whether a change has a recorded scope (approved since scopes were recorded). */
export async function hasApprovedScope(changeId: string) {
  return (await db.changeScopeResource.findFirst({ where: { changeId }, select: { changeId: true } })) !== null;
}
