import { z } from "zod";
import { optionalText } from "./common";

/** What a calendar (page, download, feed) shows. */
export const CalendarFiltersSchema = z.object({
  environment: z.enum(["production", "non-production"], { error: "must be production or non-production" }).optional(),
  team: optionalText(100),
  group: z.enum(["1", "2", "3"], { error: "must be 1, 2 or 3" }).transform(Number).optional(),
  resource: optionalText(200),
});
export type CalendarFilters = z.infer<typeof CalendarFiltersSchema>;

export const CalendarQuerySchema = CalendarFiltersSchema.extend({
  key: z.string().max(200).optional(),
}).strict();

export const CreateFeedSchema = z.object({
  name: z.string().trim().min(1, "Give the feed a name.").max(80, "At most 80 characters."),
  team: optionalText(100),
  resource: optionalText(200),
});
