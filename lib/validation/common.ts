import { DateTime } from "luxon";
import { z } from "zod";

/** The shape of a calendar day, "YYYY-MM-DD", whether or not that day exists. */
export const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A calendar day "YYYY-MM-DD" that exists, as the UTC midnight it starts at. The one reader of a
 * day: a well-formed day that does not exist (2027-02-30) is "not a real calendar date", not
 * "must be a date".
 */
export const IsoDateSchema = z
  .string({ error: "must be a date (YYYY-MM-DD)" })
  .regex(ISO_DAY, "must be a date (YYYY-MM-DD)")
  .refine((value) => DateTime.fromISO(value, { zone: "UTC" }).isValid, "is not a real calendar date")
  .transform((value) => DateTime.fromISO(value, { zone: "UTC" }).toJSDate());

/** The first issue of a failed parse, as "name: message". */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid input";
  const path = issue.path.join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Optional trimmed text; empty means absent. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((v) => (v === "" ? undefined : v))
    .optional();

/** PostgreSQL text holds no NUL: a value with one was never stored, so it is no name or cursor of ours. */
export const noNul = (text: string) => !text.includes("\u0000");

/** The `next` of a newest-first page ("<ms>_<id>") as the position to continue before. */
export const NewestFirstCursorSchema = z
  .string()
  .max(100)
  .regex(/^\d{13}_[\w-]{1,40}$/, "cursor: use the previous page's next")
  .transform((c) => ({ at: new Date(Number(c.slice(0, 13))), id: c.slice(14) }))
  .optional();

export const newestFirstCursor = (next: { at: Date; id: string }) => `${next.at.getTime()}_${next.id}`;

/** A path parameter as text: percent-decoded when it can be, as sent when it is not (a stray "%"). */
export function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * A number as JSON sends it, or as the text a form or a query string sends ("12", " 12 ").
 * Not z.coerce.number(): Number() turns null, [], "" and false into 0 and true into 1, so a JSON
 * `null` would be saved as 0. Anything but a number or numeric text reaches `schema` unchanged and
 * is refused with its message.
 */
export const numberInput = <S extends z.ZodType<unknown, number>>(schema: S) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value), schema);

/** The revision an edit was made against (optimistic locking): absent means "don't check". */
export const RevisionSchema = numberInput(z.number({ error: "revision is a whole number." }).int().min(1).max(2_147_483_647)).optional();
