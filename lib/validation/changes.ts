// Change requests as the pages and the API send them.
import { z } from "zod";
import { NewestFirstCursorSchema, RevisionSchema } from "./common";

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is text.` })
    .trim()
    .min(3, `${label}: at least 3 characters.`)
    .max(max, `${label}: at most ${max} characters.`);

export const ChangeEditSchema = z
  .object({
    title: text("The title", 200).optional(),
    rollbackPlan: text("The rollback plan", 5_000).optional(),
    acceptanceCriteria: text("The acceptance criteria", 5_000).optional(),
    contacts: text("The contacts", 5_000).optional(),
    revision: RevisionSchema,
  })
  .strict();
export type ChangeEdit = z.infer<typeof ChangeEditSchema>;

export const DecisionSchema = z
  .object({
    comment: z.string({ error: "comment is text." }).trim().min(3, "Say why, in at least 3 characters.").max(1_000, "At most 1,000 characters.").optional(),
    revision: RevisionSchema,
  })
  .strict();

/** POST /api/v1/changes: the production party (by tag) or the template whose upgrade it covers. */
export const ChangeOpenSchema = z
  .object({
    partyTag: z
      .string()
      .regex(/^\d{4}-Q[1-4]$/, "must be a patch tag such as 2026-Q4")
      .optional(),
    templateId: z.string().min(1).max(40).optional(),
  })
  .strict()
  .refine((b) => (b.partyTag === undefined) !== (b.templateId === undefined), {
    message: "Send partyTag (a production party) or templateId (a template upgrade), one of them.",
  });

export const ChangeListQuerySchema = z.object({
  state: z.enum(["DRAFT", "SUBMITTED", "APPROVED", "REJECTED"], { error: "state is one of DRAFT, SUBMITTED, APPROVED, REJECTED" }).optional(),
  cursor: NewestFirstCursorSchema,
});

export const NotificationQuerySchema = z.object({
  // Lower case as the API's other enums are; upper case (the page's links) still works.
  state: z
    .preprocess(
      (v) => (typeof v === "string" ? v.toUpperCase() : v),
      z.enum(["PENDING", "SENDING", "SENT", "FAILED"], { error: "must be one of pending, sending, sent, failed" }),
    )
    .optional(),
  cursor: NewestFirstCursorSchema,
});
