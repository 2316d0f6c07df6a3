import { z } from "zod";
import { CalendarFiltersSchema } from "./calendar";
import { withQuery } from "../url";

/** The calendar page's URL; a bad value falls back to its default instead of failing the page. */
export const CalendarPageSchema = CalendarFiltersSchema.omit({ resource: true }).extend({
  view: z.enum(["month", "quarter", "agenda"]).catch("month"),
  date: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional()
    .catch(undefined),
  tz: z.enum(["utc", "local"]).catch("utc"),
});
export type CalendarPageQuery = z.infer<typeof CalendarPageSchema>;

export function calendarPageQuery(params: Record<string, string | string[] | undefined>): CalendarPageQuery {
  const flat = Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === "string" && v !== ""));
  const strictFilters = CalendarFiltersSchema.omit({ resource: true }).safeParse(flat);
  const base = CalendarPageSchema.parse({ view: flat.view, date: flat.date, tz: flat.tz });
  return strictFilters.success ? { ...base, ...strictFilters.data } : base;
}

export function calendarHref(query: CalendarPageQuery, change: Partial<CalendarPageQuery> = {}) {
  return withQuery("/calendar", { ...query, ...change });
}
