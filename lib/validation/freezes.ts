import { z } from "zod";
import { RevisionSchema } from "./common";
import { ReasonSchema } from "./resources";

const Instant = (what: string) =>
  z.iso
    .datetime({ offset: true, error: `${what} must be an ISO-8601 instant such as 2026-12-20T00:00:00Z` })
    .transform((d) => new Date(d))
    .refine((d) => d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 9999, `${what} must be between the years 2000 and 9999`);

/** A freeze as the API and the page send it; teams by slug. */
export const FreezeSchema = z
  .object({
    name: z.string({ error: "Give the freeze a name." }).trim().min(1, "Give the freeze a name.").max(100, "must be at most 100 characters"),
    startsAt: Instant("The start"),
    endsAt: Instant("The end"),
    reason: ReasonSchema,
    scope: z.enum(["all", "production", "non-production"], { error: "must be all, production or non-production" }),
    teams: z
      .array(z.string().trim().min(1).max(100), { error: "must be a list of team slugs" })
      .max(100, "at most 100 teams")
      .optional()
      .transform((teams) => [...new Set(teams ?? [])]),
    revision: RevisionSchema,
  })
  // Zod runs these even when a field failed: they judge only two instants.
  .refine((f) => !(f.startsAt instanceof Date && f.endsAt instanceof Date) || f.endsAt > f.startsAt, {
    path: ["endsAt"],
    message: "The end must be after the start.",
  })
  .refine((f) => !(f.startsAt instanceof Date && f.endsAt instanceof Date) || f.endsAt.getTime() - f.startsAt.getTime() <= 366 * 86_400_000, {
    path: ["endsAt"],
    message: "A freeze lasts at most a year.",
  });
export type FreezeInput = z.infer<typeof FreezeSchema>;
