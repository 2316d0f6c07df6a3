// Maintenance policies as the editor and the API send them.
import { DateTime } from "luxon";
import { z } from "zod";
import { numberInput, RevisionSchema } from "./common";
import { neverFires } from "../domain/maintenance";
import { SCHEDULE_PRESETS, WINDOW_HOURS } from "../domain/schedule-presets";

const NEVER_FIRES = "Those days of the month never fall in the chosen months, so this schedule would never open a window.";

/** "every", or a list such as "0, 15, 30" / "1-5" within [min, max]. */
const everyOrList = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .max(200)
    .transform((value, ctx) => {
      if (value === "" || value.toLowerCase() === "every" || value === "*") return "every" as const;
      const out = new Set<number>();
      for (const part of value
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean)) {
        const match = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(part);
        const from = Number(match?.[1]);
        const to = Number(match?.[2] ?? match?.[1]);
        if (!match || from < min || to > max || from > to) {
          ctx.addIssue({
            code: "custom",
            message: `${label}: "${part}" is not within ${min}–${max} (write e.g. ${min}, ${min + 1}-${Math.min(max, min + 3)} or every)`,
          });
          return z.NEVER;
        }
        for (let n = from; n <= to; n++) out.add(n);
      }
      return [...out].sort((a, b) => a - b);
    });

export const CustomScheduleSchema = z
  .object({
    minutes: everyOrList("minutes", 0, 59),
    hours: everyOrList("hours", 0, 23),
    weekdays: everyOrList("days of the week (0 = Sunday)", 0, 6),
    monthDays: everyOrList("days of the month", 1, 31),
    months: everyOrList("months", 1, 12),
  })
  .refine((c) => !neverFires(c), { message: NEVER_FIRES });

export const ScheduleInputSchema = z
  .object({
    name: z.string().trim().min(1, "Give the schedule a name.").max(80, "At most 80 characters."),
    preset: z.enum([...(Object.keys(SCHEDULE_PRESETS) as (keyof typeof SCHEDULE_PRESETS)[]), "custom"], { error: "Pick a schedule." }),
    custom: CustomScheduleSchema.optional(),
    windowHours: numberInput(
      z
        .number({ error: `The window is ${WINDOW_HOURS.min} to ${WINDOW_HOURS.max} hours.` })
        .int(`The window is ${WINDOW_HOURS.min} to ${WINDOW_HOURS.max} whole hours.`)
        .min(WINDOW_HOURS.min, `The window is at least ${WINDOW_HOURS.min} hour.`)
        .max(WINDOW_HOURS.max, `The window is at most ${WINDOW_HOURS.max} hours.`),
    ),
  })
  .refine((s) => s.preset !== "custom" || s.custom !== undefined, { path: ["custom"], message: "Choose the minutes, hours and days of a custom schedule." });

export const PolicyInputSchema = z
  .object({
    name: z.string().trim().min(1, "Give the policy a name.").max(100, "At most 100 characters."),
    tags: z
      .string()
      .max(500)
      .transform((v) => [
        ...new Set(
          v
            .split(",")
            .map((t) => t.trim())
            .filter(Boolean),
        ),
      ])
      .refine((tags) => tags.length <= 20 && tags.every((t) => t.length <= 50), "At most 20 tags of 50 characters."),
    schedules: z.array(ScheduleInputSchema).max(20, "At most 20 schedules."),
    revision: RevisionSchema,
  })
  .superRefine(uniqueScheduleNames);
export type PolicyInput = z.infer<typeof PolicyInputSchema>;

function uniqueScheduleNames(policy: { schedules?: { name: string }[] }, ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  (policy.schedules ?? []).forEach((s, i) => {
    const key = s.name.toLowerCase();
    if (seen.has(key))
      ctx.addIssue({ code: "custom", path: ["schedules", i, "name"], message: `Another schedule of this policy is already named "${s.name}".` });
    seen.add(key);
  });
}

// The API's shape (issue 6): presets by their API names, custom choices as lists of numbers.
export const API_PRESETS = {
  "weekly-sunday": "weekly-sunday",
  "biweekly-sunday": "biweekly",
  "monthly-1st": "monthly-1st",
  "bimonthly-1st": "bimonthly-1st",
} as const;
export type ApiPreset = keyof typeof API_PRESETS;
export const apiPresetOf = (preset: string): ApiPreset | undefined => (Object.keys(API_PRESETS) as ApiPreset[]).find((k) => API_PRESETS[k] === preset);

const wholeFromTo = (min: number, max: number) => `must be a whole number from ${min} to ${max}`;
const everyOrNumbers = (min: number, max: number) =>
  z
    .union(
      [
        z.literal("every"),
        z
          .array(
            z
              .number({ error: wholeFromTo(min, max) })
              .int(wholeFromTo(min, max))
              .min(min, wholeFromTo(min, max))
              .max(max, wholeFromTo(min, max)),
          )
          .min(1, `must be "every" or a list of at least one number`)
          .max(60),
      ],
      {
        error: `must be "every" or a list of whole numbers from ${min} to ${max}`,
      },
    )
    .transform((v) => (v === "every" ? v : [...new Set(v)].sort((a, b) => a - b)));

const ApiScheduleSchema = z
  .object({
    name: z.string({ error: "Give the schedule a name." }).trim().min(1, "Give the schedule a name.").max(80, "At most 80 characters."),
    windowHours: z
      .number({ error: `The window is ${WINDOW_HOURS.min} to ${WINDOW_HOURS.max} hours.` })
      .int(`The window is ${WINDOW_HOURS.min} to ${WINDOW_HOURS.max} whole hours.`)
      .min(WINDOW_HOURS.min, `The window is at least ${WINDOW_HOURS.min} hour.`)
      .max(WINDOW_HOURS.max, `The window is at most ${WINDOW_HOURS.max} hours.`),
    preset: z.enum(Object.keys(API_PRESETS) as [ApiPreset, ...ApiPreset[]], { error: `preset is one of ${Object.keys(API_PRESETS).join(", ")}` }).optional(),
    custom: z
      .object(
        {
          minutes: everyOrNumbers(0, 59),
          hours: everyOrNumbers(0, 23),
          daysOfWeek: everyOrNumbers(0, 6),
          daysOfMonth: everyOrNumbers(1, 31),
          months: everyOrNumbers(1, 12),
        },
        { error: "custom is { minutes, hours, daysOfWeek, daysOfMonth, months }" },
      )
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.preset === undefined) === (s.custom === undefined))
      ctx.addIssue({ code: "custom", message: "Give a schedule either a preset or a custom recurrence." });
    const c = s.custom;
    if (
      c &&
      Array.isArray(c.daysOfMonth) &&
      neverFires({ minutes: c.minutes, hours: c.hours, weekdays: c.daysOfWeek, monthDays: c.daysOfMonth, months: c.months })
    ) {
      ctx.addIssue({ code: "custom", path: ["custom"], message: NEVER_FIRES });
    }
  })
  .transform((s) => ({
    name: s.name,
    windowHours: s.windowHours,
    ...(s.custom
      ? {
          preset: "custom" as const,
          custom: { minutes: s.custom.minutes, hours: s.custom.hours, weekdays: s.custom.daysOfWeek, monthDays: s.custom.daysOfMonth, months: s.custom.months },
        }
      : { preset: API_PRESETS[s.preset!], custom: undefined }),
  }));

const apiPolicyFields = {
  name: z.string({ error: "Give the policy a name." }).trim().min(1, "Give the policy a name.").max(100, "At most 100 characters."),
  tags: z
    .array(z.string({ error: "Each tag is text." }).trim().min(1, "A tag is empty.").max(50, "A tag has at most 50 characters."), {
      error: "tags: a list of text",
    })
    .max(20, "At most 20 tags.")
    .transform((tags) => [...new Set(tags)]),
  schedules: z.array(ApiScheduleSchema, { error: "schedules: a list of schedules" }).max(20, "At most 20 schedules."),
  revision: z.number().int().min(1).optional(),
};

/** POST /api/v1/policies */
export const PolicyApiSchema = z
  .object({ ...apiPolicyFields, tags: apiPolicyFields.tags.default([]) })
  .strict()
  .superRefine(uniqueScheduleNames) satisfies z.ZodType<PolicyInput>;

/** PATCH /api/v1/policies/{id}: any of the fields; the rest stay as they are. */
export const PolicyApiPatchSchema = z
  .object({
    name: apiPolicyFields.name.optional(),
    tags: apiPolicyFields.tags.optional(),
    schedules: apiPolicyFields.schedules.optional(),
    revision: apiPolicyFields.revision,
  })
  .strict()
  .superRefine(uniqueScheduleNames);

const isoInstant = (name: string) =>
  z
    .string({ error: `${name}: an ISO-8601 date or date and time such as 2026-12-01T00:00:00Z` })
    .max(40)
    .transform((value, ctx) => {
      const parsed = /^\d{4}-\d{2}-\d{2}/.test(value) ? DateTime.fromISO(value, { zone: "UTC" }) : null;
      if (!parsed?.isValid || parsed.year < 1970 || parsed.year > 2200) {
        ctx.addIssue({ code: "custom", message: `must be an ISO-8601 date or date and time between 1970 and 2200, such as 2026-12-01T00:00:00Z` });
        return z.NEVER;
      }
      return parsed.toJSDate();
    });

export const WindowsQuerySchema = z
  .object({ from: isoInstant("from"), to: isoInstant("to") })
  // zod 4 runs these even when a field failed (then it is still text): compare only dates.
  .refine((q) => !(q.to instanceof Date && q.from instanceof Date) || q.to > q.from, { message: "to must be after from" })
  .refine((q) => !(q.to instanceof Date && q.from instanceof Date) || q.to.getTime() - q.from.getTime() <= 400 * 86_400_000, {
    message: "Ask for at most 400 days at a time.",
  });
