"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "../auth/session";
import { holdParty, releaseParty } from "../data/party-hold";
import { requestRolloutTick } from "../jobs/enqueue";
import { resumeSlotRun } from "../data/runs";
import { invalid, type FormResult, formText } from "./result";

const HoldSchema = z.object({
  tag: z.string().regex(/^\d{4}-Q[1-4]$/, "Which party? Reload the page."),
  intent: z.enum(["hold", "release"]),
  reason: z.string().trim().max(500, "At most 500 characters.").optional(),
});

/** Holds (with a reason) or releases a production party, from its page. */
export async function partyHoldAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const parsed = HoldSchema.safeParse({ tag: formText(form, "tag"), intent: formText(form, "intent"), reason: formText(form, "holdReason") ?? undefined });
  if (!parsed.success) return invalid(parsed.error);
  const { tag, intent, reason } = parsed.data;
  if (intent === "hold" && (!reason || reason.length < 3)) return { ok: false, fieldErrors: { holdReason: ["Say why it is held, in at least 3 characters."] } };
  const now = new Date();
  const result = intent === "hold" ? await holdParty(user, tag, reason!, now) : await releaseParty(user, tag, now);
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/parties/${tag}/production`);
  return { ok: true, message: intent === "hold" ? "Held: the party will not start until it is released." : "Released." };
}

/** Resumes a party slot's rollout halted by its failure threshold. */
export async function resumeSlotAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const parsed = z
    .object({ runId: z.string().min(1).max(80), tag: z.string().regex(/^\d{4}-Q[1-4]$/), kind: z.enum(["qa", "production"]) })
    .safeParse({ runId: formText(form, "runId"), tag: formText(form, "tag"), kind: formText(form, "kind") });
  if (!parsed.success) return { ok: false, message: "Which slot? Reload the page." };
  const result = await resumeSlotRun(user, parsed.data.runId, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  await requestRolloutTick();
  revalidatePath(`/parties/${parsed.data.tag}/${parsed.data.kind}`);
  return { ok: true, message: "Resumed." };
}
