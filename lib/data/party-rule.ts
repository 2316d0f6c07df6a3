import type { Prisma } from "@prisma/client";
import { sql } from "../db";
import { DEFAULT_PARTY_RULE, type PartyRule, type SlotRule } from "../domain";

type RuleRow = Pick<
  Prisma.PartyRuleGetPayload<object>,
  "timeZone" | "qaMonthOfQuarter" | "qaThursdayOfMonth" | "businessHoursStart" | "businessHoursEnd" | "productionMinGapDays" | "qaSlots" | "productionSlots"
>;

export function ruleFromRow(row: RuleRow | null): PartyRule {
  if (!row) return DEFAULT_PARTY_RULE;
  return {
    timeZone: row.timeZone,
    qaMonthOfQuarter: row.qaMonthOfQuarter as PartyRule["qaMonthOfQuarter"],
    qaThursdayOfMonth: row.qaThursdayOfMonth as PartyRule["qaThursdayOfMonth"],
    businessHours: { start: row.businessHoursStart, end: row.businessHoursEnd },
    productionMinGapDays: row.productionMinGapDays,
    qaSlots: row.qaSlots as SlotRule[],
    productionSlots: row.productionSlots as SlotRule[],
  };
}

export function ruleToRow(rule: PartyRule) {
  return {
    timeZone: rule.timeZone,
    qaMonthOfQuarter: rule.qaMonthOfQuarter,
    qaThursdayOfMonth: rule.qaThursdayOfMonth,
    businessHoursStart: rule.businessHours.start,
    businessHoursEnd: rule.businessHours.end,
    productionMinGapDays: rule.productionMinGapDays,
    qaSlots: rule.qaSlots,
    productionSlots: rule.productionSlots,
  };
}

/** The stored rule, or the default one until an admin saves theirs. */
export async function getPartyRule(): Promise<PartyRule> {
  // Raw: every calendar, home and party page reads it (see readParties in parties.ts).
  const [row] = await sql<RuleRow>`
    SELECT "timeZone", "qaMonthOfQuarter", "qaThursdayOfMonth", "businessHoursStart", "businessHoursEnd", "productionMinGapDays", "qaSlots", "productionSlots"
    FROM "PartyRule" WHERE id = 'default'`;
  return ruleFromRow(row ?? null);
}
