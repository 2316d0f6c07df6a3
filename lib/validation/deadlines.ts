import { z } from "zod";
import { DEADLINE_DAYS_MAX, DEADLINE_DAYS_MIN } from "../domain/deadlines";
import { numberInput, RevisionSchema } from "./common";

/** A severity's deadline in days, or null (from a form: empty) for none. The form shows the message at its field, the API after the field's name. */
const DAYS_MESSAGE = `must be a whole number of days from ${DEADLINE_DAYS_MIN} to ${DEADLINE_DAYS_MAX}; leave it empty (null) for no deadline.`;
const DaysSchema = z.preprocess(
  (value) => (typeof value === "string" && value.trim() === "" ? null : value),
  numberInput(z.number({ error: DAYS_MESSAGE }).int(DAYS_MESSAGE).min(DEADLINE_DAYS_MIN, DAYS_MESSAGE).max(DEADLINE_DAYS_MAX, DAYS_MESSAGE)).nullable(),
);

/**
 * PUT /api/v1/compliance/deadlines and the compliance page's form: days per severity (a field left
 * out keeps its setting; null for no deadline), and the revision the settings were read at.
 */
export const DeadlinesSchema = z
  .object({
    criticalDays: DaysSchema.optional(),
    highDays: DaysSchema.optional(),
    mediumDays: DaysSchema.optional(),
    lowDays: DaysSchema.optional(),
    unratedDays: DaysSchema.optional(),
    revision: RevisionSchema,
  })
  .strict();
export type DeadlinesInput = z.infer<typeof DeadlinesSchema>;

/** The form fields, as the schema names them. */
export const DEADLINE_FIELDS = ["criticalDays", "highDays", "mediumDays", "lowDays", "unratedDays"] as const;
