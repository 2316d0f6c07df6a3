"use server";

import { DateTime } from "luxon";
import { revalidatePath } from "next/cache";
import { can } from "../auth/permissions";
import { requireUser } from "../auth/session";
import { createFreeze, deleteFreeze } from "../data/freezes";
import { FreezeSchema } from "../validation/freezes";
import { forbidden, invalid, type FormResult, formText } from "./result";

/** A `datetime-local` value read in the viewer's zone, as an ISO-8601 instant (or as sent when it is none, for the schema to refuse). */
function instantIn(value: string | undefined, zone: string | undefined) {
  if (!value) return value;
  const local = DateTime.fromISO(value, { zone: zone || "UTC" });
  return local.isValid ? local.toUTC().toISO() : value;
}

export async function createFreezeAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "freeze:manage" })) return forbidden("Only admins can define freeze periods.");
  const zone = formText(form, "zone");
  const parsed = FreezeSchema.safeParse({
    name: formText(form, "name") ?? "",
    startsAt: instantIn(formText(form, "startsAt"), zone),
    endsAt: instantIn(formText(form, "endsAt"), zone),
    reason: formText(form, "reason") ?? "",
    scope: formText(form, "scope"),
    teams: form.getAll("teams").filter((t): t is string => typeof t === "string" && !t.includes("\u0000")),
  });
  if (!parsed.success) return invalid(parsed.error);
  const result = await createFreeze(user, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/freezes");
  return { ok: true, message: `Freeze "${parsed.data.name}" saved: nothing starts inside it.` };
}

export async function deleteFreezeAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "freeze:manage" })) return forbidden("Only admins can remove freeze periods.");
  const id = formText(form, "id");
  if (!id || id.length > 40) return { ok: false, message: "Which freeze? Reload the page." };
  const result = await deleteFreeze(user, id, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/freezes");
  return { ok: true, message: "Removed." };
}
