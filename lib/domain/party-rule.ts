// The rule Patch Parties are generated from (product.md "Patch Party"). Pure: callers pass `now`.
import { DateTime } from "luxon";
import type { PatchGroup } from "./groups";
import { patchTag, quarterOf, quartersBetween, previousQuarter, type Quarter } from "./quarter";

export type PartyKind = "qa" | "production";

/** Local wall-clock time "HH:mm" in the rule's time zone. */
export type ClockTime = `${number}:${number}` | string;

export type SlotRule = { group: PatchGroup; start: ClockTime; end: ClockTime };

export type PartyRule = {
  timeZone: string;
  /** 1, 2 or 3: which month of the quarter holds the QA party. */
  qaMonthOfQuarter: 1 | 2 | 3;
  /** 1–4 for the first to fourth Thursday, -1 for the last one. */
  qaThursdayOfMonth: 1 | 2 | 3 | 4 | -1;
  businessHours: { start: ClockTime; end: ClockTime };
  /** The production Sunday is the first Sunday at least this many days after the QA Thursday. */
  productionMinGapDays: number;
  qaSlots: readonly SlotRule[];
  productionSlots: readonly SlotRule[];
};

export const DEFAULT_PARTY_RULE: PartyRule = {
  timeZone: "Europe/Paris",
  qaMonthOfQuarter: 2,
  qaThursdayOfMonth: 2,
  businessHours: { start: "09:00", end: "18:00" },
  productionMinGapDays: 21,
  qaSlots: [
    { group: 1, start: "09:00", end: "12:00" },
    { group: 2, start: "12:00", end: "15:00" },
    { group: 3, start: "15:00", end: "18:00" },
  ],
  productionSlots: [
    { group: 1, start: "06:00", end: "10:00" },
    { group: 2, start: "10:00", end: "14:00" },
    { group: 3, start: "14:00", end: "18:00" },
  ],
};

export type Slot = { group: PatchGroup; startsAt: Date; endsAt: Date };

export type PlannedParty = {
  tag: string;
  kind: PartyKind;
  /** The party's calendar day in the rule's zone, "YYYY-MM-DD". */
  localDate: string;
  timeZone: string;
  startsAt: Date;
  endsAt: Date;
  slots: readonly Slot[];
};

const THURSDAY = 4;
const SUNDAY = 7;

export function parseClock(value: ClockTime): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!match) throw new RangeError(`"${value}" is not a time of day (HH:mm)`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

export function minutesOfDay(value: ClockTime): number {
  const { hour, minute } = parseClock(value);
  return hour * 60 + minute;
}

/** The QA Thursday of a quarter, as a local date in the rule's zone. */
export function qaDay(rule: PartyRule, { year, quarter }: Quarter): DateTime {
  const month = (quarter - 1) * 3 + rule.qaMonthOfQuarter;
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone: rule.timeZone });
  if (rule.qaThursdayOfMonth === -1) {
    const last = first.endOf("month").startOf("day");
    return last.minus({ days: (last.weekday - THURSDAY + 7) % 7 });
  }
  const firstThursday = first.plus({ days: (THURSDAY - first.weekday + 7) % 7 });
  return firstThursday.plus({ weeks: rule.qaThursdayOfMonth - 1 });
}

/** The first Sunday at least `productionMinGapDays` after the QA day. */
export function productionDay(rule: PartyRule, qa: DateTime): DateTime {
  const earliest = qa.plus({ days: rule.productionMinGapDays });
  return earliest.plus({ days: (SUNDAY - earliest.weekday + 7) % 7 });
}

function atClock(day: DateTime, clock: ClockTime): Date {
  const { hour, minute } = parseClock(clock);
  // Built from calendar fields so DST changes move the UTC instant, never the wall-clock time.
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone: day.zoneName ?? "UTC" }).toJSDate();
}

function buildParty(tag: string, kind: PartyKind, day: DateTime, slotRules: readonly SlotRule[], timeZone: string): PlannedParty {
  const slots = [...slotRules]
    .sort((a, b) => a.group - b.group)
    .map((slot) => ({ group: slot.group, startsAt: atClock(day, slot.start), endsAt: atClock(day, slot.end) }));
  const starts = slots.map((s) => s.startsAt.getTime());
  const ends = slots.map((s) => s.endsAt.getTime());
  return {
    tag,
    kind,
    localDate: day.toISODate() ?? "",
    timeZone,
    startsAt: new Date(Math.min(...starts)),
    endsAt: new Date(Math.max(...ends)),
    slots,
  };
}

/** A party of `kind` placed on a given local day ("YYYY-MM-DD"), with the rule's slot times. */
export function partyOnDay(rule: PartyRule, tag: string, kind: PartyKind, localDate: string): PlannedParty {
  const day = DateTime.fromISO(localDate, { zone: rule.timeZone });
  return buildParty(tag, kind, day, kind === "qa" ? rule.qaSlots : rule.productionSlots, rule.timeZone);
}

/** The production party the rule gives a quarter whose QA party is (or was) held on `qaLocalDate` ("YYYY-MM-DD"). */
export function productionAfter(rule: PartyRule, tag: string, qaLocalDate: string): PlannedParty {
  const qa = DateTime.fromISO(qaLocalDate, { zone: rule.timeZone });
  return buildParty(tag, "production", productionDay(rule, qa), rule.productionSlots, rule.timeZone);
}

/** The QA and production parties the rule gives a quarter. */
export function partiesOfQuarter(rule: PartyRule, quarter: Quarter): [PlannedParty, PlannedParty] {
  const tag = patchTag(quarter);
  const qa = qaDay(rule, quarter);
  return [buildParty(tag, "qa", qa, rule.qaSlots, rule.timeZone), buildParty(tag, "production", productionDay(rule, qa), rule.productionSlots, rule.timeZone)];
}

/** How a caller gets a quarter's parties: `partiesOfQuarter`, or kept ones (lib/cache: zone arithmetic is a calendar's slow part). */
export type QuarterParties = (rule: PartyRule, quarter: Quarter) => readonly [PlannedParty, PlannedParty];

/** Every party the rule places at least partly inside [from, to), in time order. */
export function projectParties(rule: PartyRule, from: Date, to: Date, ofQuarter: QuarterParties = partiesOfQuarter): PlannedParty[] {
  if (to <= from) return [];
  // A production party can fall in the quarter after its tag's, so start one quarter early.
  const quarters = quartersBetween(previousQuarter(quarterOf(from, rule.timeZone)), quarterOf(to, rule.timeZone));
  return quarters
    .flatMap((q) => ofQuarter(rule, q))
    .filter((p) => p.startsAt < to && p.endsAt > from)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

export type RuleProblem = { path: string; message: string };

/** Checks that go beyond the shape of the rule: zone, hours, slots inside business hours. */
export function partyRuleProblems(rule: PartyRule): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (!DateTime.now().setZone(rule.timeZone).isValid) {
    problems.push({ path: "timeZone", message: `"${rule.timeZone}" is not a known time zone` });
  }
  const open = minutesOfDay(rule.businessHours.start);
  const close = minutesOfDay(rule.businessHours.end);
  if (close <= open) problems.push({ path: "businessHours", message: "business hours must end after they start" });
  for (const [key, slots] of [
    ["qaSlots", rule.qaSlots],
    ["productionSlots", rule.productionSlots],
  ] as const) {
    const groups = slots.map((s) => s.group).sort();
    if (groups.join() !== "1,2,3") problems.push({ path: key, message: "there must be exactly one slot for each of groups 1, 2 and 3" });
    for (const slot of slots) {
      if (minutesOfDay(slot.end) <= minutesOfDay(slot.start)) {
        problems.push({ path: `${key}.${slot.group}`, message: `group ${slot.group}'s slot must end after it starts` });
      }
      if (key === "qaSlots" && (minutesOfDay(slot.start) < open || minutesOfDay(slot.end) > close)) {
        problems.push({ path: `${key}.${slot.group}`, message: `group ${slot.group}'s QA slot must lie within business hours` });
      }
    }
    // One party's groups take turns: a slot starts when the one before it has ended (or later).
    const byStart = [...slots].sort((a, b) => minutesOfDay(a.start) - minutesOfDay(b.start) || a.group - b.group);
    for (const [i, slot] of byStart.entries()) {
      const before = byStart[i - 1];
      if (before && minutesOfDay(slot.start) < minutesOfDay(before.end)) {
        const kind = key === "qaSlots" ? "QA" : "production";
        problems.push({
          path: `${key}.${slot.group}`,
          message: `group ${slot.group}'s ${kind} slot (${slot.start}–${slot.end}) overlaps group ${before.group}'s (${before.start}–${before.end})`,
        });
      }
    }
  }
  if (rule.productionMinGapDays < 1 || rule.productionMinGapDays > 90) {
    problems.push({ path: "productionMinGapDays", message: "the gap to the production Sunday must be 1 to 90 days" });
  }
  return problems;
}
