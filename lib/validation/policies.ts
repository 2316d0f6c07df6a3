// Maintenance policies as the editor and the API send them.
import { z } from "zod";
import { SCHEDULE_PRESETS, WINDOW_HOURS } from "../domain/schedule-presets";

/** "every", or a list such as "0, 15, 30" / "1-5" within [min, max]. */
const everyOrList = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .max(200)
    .transform((value, ctx) => {
      if (value === "" || value.toLowerCase() === "every" || value === "*") return "every" as const;
      const out = new Set<number>();
      for (const part of value.split(",").map((p) => p.trim()).filter(Boolean)) {
        const match = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(part);
        const from = Number(match?.[1]);
        const to = Number(match?.[2] ?? match?.[1]);
        if (!match || from < min || to > max || from > to) {
          ctx.addIssue({ code: "custom", message: `${label}: "${part}" is not within ${min}–${max} (write e.g. ${min}, ${min + 1}-${Math.min(max, min + 3)} or every)` });
          return z.NEVER;
        }
        for (let n = from; n <= to; n++) out.add(n);
      }
      return [...out].sort((a, b) => a - b);
    });

export const CustomScheduleSchema = z.object({
  minutes: everyOrList("minutes", 0, 59),
  hours: everyOrList("hours", 0, 23),
  weekdays: everyOrList("days of the week (0 = Sunday)", 0, 6),
  monthDays: everyOrList("days of the month", 1, 31),
  months: everyOrList("months", 1, 12),
});

export const ScheduleInputSchema = z
  .object({
    name: z.string().trim().min(1, "Give the schedule a name.").max(80, "At most 80 characters."),
    preset: z.enum([...(Object.keys(SCHEDULE_PRESETS) as (keyof typeof SCHEDULE_PRESETS)[]), "custom"], { error: "Pick a schedule." }),
    custom: CustomScheduleSchema.optional(),
    windowHours: z.coerce
      .number({ error: `The window is ${WINDOW_HOURS.min} to ${WINDOW_HOURS.max} hours.` })
      .int(`The window is ${WINDOW_HOURS.min} to ${WINDOW_HOURS.max} whole hours.`)
      .min(WINDOW_HOURS.min, `The window is at least ${WINDOW_HOURS.min} hour.`)
      .max(WINDOW_HOURS.max, `The window is at most ${WINDOW_HOURS.max} hours.`),
  })
  .refine((s) => s.preset !== "custom" || s.custom !== undefined, { path: ["custom"], message: "Choose the minutes, hours and days of a custom schedule." });

export const PolicyInputSchema = z
  .object({
    name: z.string().trim().min(1, "Give the policy a name.").max(100, "At most 100 characters."),
    tags: z
      .string()
      .max(500)
      .transform((v) => [...new Set(v.split(",").map((t) => t.trim()).filter(Boolean))])
      .refine((tags) => tags.length <= 20 && tags.every((t) => t.length <= 50), "At most 20 tags of 50 characters."),
    schedules: z.array(ScheduleInputSchema).max(20, "At most 20 schedules."),
    revision: z.coerce.number().int().min(1).optional(),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.schedules.forEach((s, i) => {
      const key = s.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["schedules", i, "name"], message: `Another schedule of this policy is already named "${s.name}".` });
      seen.add(key);
    });
  });
export type PolicyInput = z.infer<typeof PolicyInputSchema>;
