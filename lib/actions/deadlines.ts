"use server";

import { revalidatePath } from "next/cache";
import { can } from "../auth/permissions";
import { requireUser } from "../auth/session";
import { saveDeadlines } from "../data/deadlines";
import { DEADLINE_FIELDS, DeadlinesSchema } from "../validation/deadlines";
import { forbidden, invalid, type FormResult } from "./result";

/** The compliance page's deadline form: days per severity ("" for no deadline) and the revision the page was loaded at. */
export async function saveDeadlinesAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  // A field the request leaves out keeps its setting. The raw value goes to the schema, which
  // refuses anything but numeric text or "": a file, or text holding a NUL.
  const parsed = DeadlinesSchema.safeParse(Object.fromEntries([...DEADLINE_FIELDS, "revision"].filter((k) => form.has(k)).map((k) => [k, form.get(k)])));
  if (!parsed.success) return invalid(parsed.error);
  if (!can(user, { action: "deadlines:edit" })) return forbidden("Only admins change the update deadlines.");
  const result = await saveDeadlines(user, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/compliance");
  return { ok: true, message: "Saved: the compliance figures use these deadlines from now on." };
}
