// Outcomes that people record for members nothing runs (the manual executor, or a run an operator
// finishes by hand): a selection on the party slot's or the template's page, or a CSV upload.
import { z } from "zod";
import { EXECUTION_MESSAGE_MAX } from "./executions";
import { KindSchema, TagSchema } from "./party-rule";

/** A page shows 50 members at a time; a selection is at most a page or two. */
export const MANUAL_SELECTION_MAX = 200;
/** Server actions take 1 MB bodies (Next's default): a CSV above this is split. */
export const MANUAL_CSV_MAX_BYTES = 900_000;
export const MANUAL_CSV_MAX_ROWS = 10_000;
const KEY_MAX = 300;

const noNul = (text: string) => !text.includes("\u0000");

/** Where the members are: one party slot, or one template (its executions, current run first). */
export const ManualTargetSchema = z.discriminatedUnion(
  "scope",
  [
    z.object({
      scope: z.literal("slot"),
      tag: TagSchema,
      kind: KindSchema,
      group: z.enum(["1", "2", "3"], { error: "group is 1, 2 or 3" }).transform(Number),
    }),
    z.object({
      scope: z.literal("template"),
      templateId: z
        .string({ error: "Which template? Reload the page." })
        .min(1, "Which template? Reload the page.")
        .max(40, "Which template? Reload the page."),
    }),
  ],
  { error: "Which party slot or template? Reload the page." },
);
export type ManualTarget = z.infer<typeof ManualTargetSchema>;

export const ManualReasonSchema = z
  .string({ error: "The reason is text." })
  .trim()
  .max(EXECUTION_MESSAGE_MAX, `At most ${EXECUTION_MESSAGE_MAX.toLocaleString("en")} characters.`)
  .refine(noNul, "The reason must not hold a NUL character.");

export const MANUAL_OUTCOMES = ["patched", "failed"] as const;

/** "Patched" or "Failed" for the selected members; a failure says why. */
export const ManualOutcomeSchema = z
  .object({
    keys: z
      .array(z.string().min(1).max(KEY_MAX, "That is not an execution's key."), { error: "Select at least one member." })
      .min(1, "Select at least one member.")
      .max(MANUAL_SELECTION_MAX, `Select at most ${MANUAL_SELECTION_MAX} members at a time.`)
      .transform((keys) => [...new Set(keys)]),
    outcome: z.enum(MANUAL_OUTCOMES, { error: "Choose Patched or Failed." }),
    reason: ManualReasonSchema.default(""),
  })
  .superRefine((input, ctx) => {
    if (input.outcome === "failed" && input.reason === "")
      ctx.addIssue({ code: "custom", path: ["reason"], message: "Say why it failed: the reason is kept with the outcome." });
  });
export type ManualOutcomeInput = z.infer<typeof ManualOutcomeSchema>;

/** A CSV row's state: what an operator would write. */
const CSV_STATES: Record<string, "succeeded" | "failed"> = {
  patched: "succeeded",
  succeeded: "succeeded",
  success: "succeeded",
  ok: "succeeded",
  failed: "failed",
  failure: "failed",
};

/** One row of `key,state,message` or `member,state,message`, after the header. */
export const ManualCsvRowSchema = z
  .object({
    key: z.string().trim().max(KEY_MAX, "That is not an execution's key.").refine(noNul, "must not hold a NUL character").optional(),
    member: z.string().trim().max(200, "A member name has at most 200 characters.").refine(noNul, "must not hold a NUL character").optional(),
    state: z
      .string()
      .trim()
      .toLowerCase()
      .refine((s) => s in CSV_STATES, "state is patched or failed")
      .transform((s) => CSV_STATES[s]!),
    message: ManualReasonSchema.optional().default(""),
  })
  .superRefine((row, ctx) => {
    if (!row.key && !row.member)
      ctx.addIssue({ code: "custom", path: [row.key === undefined && row.member !== undefined ? "member" : "key"], message: "is empty" });
    if (row.state === "failed" && row.message === "") ctx.addIssue({ code: "custom", path: ["message"], message: "say why it failed" });
  });
export type ManualCsvRow = z.infer<typeof ManualCsvRowSchema>;

export const MANUAL_CSV_HEADERS = [
  ["key", "state", "message"],
  ["member", "state", "message"],
] as const;
