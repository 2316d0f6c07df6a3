import { z } from "zod";
import { IsoDateSchema } from "./common";

export const MAX_PARTY_RANGE_DAYS = 3_700;
const DAY = 86_400_000;

/**
 * `?from=YYYY-MM-DD&to=YYYY-MM-DD`: UTC days, both included. Parsed into the half-open
 * instant range [from, end).
 */
export const PartiesQuerySchema = z
  .object({ from: IsoDateSchema, to: IsoDateSchema })
  .strict()
  .superRefine((query, ctx) => {
    // zod runs object refinements even when a field failed; only compare two real dates.
    if (!(query.from instanceof Date) || !(query.to instanceof Date)) return;
    const days = (query.to.getTime() - query.from.getTime()) / DAY + 1;
    if (days < 1) ctx.addIssue({ code: "custom", path: ["to"], message: "must be on or after from" });
    if (days > MAX_PARTY_RANGE_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: `must be at most ${MAX_PARTY_RANGE_DAYS} days after from` });
  })
  .transform((query) => ({ from: query.from, end: new Date(query.to.getTime() + DAY) }));

export type PartiesQuery = z.infer<typeof PartiesQuerySchema>;
