import { z } from "zod";
import { IsoDateSchema } from "./common";

const DAY = 86_400_000;

/** GET /api/v1/conflicts?from=YYYY-MM-DD&to=YYYY-MM-DD: UTC days, both included; a year from today without them. */
export const ConflictsQuerySchema = z
  .object({ from: IsoDateSchema.optional(), to: IsoDateSchema.optional() })
  .transform((q) => {
    const from = q.from ?? new Date(Math.floor(Date.now() / DAY) * DAY);
    return { from, to: q.to ? new Date(q.to.getTime() + DAY) : new Date(from.getTime() + 366 * DAY) };
  })
  .refine((q) => q.to > q.from, { path: ["to"], message: "must not be before from" })
  .refine((q) => q.to.getTime() - q.from.getTime() <= 400 * DAY, { path: ["to"], message: "at most 400 days after from" });
