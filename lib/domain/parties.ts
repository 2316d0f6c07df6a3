// Stored and projected parties, generation, and which party a resource takes part in.
import type { PatchGroup } from "./groups";
import {
  partiesOfQuarter,
  productionAfter,
  projectParties,
  type PartyKind,
  type PartyRule,
  type PlannedParty,
  type QuarterParties,
  type Slot,
} from "./party-rule";
import { parsePatchTag, patchTag, previousQuarter, quarterOf, quartersBetween } from "./quarter";

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

/** A stored party the rule no longer places: it has started or ended, was cancelled, or an admin placed it by hand. */
const fixedParty = (party: StoredParty, now: Date) => party.startsAt <= now || party.status !== "planned" || party.manualReason !== null;

/**
 * What storing the parties of [from, to) changes. A quarter's parties are planned as a pair: the
 * QA party is the one that ran or will run (kept when it has started, was cancelled or placed by
 * hand, or when the rule's day for it has passed; the rule's otherwise), and the production party
 * is the rule's Sunday after that QA party (the rule's QA day when the QA party was cancelled),
 * kept on the same terms. Every quarter whose parties reach into the range is planned, and every
 * quarter with a stored party still to come, so a rule change moves a pair past `to` together.
 * `stored` holds every stored party of those quarters (a party that exists is never created
 * again). A party that has started (or is past) is never created or moved unless `includePast`
 * (loading history), and none that ends before `from` is created; the stored parties whose ids
 * are in `keep` stay where they are too. Idempotent: applying the plan and planning again gives
 * an empty plan.
 */
export function planGeneration(
  rule: PartyRule,
  stored: readonly StoredParty[],
  from: Date,
  to: Date,
  now: Date,
  options: { includePast?: boolean; keep?: ReadonlySet<string> } = {},
): GenerationPlan {
  const fixed = (party: StoredParty) => fixedParty(party, now) || options.keep?.has(party.id) === true;
  const byKey = new Map(stored.map((p) => [partyKey(p), p]));
  const plan: GenerationPlan = { create: [], move: [] };
  if (to <= from) return plan;
  // A production party can fall in the quarter after its tag's, so start one quarter early.
  const tags = new Set(quartersBetween(previousQuarter(quarterOf(from, rule.timeZone)), quarterOf(to, rule.timeZone)).map(patchTag));
  for (const party of stored) if (party.startsAt > now && !fixed(party)) tags.add(party.tag);
  const reaches = (p: PlannedParty) => p.startsAt < to && p.endsAt > from;
  for (const tag of [...tags].sort()) {
    const quarter = parsePatchTag(tag);
    if (!quarter) continue;
    const [ruleQa] = partiesOfQuarter(rule, quarter);
    const storedQa = byKey.get(`${tag}:qa`);
    const storedProduction = byKey.get(`${tag}:production`);
    const keep = (existing: StoredParty | undefined, wanted: PlannedParty) => (existing && (fixed(existing) || wanted.startsAt <= now) ? existing : wanted);
    const qa = keep(storedQa, ruleQa);
    const production = keep(storedProduction, productionAfter(rule, tag, storedQa?.status === "cancelled" ? ruleQa.localDate : qa.localDate));
    if (!storedQa && !storedProduction && !reaches(qa) && !reaches(production)) continue;
    for (const [existing, wanted] of [
      [storedQa, qa],
      [storedProduction, production],
    ] as const) {
      if (wanted === existing) continue;
      if (!existing) {
        if ((options.includePast || wanted.startsAt > now) && wanted.endsAt > from) plan.create.push(wanted);
      } else if (!sameTimes(existing, wanted)) {
        plan.move.push({ id: existing.id, party: wanted, sequence: existing.sequence + 1 });
      }
    }
  }
  return plan;
}

/** Why moving a stored party would surprise someone: customers were told of its date, it is less than NOTICE_DAYS away, or an approver signed off its date. */
export type MoveWarnings = { announced: boolean; soon: boolean; approved: boolean };

export type RuleChangeFacts = {
  /** Parties whose customers were told of their date (an announce or moved notice). */
  announced: ReadonlySet<string>;
  /** Parties with an approved change request. */
  approved: ReadonlySet<string>;
};

export type RuleMove = { id: string; tag: string; kind: PartyKind; from: PlannedParty; to: PlannedParty; warnings: MoveWarnings };

export type RuleChangePlan = {
  plan: GenerationPlan;
  /** Every move the rule asks for, with its warnings (what the preview lists). */
  moves: RuleMove[];
  /** Moves left undone: the party keeps its date because it was announced, is near or approved. */
  kept: RuleMove[];
};

const NEAR_MS = 14 * 86_400_000;

/**
 * A rule change's plan (issue 16): every move it asks for, each with its warnings; unless
 * `moveWarned`, the parties with a warning keep their dates (and a production party then follows
 * the QA party that keeps its date, which can warn in turn: planned again until nothing new warns).
 */
export function planRuleChange(
  rule: PartyRule,
  stored: readonly StoredParty[],
  facts: RuleChangeFacts,
  range: { from: Date; to: Date },
  now: Date,
  moveWarned: boolean,
): RuleChangePlan {
  const byId = new Map(stored.map((p) => [p.id, p]));
  const near = now.getTime() + NEAR_MS;
  const warningsOf = (party: StoredParty, to: PlannedParty): MoveWarnings => ({
    announced: facts.announced.has(party.id),
    soon: party.startsAt.getTime() < near || to.startsAt.getTime() < near,
    approved: facts.approved.has(party.id),
  });
  const movesOf = (plan: GenerationPlan): RuleMove[] =>
    plan.move.map((m) => {
      const from = byId.get(m.id)!;
      return { id: m.id, tag: from.tag, kind: from.kind, from, to: m.party, warnings: warningsOf(from, m.party) };
    });
  const warned = (m: RuleMove) => m.warnings.announced || m.warnings.soon || m.warnings.approved;
  const full = planGeneration(rule, stored, range.from, range.to, now);
  const moves = movesOf(full);
  if (moveWarned) return { plan: full, moves, kept: [] };
  const kept = new Map<string, RuleMove>();
  let plan = full;
  for (let pass = 0; pass < 4; pass++) {
    const newlyWarned = movesOf(plan).filter((m) => warned(m) && !kept.has(m.id));
    if (newlyWarned.length === 0) break;
    for (const m of newlyWarned) kept.set(m.id, m);
    plan = planGeneration(rule, stored, range.from, range.to, now, { keep: new Set(kept.keys()) });
  }
  return { plan, moves, kept: [...kept.values()] };
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
