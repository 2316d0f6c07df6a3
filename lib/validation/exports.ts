// Query strings of the CSV exports that take no filter: an unknown parameter is refused rather
// than ignored (a caller who sent `team=` would otherwise think the file is filtered).
import { z } from "zod";

export const NoQuerySchema = z.object({}).strict();

/** GET /api/v1/parties/{tag}/{kind}/resources.csv: one group's resources, or all. */
export const PartyCsvQuerySchema = z.object({ group: z.enum(["1", "2", "3"], { error: "must be 1, 2 or 3" }).transform(Number).optional() }).strict();
