"use server";

import { revalidatePath } from "next/cache";
import { requireUser } from "../auth/session";
import { saveSlotExecution, saveSlotRollout } from "../data/slot-rollout";
import { EXECUTION_FIELDS, ExecutionSettingsSchema, SlotRolloutSchema } from "../validation/templates";
import { invalid, type FormResult } from "./result";

const FIELDS = ["concurrency", "concurrencyPercent", "canaryPercent", "maxFailures", "maxFailurePercent"] as const;

export async function saveSlotRolloutAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  // A field the request leaves out keeps its setting ("" clears a limit). The raw value goes to the
  // schema, which refuses anything but numeric text: a file, or text holding a NUL.
  const parsed = SlotRolloutSchema.safeParse(Object.fromEntries(FIELDS.filter((k) => form.has(k)).map((k) => [k, form.get(k)])));
  if (!parsed.success) return invalid(parsed.error);
  const result = await saveSlotRollout(user, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/admin/party-rule");
  return { ok: true, message: "Saved: slots that start from now on roll out this way." };
}

/** The slots' executor, hooks, cutoff and member timeout; a field the request leaves out keeps its setting ("" = default / none). */
export async function saveSlotExecutionAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const parsed = ExecutionSettingsSchema.safeParse(Object.fromEntries(EXECUTION_FIELDS.filter((k) => form.has(k)).map((k) => [k, form.get(k)])));
  if (!parsed.success) return invalid(parsed.error);
  const result = await saveSlotExecution(user, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message, fieldErrors: result.code === "executor" ? { executor: [result.message] } : undefined };
  revalidatePath("/admin/party-rule");
  revalidatePath("/admin/execution");
  return { ok: true, message: "Saved: slot members that start from now on are executed this way." };
}
