import { z } from "zod";
import { hasControlCharacters } from "../domain/text";
import { optionalText } from "./common";

/** What a calendar (page, download, feed) shows. */
export const CalendarFiltersSchema = z.object({
  environment: z.enum(["production", "non-production"], { error: "must be production or non-production" }).optional(),
  team: optionalText(100),
  group: z.enum(["1", "2", "3"], { error: "must be 1, 2 or 3" }).transform(Number).optional(),
  resource: optionalText(200),
});
export type CalendarFilters = z.infer<typeof CalendarFiltersSchema>;

/** `windows=1` adds the maintenance policies' upgrade windows to a feed. */
export const FeedWindowsSchema = z
  .enum(["0", "1"], { error: "must be 1 (with upgrade windows) or 0" })
  .transform((v) => v === "1")
  .optional();

/** What a feed (the .ics download, a subscribe address) shows: the calendar's filters, and whether upgrade windows are in it. */
export type FeedFilters = CalendarFilters & { windows?: boolean };

export const CalendarQuerySchema = CalendarFiltersSchema.extend({
  windows: FeedWindowsSchema,
  key: z.string().max(200).optional(),
}).strict();

/** Active subscribe addresses a person may have at once: each is a secret that works until revoked. */
export const FEEDS_PER_PERSON = 20;

export const CreateFeedSchema = z.object({
  // One line: the name is written into the feed's NAME and X-WR-CALNAME and shown in calendar apps.
  name: z
    .string()
    .trim()
    .min(1, "Give the feed a name.")
    .max(80, "At most 80 characters.")
    .refine((name) => !hasControlCharacters(name), "Give the address a name on one line, without control characters (tabs, line breaks)."),
  team: optionalText(100),
  resource: optionalText(200),
  // The form's tick box: "on" when ticked.
  windows: z
    .enum(["on"], { error: "Tick the box or leave it empty." })
    .optional()
    .transform((v) => (v === "on" ? true : undefined)),
});
