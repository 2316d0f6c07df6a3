// Change requests of production parties and fleet upgrades: opened with content written from
// the schedule, submitted, and approved or rejected by an approver who is not the requester.
import "server-only";
import type { Prisma } from "@prisma/client";
import type { OperandExpression } from "kysely";
import { db, execute, prepared, qb } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import {
  changeTransition,
  type BoundWindow,
  partyChangeDraft,
  templateChangeDraft,
  type ChangeAction,
  type ChangeStateName,
  type ChangeStatus,
  type PatchGroup,
} from "../domain";
import type { ChangeEdit } from "../validation/changes";
import { recordAudit } from "./audit";
import { bindApproval, tellApprovers } from "./change-binding";
import { changeData, portalUrl, recordEvent } from "./webhooks";
import { cutPage, NEWEST_FIRST, newestFirstAfter } from "./keyset";
import { refuse, succeed, type Outcome } from "./outcome";
import { toStoredParty } from "./parties";
import { slotCounts } from "./party-detail";
import { pendingUpgradeWindow } from "./policies";

const actorOf = (user: CurrentUser) => ({ id: user.id, label: user.email });
type Tx = Prisma.TransactionClient;

const CHANGE_SELECT = {
  id: true,
  title: true,
  state: true,
  scope: true,
  plannedStart: true,
  plannedEnd: true,
  rollbackPlan: true,
  acceptanceCriteria: true,
  contacts: true,
  revision: true,
  createdAt: true,
  decidedAt: true,
  decisionComment: true,
  requestedById: true,
  approvedStart: true,
  approvedEnd: true,
  driftNote: true,
  partyId: true,
  templateId: true,
  party: { select: { tag: true, kind: true } },
  template: { select: { id: true, name: true } },
} satisfies Prisma.ChangeRequestSelect;

export type ChangeRecord = Prisma.ChangeRequestGetPayload<{ select: typeof CHANGE_SELECT }> & { requestedBy: string; decidedBy: string | null };

async function withPeople<T extends { requestedById: string; decidedById?: string | null }>(rows: T[]) {
  const ids = [...new Set(rows.flatMap((r) => [r.requestedById, r.decidedById ?? null]).filter((v): v is string => Boolean(v)))];
  const people = new Map((await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]));
  return rows.map((r) => ({
    ...r,
    requestedBy: people.get(r.requestedById) ?? "someone removed",
    decidedBy: r.decidedById ? (people.get(r.decidedById) ?? "someone removed") : null,
  }));
}

export async function getChange(id: string): Promise<ChangeRecord | null> {
  const row = await db.changeRequest.findUnique({ where: { id }, select: { ...CHANGE_SELECT, decidedById: true } });
  return row ? (await withPeople([row]))[0]! : null;
}

/** Changes newest first, keyset on (createdAt, id); optionally of one state. */
export async function listChanges(options: { state?: ChangeStateName; before?: { at: Date; id: string }; limit?: number } = {}) {
  const limit = options.limit ?? 50;
  const rows = await db.changeRequest.findMany({
    where: {
      ...(options.state ? { state: options.state } : {}),
      ...newestFirstAfter(options.before),
    },
    orderBy: NEWEST_FIRST,
    take: limit + 1,
    select: { ...CHANGE_SELECT, decidedById: true },
  });
  const { page, next } = cutPage(rows, limit);
  return { changes: await withPeople(page), next };
}

/** The contacts of the teams in scope (`teamIds`, a subquery of team ids), for the request (at most 50). */
function teamContacts(tx: Tx, teamIds: OperandExpression<string>) {
  return execute(qb.selectFrom("TeamContact as c").select(["c.name", "c.email"]).distinct().where("c.teamId", "in", teamIds).orderBy("c.name").limit(50), tx);
}

const openChangeOf = (tx: Tx, where: Prisma.ChangeRequestWhereInput) =>
  tx.changeRequest.findFirst({ where: { ...where, state: { not: "REJECTED" } }, select: { id: true, state: true } });

/** Opens the change request of a production party that has not started, written from its slots. */
export async function openPartyChange(user: CurrentUser, tag: string, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "party:manage" })) return refuse(403, "forbidden", "You may not open change requests for parties.");
  return db.$transaction(async (tx) => {
    const [stored] = await execute(qb.selectFrom("Party").select("id").where("tag", "=", tag).where("kind", "=", "PRODUCTION").forUpdate(), tx);
    if (!stored) return refuse(404, "not-found", `There is no production party ${tag}.`);
    const party = toStoredParty(await tx.party.findUniqueOrThrow({ where: { id: stored.id }, include: { slots: true } }));
    if (party.startsAt <= now) return refuse(409, "started", `The production party ${tag} has started already.`);
    const existing = await openChangeOf(tx, { partyId: stored.id });
    if (existing) return refuse(409, "exists", `The party already has a change request (${existing.state.toLowerCase()}): ${existing.id}.`);
    const counts = (await slotCounts([{ ...party, stored: true }], now, null)).values().next().value ?? { 1: 0, 2: 0, 3: 0 };
    const groups = party.slots.map((s) => ({ group: s.group, startsAt: s.startsAt, endsAt: s.endsAt, resources: counts[s.group as PatchGroup] ?? 0 }));
    const contacts = await teamContacts(
      tx,
      qb
        .selectFrom("Resource")
        .select("teamId")
        .distinct()
        .where("environment", "=", "PRODUCTION")
        .where((eb) => eb.not(eb.ref("excluded"))),
    );
    const draft = partyChangeDraft(party, groups, contacts);
    return createChange(tx, user, now, {
      data: {
        ...draft,
        partyId: stored.id,
        scope: { groups: groups.map((g) => ({ ...g, startsAt: g.startsAt.toISOString(), endsAt: g.endsAt.toISOString() })) },
      },
      audit: { party: `${tag} production` },
    });
  });
}

/** Records a new change request as a draft by `user`, with its audit entry. */
async function createChange(
  tx: Tx,
  user: CurrentUser,
  now: Date,
  change: { data: Omit<Prisma.ChangeRequestUncheckedCreateInput, "requestedById" | "createdAt">; audit: Prisma.InputJsonObject },
): Promise<Outcome<{ id: string }>> {
  const created = await tx.changeRequest.create({ data: { ...change.data, requestedById: user.id, createdAt: now }, select: { id: true } });
  await recordAudit(tx, {
    actor: actorOf(user),
    action: "change.open",
    entityType: "change",
    entityId: created.id,
    entityLabel: change.data.title,
    after: { ...change.audit, state: "DRAFT" },
    at: now,
  });
  return succeed(created);
}

/** Opens the change request of a template's pending upgrade, for the policy's next window. */
export async function openTemplateChange(user: CurrentUser, templateId: string, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "template:manage" })) return refuse(403, "forbidden", "You may not open change requests for templates.");
  return db.$transaction(async (tx) => {
    const [template] = await execute(qb.selectFrom("Template").select(["id", "name", "targetVersion", "state"]).where("id", "=", templateId).forUpdate(), tx);
    if (!template) return refuse(404, "not-found", "That template does not exist.");
    if (template.state === "IN_SYNC") return refuse(409, "in-sync", `Every member is on ${template.targetVersion}: there is no upgrade to change.`);
    const existing = await tx.changeRequest.findFirst({
      where: { templateId, state: { not: "REJECTED" }, scope: { path: ["version"], equals: template.targetVersion } },
      select: { id: true, state: true },
    });
    if (existing)
      return refuse(409, "exists", `The upgrade to ${template.targetVersion} already has a change request (${existing.state.toLowerCase()}): ${existing.id}.`);
    const window = await pendingUpgradeWindow(tx, templateId, now);
    if (!window) return refuse(409, "no-window", "The template's policy has no upcoming window.");
    const versions = await tx.templateMember.groupBy({
      by: ["currentVersion"],
      where: { templateId, currentVersion: { not: template.targetVersion } },
      _count: { _all: true },
    });
    const members = await tx.templateMember.count({ where: { templateId } });
    const contacts = await teamContacts(
      tx,
      qb
        .selectFrom("TemplateMember as m")
        .innerJoin("Resource as r", (join) => join.on((eb) => eb.or([eb("r.id", "=", eb.ref("m.resourceId")), eb("r.clusterId", "=", eb.ref("m.clusterId"))])))
        .select("r.teamId")
        .distinct()
        .where("m.templateId", "=", templateId),
    );
    const draft = templateChangeDraft(
      { name: template.name, fromVersions: versions.map((v) => v.currentVersion), targetVersion: template.targetVersion, members },
      window,
      contacts,
    );
    return createChange(tx, user, now, {
      data: {
        ...draft,
        templateId,
        scope: {
          version: template.targetVersion,
          members,
          window: { schedule: window.scheduleName, startsAt: window.start.toISOString(), endsAt: window.end.toISOString() },
        },
      },
      audit: { template: template.name, version: template.targetVersion },
    });
  });
}

const CONFLICT = "Someone changed this change request since you loaded it. Nothing was saved: reload to see their change.";

async function lockChange(tx: Tx, id: string) {
  const [change] = await execute(
    qb.selectFrom("ChangeRequest").select(["id", "title", "state", "revision", "requestedById", "partyId", "templateId"]).where("id", "=", id).forUpdate(),
    tx,
  );
  return change;
}

const mayPrepare = (user: CurrentUser, change: { partyId: string | null; templateId: string | null }) =>
  can(user, { action: change.partyId ? "party:manage" : "template:manage" });

/** Edits a draft's text (rollback plan, acceptance criteria, contacts, title). */
export async function editChange(user: CurrentUser, id: string, edit: ChangeEdit, now: Date): Promise<Outcome<{ id: string }>> {
  return db.$transaction(async (tx) => {
    const change = await lockChange(tx, id);
    if (!change) return refuse(404, "not-found", "That change request does not exist.");
    if (!mayPrepare(user, change)) return refuse(403, "forbidden", "You may not edit this change request.");
    if (edit.revision !== undefined && edit.revision !== change.revision) return refuse(409, "conflict", CONFLICT);
    const step = changeTransition(change.state, "edit", { isRequester: change.requestedById === user.id });
    if (!step.ok) return refuse(409, "state", step.message);
    const { revision: _revision, ...fields } = edit;
    await tx.changeRequest.update({ where: { id }, data: { ...fields, revision: { increment: 1 } } });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "change.edit",
      entityType: "change",
      entityId: id,
      entityLabel: fields.title ?? change.title,
      after: fields,
      at: now,
    });
    return succeed({ id });
  });
}

/** Submit, approve, reject or reopen. Approve and reject need an approver who is not the requester, and a comment. */
export async function decideChange(
  user: CurrentUser,
  id: string,
  action: Exclude<ChangeAction, "edit">,
  input: { comment?: string; revision?: number },
  now: Date,
): Promise<Outcome<{ id: string; state: ChangeStateName }>> {
  return db.$transaction(async (tx) => {
    const change = await lockChange(tx, id);
    if (!change) return refuse(404, "not-found", "That change request does not exist.");
    const deciding = action === "approve" || action === "reject";
    if (deciding ? !can(user, { action: "change:decide" }) : !mayPrepare(user, change)) {
      return refuse(
        403,
        "forbidden",
        deciding ? "Only approvers (the CAB) approve or reject change requests." : "You may not submit or reopen this change request.",
      );
    }
    if (input.revision !== undefined && input.revision !== change.revision) return refuse(409, "conflict", CONFLICT);
    const step = changeTransition(change.state, action, { isRequester: change.requestedById === user.id });
    if (!step.ok) return refuse(409, "state", step.message);
    if (deciding && !input.comment) return refuse(400, "comment", "comment: Say why, for the record.");
    const window = action === "approve" ? await approvalWindow(tx, change, now) : null;
    if (action === "approve" && !window) return refuse(409, "no-window", "The template's policy has no window left for this upgrade: nothing to approve.");
    await tx.changeRequest.update({
      where: { id },
      data: {
        state: step.state,
        revision: { increment: 1 },
        ...(deciding
          ? { decidedById: user.id, decidedAt: now, decisionComment: input.comment }
          : action === "reopen"
            ? { decidedById: null, decidedAt: null }
            : {}),
      },
    });
    // What is approved is bound: its window, a party's slots and the resources in scope now.
    if (action === "approve") await bindApproval(tx, change, window!);
    if (action === "submit")
      await tellApprovers(
        tx,
        { id, title: change.title, revision: change.revision + 1 },
        {
          why: "submitted",
          subject: `Decide: ${change.title}`,
          body: `Hello,\n\n${user.name || user.email} submitted the change "${change.title}". It waits for your decision: ${portalUrl(`/changes/${id}`)}`,
          by: user.email,
        },
        now,
      );
    if (deciding) {
      const subject = await tx.changeRequest.findUniqueOrThrow({
        where: { id },
        select: { party: { select: { tag: true, kind: true } }, template: { select: { id: true, name: true } } },
      });
      await recordEvent(
        tx,
        action === "approve" ? "change.approved" : "change.rejected",
        { change: changeData({ id, title: change.title, state: step.state, ...subject }), by: user.email, comment: input.comment ?? null },
        now,
      );
    }
    await recordAudit(tx, {
      actor: actorOf(user),
      action: `change.${action}`,
      entityType: "change",
      entityId: id,
      entityLabel: change.title,
      before: { state: change.state },
      after: { state: step.state, ...(window ? { window: { startsAt: window.startsAt.toISOString(), endsAt: window.endsAt.toISOString() } } : {}) },
      reason: input.comment ?? null,
      at: now,
    });
    return succeed({ id, state: step.state });
  });
}

/** The window an approval binds: the party's, with its slots, or the window the upgrade will run in. */
async function approvalWindow(tx: Tx, change: { partyId: string | null; templateId: string | null }, now: Date): Promise<BoundWindow | null> {
  if (change.partyId)
    return tx.party.findUniqueOrThrow({
      where: { id: change.partyId },
      select: { startsAt: true, endsAt: true, slots: { select: { group: true, startsAt: true, endsAt: true }, orderBy: { group: "asc" } } },
    });
  const window = await pendingUpgradeWindow(tx, change.templateId!, now);
  return window && { startsAt: window.start, endsAt: window.end, slots: [] };
}

/** The current change of each party (the newest not rejected, else the newest), in one query. */
export async function partyChanges(partyIds: string[]): Promise<Map<string, NonNullable<ChangeStatus>>> {
  if (partyIds.length === 0) return new Map();
  const rows = await execute(changesOfParties({ partyIds }));
  return new Map(rows.map((r) => [r.partyId!, { id: r.id, state: r.state }]));
}

/** Compiled once: the calendar, the home page and the parties API read them on every request. */
const changesOfParties = prepared((v: { partyIds: string[] }) =>
  qb
    .selectFrom("ChangeRequest")
    .select(["partyId", "id", "state"])
    .distinctOn("partyId")
    .where((eb) => eb("partyId", "=", eb.fn.any(eb.val(v.partyIds))))
    .orderBy("partyId")
    .orderBy((eb) => eb("state", "=", "REJECTED"))
    .orderBy("createdAt", "desc"),
);

/** The current change of each template's upgrade to its target version, in one query. */
export async function templateChanges(templateIds: string[]): Promise<Map<string, NonNullable<ChangeStatus>>> {
  if (templateIds.length === 0) return new Map();
  const rows = await execute(
    qb
      .selectFrom("ChangeRequest as c")
      .innerJoin("Template as t", (join) =>
        join.onRef("t.id", "=", "c.templateId").on((eb) => eb(eb.ref("c.scope", "->>").key("version"), "=", eb.ref("t.targetVersion"))),
      )
      .select(["c.templateId", "c.id", "c.state"])
      .distinctOn("c.templateId")
      .where((eb) => eb("c.templateId", "=", eb.fn.any(eb.val(templateIds))))
      .orderBy("c.templateId")
      .orderBy((eb) => eb("c.state", "=", "REJECTED"))
      .orderBy("c.createdAt", "desc"),
  );
  return new Map(rows.map((r) => [r.templateId!, { id: r.id, state: r.state }]));
}

/** The approved change of a template's upgrade to `version`, with the window it was approved for (inside a transaction). */
export async function upgradeApproval(tx: Tx, templateId: string, version: string): Promise<{ id: string; start: Date } | null> {
  const rows = await execute(
    qb
      .selectFrom("ChangeRequest")
      .select((eb) => ["id", eb.fn.coalesce("approvedStart", "plannedStart").as("start")])
      .where("templateId", "=", templateId)
      .where("state", "=", "APPROVED")
      .where((eb) => eb(eb.ref("scope", "->>").key("version"), "=", version))
      .limit(1),
    tx,
  );
  return rows[0] ?? null;
}
