// Stored and projected parties, generation, and which party a resource takes part in.
import type { PatchGroup } from "./groups";
import { projectParties, type PartyKind, type PartyRule, type PlannedParty, type QuarterParties, type Slot } from "./party-rule";

export type PartyStatus = "planned" | "running" | "completed" | "cancelled";

export type StoredParty = PlannedParty & {
  id: string;
  status: PartyStatus;
  sequence: number;
  /** Set when an admin moved or cancelled the party by hand. */
  manualReason: string | null;
  /** An admin's hold: the party does not start until released. */
  held: PartyHold | null;
};

export type PartyHold = { at: Date; by: string; reason: string };

export type CalendarParty = PlannedParty & {
  id: string | null;
  status: PartyStatus;
  sequence: number;
  stored: boolean;
  /** Why an admin moved or cancelled it; null when the rule placed it. */
  manualReason: string | null;
  held: PartyHold | null;
};

export const partyKey = (p: { tag: string; kind: PartyKind }) => `${p.tag}:${p.kind}`;

/** The parties of [from, to): stored ones as stored, the rest projected from the rule. */
export function partiesInRange(rule: PartyRule, stored: readonly StoredParty[], from: Date, to: Date, ofQuarter?: QuarterParties): CalendarParty[] {
  const byKey = new Map(stored.map((p) => [partyKey(p), p]));
  const projected: CalendarParty[] = projectParties(rule, from, to, ofQuarter)
    .filter((p) => !byKey.has(partyKey(p)))
    .map((p) => ({ ...p, id: null, status: "planned", sequence: 0, stored: false, manualReason: null, held: null }));
  const kept: CalendarParty[] = stored.filter((p) => p.startsAt < to && p.endsAt > from).map((p) => ({ ...p, stored: true }));
  return [...kept, ...projected].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.kind.localeCompare(b.kind));
}

export type GenerationPlan = {
  create: PlannedParty[];
  /** Future, rule-made parties whose times the rule now puts elsewhere. */
  move: { id: string; party: PlannedParty; sequence: number }[];
};

function sameTimes(a: PlannedParty, b: PlannedParty) {
  return (
    a.startsAt.getTime() === b.startsAt.getTime() &&
    a.endsAt.getTime() === b.endsAt.getTime() &&
    a.slots.length === b.slots.length &&
    a.slots.every((s, i) => {
      const o = b.slots[i];
      return o !== undefined && o.group === s.group && o.startsAt.getTime() === s.startsAt.getTime() && o.endsAt.getTime() === s.endsAt.getTime();
    })
  );
}

/**
 * What storing the parties of [from, to) changes. Idempotent: applying the plan and planning
 * again gives an empty plan. A party that has started (or is past) is never created or moved
 * unless `includePast` (loading history); a party placed by hand is never moved.
 */
export function planGeneration(
  rule: PartyRule,
  stored: readonly StoredParty[],
  from: Date,
  to: Date,
  now: Date,
  options: { includePast?: boolean } = {},
): GenerationPlan {
  const byKey = new Map(stored.map((p) => [partyKey(p), p]));
  const plan: GenerationPlan = { create: [], move: [] };
  for (const party of projectParties(rule, from, to)) {
    const existing = byKey.get(partyKey(party));
    if (!existing) {
      if (options.includePast || party.startsAt > now) plan.create.push(party);
      continue;
    }
    const movable = existing.startsAt > now && party.startsAt > now && existing.manualReason === null && existing.status === "planned";
    if (movable && !sameTimes(existing, party)) {
      plan.move.push({ id: existing.id, party, sequence: existing.sequence + 1 });
    }
  }
  return plan;
}

export type ResourceForParty = {
  environment: "production" | "non-production";
  patchGroup: PatchGroup;
  excluded: boolean;
};

export const partyKindFor = (environment: ResourceForParty["environment"]): PartyKind => (environment === "production" ? "production" : "qa");

export type ResourceParty = { state: "excluded" } | { state: "scheduled"; party: CalendarParty; slot: Slot } | { state: "none" };

/** The next party a resource is patched in (one still running counts), and its group's slot. */
export function nextPartyForResource(resource: ResourceForParty, parties: readonly CalendarParty[], now: Date): ResourceParty {
  if (resource.excluded) return { state: "excluded" };
  const kind = partyKindFor(resource.environment);
  for (const party of [...parties].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())) {
    if (party.kind !== kind || party.status === "cancelled" || party.status === "completed") continue;
    const slot = party.slots.find((s) => s.group === resource.patchGroup);
    if (slot && slot.endsAt > now) return { state: "scheduled", party, slot };
  }
  return { state: "none" };
}

/** A party slot as the audit log and messages name it: "2026-Q4 production group 2". */
export const slotLabel = (tag: string, kind: string, group: number) => `${tag} ${kind === "PRODUCTION" ? "production" : "QA"} group ${group}`;
