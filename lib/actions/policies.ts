"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireUser } from "../auth/session";
import { createPolicy, deletePolicy, previewWindows, toSchedules, updatePolicy } from "../data/policies";
import { PolicyInputSchema } from "../validation/policies";
import { invalid, type FormResult, formText } from "./result";

export type WindowPreview = { schedule: string; start: string; end: string }[];

/** intent=preview shows the next ten windows; intent=save creates or updates the policy. */
export async function savePolicyAction(_previous: FormResult<{ preview: WindowPreview }>, form: FormData): Promise<FormResult<{ preview: WindowPreview }>> {
  const user = await requireUser();
  let schedules: unknown;
  try {
    schedules = JSON.parse(formText(form, "schedules") ?? "[]");
  } catch {
    return { ok: false, message: "The schedules could not be read. Reload the page and try again." };
  }
  const parsed = PolicyInputSchema.safeParse({
    name: formText(form, "name") ?? "",
    tags: formText(form, "tags") ?? "",
    schedules,
    revision: formText(form, "revision") || undefined,
  });
  // Each message at its field: a schedule's under "schedules.<i>.<field>" (the form shows it there).
  if (!parsed.success) return invalid<{ preview: WindowPreview }>(parsed.error);
  const now = new Date();
  const preview = previewWindows(toSchedules(parsed.data.schedules, now), now).map((w) => ({
    schedule: w.scheduleName,
    start: w.start.toISOString(),
    end: w.end.toISOString(),
  }));
  if (formText(form, "intent") !== "save")
    return {
      ok: true,
      message: preview.length ? "The next ten upgrade windows. Nothing is saved yet." : "Add a schedule to see its windows.",
      data: { preview },
    };
  const id = z
    .string()
    .max(40)
    .optional()
    .parse(formText(form, "id") || undefined);
  const result = id ? await updatePolicy(user, id, parsed.data, now) : await createPolicy(user, parsed.data, now);
  if (!result.ok) return { ok: false, message: result.message, data: { preview } };
  revalidatePath("/policies");
  redirect(`/policies/${result.value.id}`);
}

export async function deletePolicyAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const id = z.string().min(1).max(40).safeParse(formText(form, "id"));
  if (!id.success) return { ok: false, message: "Which policy? Reload the page." };
  const result = await deletePolicy(user, id.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/policies");
  redirect("/policies");
}
