"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "../auth/session";
import type { CsvError } from "../data/csv";
import { importManualOutcomes, recordManualOutcomes } from "../data/manual-outcomes";
import { requestRolloutTick } from "../jobs/enqueue";
import { MANUAL_CSV_MAX_BYTES, ManualOutcomeSchema, ManualTargetSchema, type ManualTarget } from "../validation/manual-outcomes";
import { invalid, type FormResult, formText } from "./result";

/** Which party slot or template the form is about, from its hidden fields. */
function targetOf(form: FormData) {
  return ManualTargetSchema.safeParse({
    scope: formText(form, "scope"),
    tag: formText(form, "tag"),
    kind: formText(form, "kind"),
    group: formText(form, "group"),
    templateId: formText(form, "templateId"),
  });
}

const pageOf = (t: ManualTarget) => (t.scope === "slot" ? `/parties/${t.tag}/${t.kind}` : `/templates/${t.templateId}`);

const summary = (r: { succeeded: number; failed: number }) =>
  [r.succeeded ? `${r.succeeded.toLocaleString("en")} patched` : null, r.failed ? `${r.failed.toLocaleString("en")} failed` : null].filter(Boolean).join(", ");

/** "Patched" or "Failed" (with a reason) for the selected members of a party slot or a template. */
export async function recordManualOutcomesAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const target = targetOf(form);
  if (!target.success) return { ok: false, message: "Which party slot or template? Reload the page." };
  // Raw values: the schema refuses a file, or text holding a NUL, by name.
  const parsed = ManualOutcomeSchema.safeParse({
    keys: form.getAll("key"),
    outcome: form.get("outcome") ?? undefined,
    reason: form.get("reason") ?? undefined,
  });
  if (!parsed.success) {
    const result = invalid<undefined>(parsed.error);
    return { ...result, message: result.fieldErrors?.keys?.[0] ?? result.fieldErrors?.reason?.[0] ?? result.fieldErrors?.outcome?.[0] ?? result.message };
  }
  const result = await recordManualOutcomes(user, target.data, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  await requestRolloutTick();
  revalidatePath(pageOf(target.data));
  revalidatePath("/executions/[key]", "page");
  return { ok: true, message: `Recorded: ${summary(result.value)}. The rollout takes them in on its next step.` };
}

/** A CSV of outcomes for a party slot or a template: all rows, or none (errors by line). */
export async function importManualOutcomesAction(_previous: FormResult<CsvError[]>, form: FormData): Promise<FormResult<CsvError[]>> {
  const user = await requireUser();
  const target = targetOf(form);
  if (!target.success) return { ok: false, message: "Which party slot or template? Reload the page." };
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0)
    return { ok: false, message: "Choose a CSV file first.", fieldErrors: { file: ["Choose a CSV file first."] } };
  if (file.size > MANUAL_CSV_MAX_BYTES) return { ok: false, message: "The file is larger than 900 kB: split it.", fieldErrors: { file: ["At most 900 kB."] } };
  const csv = await file.text();
  if (csv.includes("\u0000")) return { ok: false, message: "That is not a CSV file (it holds NUL characters).", fieldErrors: { file: ["Not a CSV file."] } };
  const result = await importManualOutcomes(user, target.data, csv, new Date());
  if (!result.ok) return { ok: false, message: result.message, data: result.errors };
  await requestRolloutTick();
  revalidatePath(pageOf(target.data));
  return { ok: true, message: `Recorded from the file: ${summary(result)}. The rollout takes them in on its next step.` };
}
