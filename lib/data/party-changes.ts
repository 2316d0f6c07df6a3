// Admin changes to the schedule: the party rule (with regeneration), moving or cancelling one
// party. Each is audited; none touches a party that has started.
import "server-only";
import { sql } from "kysely";
import { DateTime } from "luxon";
import type { Prisma } from "@prisma/client";
import { db, execute, qb } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import {
  NOTICE_DAYS,
  partyOnDay,
  partyRuleProblems,
  planRuleChange,
  projectParties,
  type PartyKind,
  type PartyRule,
  type PlannedParty,
  type RuleChangeFacts,
  type RuleMove,
  type StoredParty,
} from "../domain";
import type { PartyRuleInput } from "../validation/party-rule";
import { recordAudit } from "./audit";
import { rebindPartyChanges } from "./change-binding";
import { partyData, recordEvent } from "./webhooks";
import { refuse, succeed, type Outcome } from "./outcome";
import { getParty } from "./party-detail";
import { getPartyRule, ruleToRow } from "./party-rule";
import { applyGeneration, lockGeneration, PARTY_HORIZON_DAYS, readParties, toDbKind } from "./parties";

const DAY = 86_400_000;
const actorOf = (user: CurrentUser) => ({ id: user.id, label: user.email });

export function ruleFromInput(input: PartyRuleInput): PartyRule {
  const slots = (list: PartyRuleInput["qaSlots"]) => list.map((s, i) => ({ group: (i + 1) as 1 | 2 | 3, start: s.start, end: s.end }));
  return {
    timeZone: input.timeZone,
    qaMonthOfQuarter: input.qaMonthOfQuarter,
    qaThursdayOfMonth: input.qaThursdayOfMonth,
    businessHours: input.businessHours,
    productionMinGapDays: input.productionMinGapDays,
    qaSlots: slots(input.qaSlots),
    productionSlots: slots(input.productionSlots),
  };
}

/** The next eight QA/production pairs a rule gives, from `now`. */
export function previewRule(rule: PartyRule, now: Date): { tag: string; qa: PlannedParty | null; production: PlannedParty | null }[] {
  const parties = projectParties(rule, now, new Date(now.getTime() + 3 * 366 * DAY));
  // Pairs start with a QA party still to come.
  const tags = parties
    .filter((p) => p.kind === "qa" && p.startsAt > now)
    .map((p) => p.tag)
    .slice(0, 8);
  return tags.map((tag) => ({
    tag,
    qa: parties.find((p) => p.tag === tag && p.kind === "qa") ?? null,
    production: parties.find((p) => p.tag === tag && p.kind === "production") ?? null,
  }));
}

export async function getRuleRevision() {
  return (await db.partyRule.findUnique({ where: { id: "default" }, select: { revision: true } }))?.revision ?? 0;
}

/** A party in a rule change's answer: where it is and where the rule would put it, with why moving it would surprise someone. */
export type RuleMoveView = {
  tag: string;
  kind: PartyKind;
  from: { localDate: string; startsAt: Date; endsAt: Date };
  to: { localDate: string; startsAt: Date; endsAt: Date };
  announced: boolean;
  soon: boolean;
  approved: boolean;
};

const moveView = (m: RuleMove): RuleMoveView => ({
  tag: m.tag,
  kind: m.kind,
  from: { localDate: m.from.localDate, startsAt: m.from.startsAt, endsAt: m.from.endsAt },
  to: { localDate: m.to.localDate, startsAt: m.to.startsAt, endsAt: m.to.endsAt },
  ...m.warnings,
});

const warningText = (m: RuleMove) =>
  [
    m.warnings.announced && "customers were told of its date",
    m.warnings.soon && "it is less than 14 days away",
    m.warnings.approved && "its change is approved",
  ]
    .filter(Boolean)
    .join(", ");

/** Which of the stored parties still to come were announced to customers, and which have an approved change. */
async function ruleChangeFacts(tx: Prisma.TransactionClient | undefined, stored: readonly StoredParty[], now: Date): Promise<RuleChangeFacts> {
  const ids = stored.filter((p) => p.startsAt > now).map((p) => p.id);
  const told = await execute(
    qb
      .selectFrom("Notification")
      .select("partyId")
      .distinct()
      .where((eb) => eb("partyId", "=", eb.fn.any(eb.val(ids))))
      .where("kind", "in", ["announce", "moved"]),
    tx,
  );
  const approved = await execute(
    qb
      .selectFrom("ChangeRequest")
      .select("partyId")
      .distinct()
      .where((eb) => eb("partyId", "=", eb.fn.any(eb.val(ids))))
      .where("state", "=", sql.lit("APPROVED")),
    tx,
  );
  const set = (rows: { partyId: string | null }[]) => new Set(rows.flatMap((r) => (r.partyId ? [r.partyId] : [])));
  return { announced: set(told), approved: set(approved) };
}

const horizonOf = (now: Date) => ({ from: now, to: new Date(now.getTime() + PARTY_HORIZON_DAYS * DAY) });

/** What saving `rule` would move (every move, with its warnings) and, unless `moveAnnounced`, which parties would keep their dates. */
export async function previewRuleChange(rule: PartyRule, now: Date, moveAnnounced: boolean): Promise<{ moves: RuleMoveView[]; kept: RuleMoveView[] }> {
  const stored = await readParties(null);
  const change = planRuleChange(rule, stored, await ruleChangeFacts(undefined, stored, now), horizonOf(now), now, moveAnnounced);
  return { moves: change.moves.map(moveView), kept: change.kept.map(moveView) };
}

export type RuleSaved = { moved: number; created: number; movedParties: RuleMoveView[]; kept: RuleMoveView[] };

/**
 * Saves the rule (if nobody saved another since `revision`) and, in the same transaction, moves
 * future rule-made parties. Parties announced to customers, less than 14 days away or with an
 * approved change move only when `moveAnnounced`; otherwise they keep their dates, marked as
 * placed by hand so the daily generation leaves them too, and the answer lists them.
 */
export async function savePartyRule(user: CurrentUser, input: PartyRuleInput, now: Date): Promise<Outcome<RuleSaved>> {
  if (!can(user, { action: "party-rule:edit" })) return refuse(403, "forbidden", "Only admins can edit the party rule.");
  const rule = ruleFromInput(input);
  const problems = partyRuleProblems(rule);
  if (problems.length) return refuse(400, "invalid", `${problems[0]!.path}: ${problems[0]!.message}`);
  const actor = actorOf(user);
  return db.$transaction(
    async (tx): Promise<Outcome<RuleSaved>> => {
      await lockGeneration(tx);
      const current = await tx.partyRule.findUnique({ where: { id: "default" } });
      const revision = current?.revision ?? 0;
      if (input.revision !== undefined && input.revision !== revision)
        return refuse(409, "conflict", "Someone saved the party rule since you loaded it. Nothing was saved: reload to see their rule.");
      const before = await getPartyRule();
      await tx.partyRule.upsert({
        where: { id: "default" },
        create: { id: "default", ...ruleToRow(rule), updatedById: user.id },
        update: { ...ruleToRow(rule), updatedById: user.id, revision: { increment: 1 } },
      });
      await recordAudit(tx, {
        actor,
        action: "party-rule.update",
        entityType: "party-rule",
        entityId: "default",
        entityLabel: "Party rule",
        before: before as unknown as Prisma.InputJsonValue,
        after: rule as unknown as Prisma.InputJsonValue,
        at: now,
      });
      const stored = await readParties(tx);
      const change = planRuleChange(rule, stored, await ruleChangeFacts(tx, stored, now), horizonOf(now), now, input.moveAnnounced === true);
      const applied = await applyGeneration(tx, change.plan, stored, actor, now);
      const on = now.toISOString().slice(0, 10);
      for (const kept of change.kept) {
        const reason = `Kept on its date when the party rule changed on ${on}: ${warningText(kept)}.`;
        await tx.party.update({ where: { id: kept.id }, data: { manualReason: reason } });
        await recordAudit(tx, {
          actor,
          action: "party.keep",
          entityType: "party",
          entityId: kept.id,
          entityLabel: `${kept.tag} ${kept.kind}`,
          before: { localDate: kept.from.localDate, startsAt: kept.from.startsAt.toISOString() },
          after: { ruleWouldMoveTo: kept.to.localDate },
          reason,
          at: now,
        });
      }
      const movedIds = new Set(change.plan.move.map((m) => m.id));
      return succeed({ ...applied, movedParties: change.moves.filter((m) => movedIds.has(m.id)).map(moveView), kept: change.kept.map(moveView) });
    },
    { timeout: 60_000 },
  );
}

async function changeableParty(user: CurrentUser, tag: string, kind: PartyKind, now: Date) {
  if (!can(user, { action: "party:manage" })) return refuse(403, "forbidden", "Only admins can move or cancel a party.");
  const party = await getParty(tag, kind);
  if (!party) return refuse(404, "not-found", `There is no ${kind} party ${tag}.`);
  if (party.startsAt <= now) return refuse(409, "started", "This party has started or is over: it can no longer be moved or cancelled.");
  if (party.status === "cancelled") return refuse(409, "cancelled", "This party is cancelled.");
  return succeed(party);
}

/** Moves one party to another day (the rule's slot times), and keeps the rule from moving it back. */
export async function moveParty(
  user: CurrentUser,
  tag: string,
  kind: PartyKind,
  input: { date: Date; reason: string; shortNotice?: boolean },
  now: Date,
): Promise<Outcome<PlannedParty>> {
  const gate = await changeableParty(user, tag, kind, now);
  if (!gate.ok) return gate;
  const party = gate.value;
  const rule = await getPartyRule();
  const day = DateTime.fromJSDate(input.date, { zone: "UTC" }).toISODate()!;
  const moved = partyOnDay(rule, tag, kind, day);
  if (moved.startsAt <= now) return refuse(400, "invalid", "date: must be a day still to come");
  if (moved.startsAt.getTime() - now.getTime() < NOTICE_DAYS * 86_400_000 && !input.shortNotice)
    return refuse(
      400,
      "invalid",
      `date: ${moved.localDate} is less than ${NOTICE_DAYS} days ahead, too short a notice for customers; mark the move as short notice to make it anyway`,
    );
  await db.$transaction(async (tx) => {
    const row = await tx.party.upsert({
      where: { tag_kind: { tag, kind: toDbKind(kind) } },
      create: { tag, kind: toDbKind(kind), localDate: party.localDate, timeZone: party.timeZone, startsAt: party.startsAt, endsAt: party.endsAt },
      update: {},
      select: { id: true, sequence: true },
    });
    await tx.partySlot.deleteMany({ where: { partyId: row.id } });
    await tx.party.update({
      where: { id: row.id },
      data: {
        localDate: moved.localDate,
        timeZone: moved.timeZone,
        startsAt: moved.startsAt,
        endsAt: moved.endsAt,
        sequence: row.sequence + 1,
        manualReason: input.reason,
        slots: { create: moved.slots.map((s) => ({ group: s.group, startsAt: s.startsAt, endsAt: s.endsAt })) },
      },
    });
    await rebindPartyChanges(tx, [{ id: row.id, startsAt: moved.startsAt, endsAt: moved.endsAt, slots: moved.slots }], actorOf(user), now);
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "party.move",
      entityType: "party",
      entityId: row.id,
      entityLabel: `${tag} ${kind}`,
      before: { localDate: party.localDate, startsAt: party.startsAt.toISOString() },
      after: { localDate: moved.localDate, startsAt: moved.startsAt.toISOString(), ...(input.shortNotice ? { shortNotice: true } : {}) },
      reason: input.reason,
      at: now,
    });
    await recordEvent(
      tx,
      "party.moved",
      {
        party: partyData({ ...moved, kind }),
        from: { startsAt: party.startsAt.toISOString(), endsAt: party.endsAt.toISOString() },
        reason: input.reason,
      },
      now,
    );
  });
  return succeed(moved);
}

export async function cancelParty(user: CurrentUser, tag: string, kind: PartyKind, reason: string, now: Date): Promise<Outcome<null>> {
  const gate = await changeableParty(user, tag, kind, now);
  if (!gate.ok) return gate;
  const party = gate.value;
  await db.$transaction(async (tx) => {
    const row = await tx.party.upsert({
      where: { tag_kind: { tag, kind: toDbKind(kind) } },
      create: {
        tag,
        kind: toDbKind(kind),
        localDate: party.localDate,
        timeZone: party.timeZone,
        startsAt: party.startsAt,
        endsAt: party.endsAt,
        slots: { create: [...party.slots] },
      },
      update: {},
      select: { id: true, sequence: true },
    });
    await tx.party.update({ where: { id: row.id }, data: { status: "CANCELLED", sequence: row.sequence + 1, manualReason: reason } });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "party.cancel",
      entityType: "party",
      entityId: row.id,
      entityLabel: `${tag} ${kind}`,
      before: { status: "planned" },
      after: { status: "cancelled" },
      reason,
      at: now,
    });
    await recordEvent(tx, "party.cancelled", { party: partyData({ ...party, kind }), reason }, now);
  });
  return succeed(null);
}
