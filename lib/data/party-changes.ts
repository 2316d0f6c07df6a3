// Admin changes to the schedule: the party rule (with regeneration), moving or cancelling one
// party. Each is audited; none touches a party that has started.
import "server-only";
import { DateTime } from "luxon";
import type { Prisma } from "@prisma/client";
import { db } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import { partyOnDay, partyRuleProblems, projectParties, type PartyKind, type PartyRule, type PlannedParty } from "../domain";
import type { PartyRuleInput } from "../validation/party-rule";
import { recordAudit } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";
import { getParty } from "./party-detail";
import { getPartyRule, ruleToRow } from "./party-rule";
import { generateParties, toDbKind } from "./parties";

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

/** Saves the rule (if nobody saved another since `revision`) and moves future rule-made parties. */
export async function savePartyRule(user: CurrentUser, input: PartyRuleInput, now: Date): Promise<Outcome<{ moved: number; created: number }>> {
  if (!can(user, { action: "party-rule:edit" })) return refuse(403, "forbidden", "Only admins can edit the party rule.");
  const rule = ruleFromInput(input);
  const problems = partyRuleProblems(rule);
  if (problems.length) return refuse(400, "invalid", `${problems[0]!.path}: ${problems[0]!.message}`);
  const saved = await db.$transaction(async (tx) => {
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
      actor: actorOf(user),
      action: "party-rule.update",
      entityType: "party-rule",
      entityId: "default",
      entityLabel: "Party rule",
      before: before as unknown as Prisma.InputJsonValue,
      after: rule as unknown as Prisma.InputJsonValue,
      at: now,
    });
    return succeed(null);
  });
  if (!saved.ok) return saved;
  return succeed(await generateParties(now, new Date(now.getTime() + 730 * DAY), now, actorOf(user)));
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
  input: { date: Date; reason: string },
  now: Date,
): Promise<Outcome<PlannedParty>> {
  const gate = await changeableParty(user, tag, kind, now);
  if (!gate.ok) return gate;
  const party = gate.value;
  const rule = await getPartyRule();
  const day = DateTime.fromJSDate(input.date, { zone: "UTC" }).toISODate()!;
  const moved = partyOnDay(rule, tag, kind, day);
  if (moved.startsAt <= now) return refuse(400, "invalid", "date: must be a day still to come");
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
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "party.move",
      entityType: "party",
      entityId: row.id,
      entityLabel: `${tag} ${kind}`,
      before: { localDate: party.localDate, startsAt: party.startsAt.toISOString() },
      after: { localDate: moved.localDate, startsAt: moved.startsAt.toISOString() },
      reason: input.reason,
      at: now,
    });
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
  });
  return succeed(null);
}
