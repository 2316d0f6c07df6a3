import "server-only";
import type { InferResult } from "kysely";
import { execute, qb } from "../db";
import { DEFAULT_PARTY_RULE, type PartyRule } from "../domain";

/** The stored rule (its slots are typed in schema.prisma). */
const ruleQuery = qb
  .selectFrom("PartyRule")
  .select(["timeZone", "qaMonthOfQuarter", "qaThursdayOfMonth", "businessHoursStart", "businessHoursEnd", "productionMinGapDays", "qaSlots", "productionSlots"])
  .where("id", "=", "default");
type RuleRow = InferResult<typeof ruleQuery>[number];

export function ruleFromRow(row: RuleRow | null): PartyRule {
  if (!row) return DEFAULT_PARTY_RULE;
  return {
    timeZone: row.timeZone,
    qaMonthOfQuarter: row.qaMonthOfQuarter as PartyRule["qaMonthOfQuarter"],
    qaThursdayOfMonth: row.qaThursdayOfMonth as PartyRule["qaThursdayOfMonth"],
    businessHours: { start: row.businessHoursStart, end: row.businessHoursEnd },
    productionMinGapDays: row.productionMinGapDays,
    qaSlots: row.qaSlots,
    productionSlots: row.productionSlots,
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
  // A builder statement, not a model query: every calendar, home and party page reads it (see readParties in parties.ts).
  const [row] = await execute(ruleQuery);
  return ruleFromRow(row ?? null);
}
