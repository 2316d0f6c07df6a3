"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "../auth/session";
import { decideChange } from "../data/change-requests";
import { DecisionSchema } from "../validation/changes";
import { invalid, type FormResult } from "./result";

const field = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
};

const DONE = { submit: "Submitted: approvers have been asked.", approve: "Approved.", reject: "Rejected.", reopen: "Reopened as a draft." } as const;

/** Submit, approve, reject or reopen, from the change's page (intent = the button pressed). */
export async function changeDecisionAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const id = z.string().min(1).max(40).safeParse(field(form, "id"));
  const intent = z.enum(["submit", "approve", "reject", "reopen"]).safeParse(field(form, "intent"));
  if (!id.success || !intent.success) return { ok: false, message: "Which change, and what to do? Reload the page." };
  const parsed = DecisionSchema.safeParse({ comment: field(form, "comment") || undefined, revision: field(form, "revision") || undefined });
  if (!parsed.success) return invalid(parsed.error);
  const result = await decideChange(user, id.data, intent.data, parsed.data, new Date());
  if (!result.ok) return result.code === "comment" ? { ok: false, fieldErrors: { comment: ["Say why, for the record."] } } : { ok: false, message: result.message };
  revalidatePath(`/changes/${id.data}`);
  revalidatePath("/changes");
  return { ok: true, message: DONE[intent.data] };
}
