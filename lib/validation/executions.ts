// The executions API: what an executor, an automation or a person reports about one member's
// upgrade, and the filters of the list.
import { z } from "zod";
import { numberInput } from "./common";

export const EXECUTION_MESSAGE_MAX = 2_000;
/** What may be sent; the last 64 kB of it is kept (lib/domain/redact.ts). */
export const EXECUTION_OUTPUT_MAX_BYTES = 1024 * 1024;
export const EXECUTION_PACKAGES_MAX = 10_000;
export const PACKAGE_TEXT_MAX = 200;
export const EXECUTION_LIST_LIMIT_MAX = 200;

const noNul = (text: string) => !text.includes("\u0000");

const packageText = z
  .string({ error: "must be text" })
  .max(PACKAGE_TEXT_MAX, `must be at most ${PACKAGE_TEXT_MAX} characters`)
  .refine(noNul, "must not hold a NUL character");

/** A package the upgrade changed; `from` null = newly installed, `to` null = removed. */
const PackageChangeSchema = z
  .object({
    name: packageText.refine((name) => name.trim() !== "", "must name the package"),
    from: packageText.nullable().default(null),
    to: packageText.nullable().default(null),
  })
  .strict();

export const ExecutionReportSchema = z
  .object({
    state: z.enum(["running", "succeeded", "failed"], { error: "must be running, succeeded or failed" }),
    message: z
      .string({ error: "must be text" })
      .max(EXECUTION_MESSAGE_MAX, `must be at most ${EXECUTION_MESSAGE_MAX.toLocaleString("en")} characters`)
      .refine(noNul, "must not hold a NUL character")
      .optional(),
    output: z
      .string({ error: "must be text" })
      .max(EXECUTION_OUTPUT_MAX_BYTES, "must be at most 1 MB (the last 64 kB are kept)")
      .refine((text) => new TextEncoder().encode(text).length <= EXECUTION_OUTPUT_MAX_BYTES, "must be at most 1 MB (the last 64 kB are kept)")
      .optional(),
    packages: z
      .array(PackageChangeSchema, { error: "must be a list of { name, from, to }" })
      .max(EXECUTION_PACKAGES_MAX, `must be at most ${EXECUTION_PACKAGES_MAX.toLocaleString("en")} entries`)
      .optional(),
    rebootRequired: z.boolean({ error: "must be true or false" }).optional(),
    rebooted: z.boolean({ error: "must be true or false" }).optional(),
    healthCheck: z.enum(["passed", "failed"], { error: "must be passed or failed" }).optional(),
    exitStatus: z
      .number({ error: "must be a whole number" })
      .int("must be a whole number")
      .min(-2_147_483_648, "must be a 32-bit whole number")
      .max(2_147_483_647, "must be a 32-bit whole number")
      .optional(),
  })
  .strict();
export type ExecutionReportInput = z.infer<typeof ExecutionReportSchema>;

export const EXECUTION_STATES = ["queued", "running", "succeeded", "failed", "skipped"] as const;

/** GET /api/v1/executions: a party slot's (`party` + `kind`, `group` optional) or a template's executions. */
export const ExecutionListQuerySchema = z
  .object({
    party: z
      .string()
      .regex(/^\d{4}-Q[1-4]$/, "must be a patch tag such as 2026-Q4")
      .optional(),
    kind: z.enum(["qa", "production"], { error: "must be qa or production" }).optional(),
    group: numberInput(
      z
        .number({ error: "must be a whole number from 1 to 99" })
        .int("must be a whole number from 1 to 99")
        .min(1, "must be a whole number from 1 to 99")
        .max(99, "must be a whole number from 1 to 99"),
    ).optional(),
    template: z.string().min(1, "must be a template id").max(40, "must be a template id").refine(noNul, "must be a template id").optional(),
    state: z.enum(EXECUTION_STATES, { error: `must be one of ${EXECUTION_STATES.join(", ")}` }).optional(),
    limit: numberInput(
      z
        .number({ error: "must be a whole number" })
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(EXECUTION_LIST_LIMIT_MAX, `must be at most ${EXECUTION_LIST_LIMIT_MAX}`),
    ).default(50),
    cursor: z
      .string()
      .min(1, "use the previous page's nextCursor")
      .max(300, "use the previous page's nextCursor")
      .refine(noNul, "use the previous page's nextCursor")
      .optional(),
  })
  .superRefine((q, ctx) => {
    if ((q.party === undefined) === (q.template === undefined)) {
      ctx.addIssue({ code: "custom", message: "Send party (with kind) or template, one of them." });
    } else if (q.party !== undefined && q.kind === undefined) {
      ctx.addIssue({ code: "custom", path: ["kind"], message: "must be qa or production (with party)" });
    } else if (q.template !== undefined && (q.kind !== undefined || q.group !== undefined)) {
      ctx.addIssue({ code: "custom", path: [q.kind !== undefined ? "kind" : "group"], message: "goes with party, not with template" });
    }
  });
export type ExecutionListQuery = z.infer<typeof ExecutionListQuerySchema>;
