"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireUser } from "../auth/session";
import { decideChange, openPartyChange, openTemplateChange } from "../data/change-requests";
import { ChangeOpenSchema, DecisionSchema } from "../validation/changes";
import { invalid, type FormResult, formText } from "./result";

const DONE = { submit: "Submitted: approvers have been asked.", approve: "Approved.", reject: "Rejected.", reopen: "Reopened as a draft." } as const;

/** Submit, approve, reject or reopen, from the change's page (intent = the button pressed). */
export async function changeDecisionAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const id = z.string().min(1).max(40).safeParse(formText(form, "id"));
  const intent = z.enum(["submit", "approve", "reject", "reopen"]).safeParse(formText(form, "intent"));
  if (!id.success || !intent.success) return { ok: false, message: "Which change, and what to do? Reload the page." };
  const parsed = DecisionSchema.safeParse({ comment: formText(form, "comment") || undefined, revision: formText(form, "revision") || undefined });
  if (!parsed.success) return invalid(parsed.error);
  const result = await decideChange(user, id.data, intent.data, parsed.data, new Date());
  if (!result.ok)
    return result.code === "comment" ? { ok: false, fieldErrors: { comment: ["Say why, for the record."] } } : { ok: false, message: result.message };
  revalidatePath(`/changes/${id.data}`);
  revalidatePath("/changes");
  return { ok: true, message: DONE[intent.data] };
}

/** Opens the change request of a production party (tag) or a template's upgrade (templateId), then shows it. */
export async function openChangeAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const parsed = ChangeOpenSchema.safeParse({ partyTag: formText(form, "partyTag") || undefined, templateId: formText(form, "templateId") || undefined });
  if (!parsed.success) return { ok: false, message: "Which party or template? Reload the page." };
  const now = new Date();
  const result = parsed.data.partyTag ? await openPartyChange(user, parsed.data.partyTag, now) : await openTemplateChange(user, parsed.data.templateId!, now);
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/changes");
  redirect(`/changes/${result.value.id}`);
}
