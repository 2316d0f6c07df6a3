import { z } from "zod";
import { IsoDateSchema, numberInput } from "./common";
import { ReasonSchema } from "./resources";

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day such as 09:00");
const Slot = z.object({ start: Clock, end: Clock });

/** The rule as the editor and the API send it. */
export const PartyRuleSchema = z.object({
  timeZone: z.string().trim().min(1, "Pick a time zone.").max(64),
  qaMonthOfQuarter: numberInput(z.number().pipe(z.union([z.literal(1), z.literal(2), z.literal(3)], { error: "must be 1, 2 or 3" }))),
  qaThursdayOfMonth: numberInput(
    z.number().pipe(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(-1)], { error: "must be 1, 2, 3, 4 or -1 (the last)" })),
  ),
  businessHours: Slot,
  productionMinGapDays: numberInput(z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(90, "must be at most 90 days")),
  qaSlots: z.tuple([Slot, Slot, Slot]),
  productionSlots: z.tuple([Slot, Slot, Slot]),
  revision: numberInput(z.number().int().min(0)).optional(),
  /** Also move parties already announced to customers, less than 14 days away, or with an approved change (they keep their dates otherwise). */
  moveAnnounced: z.boolean({ error: "must be true or false" }).optional(),
});
export type PartyRuleInput = z.infer<typeof PartyRuleSchema>;

export const KindSchema = z.enum(["qa", "production"], { error: "must be qa or production" });
export const TagSchema = z.string().regex(/^\d{4}-Q[1-4]$/, "must be a patch tag such as 2026-Q4");

/** Moving one party by hand; a day less than 14 days ahead needs `shortNotice: true`. */
export const MovePartySchema = z.object({ date: IsoDateSchema, reason: ReasonSchema, shortNotice: z.boolean({ error: "must be true or false" }).optional() });
export const CancelPartySchema = z.object({ reason: ReasonSchema });
