"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "../auth/session";
import { holdParty, releaseParty } from "../data/party-hold";
import { invalid, type FormResult } from "./result";

const HoldSchema = z.object({
  tag: z.string().regex(/^\d{4}-Q[1-4]$/, "Which party? Reload the page."),
  intent: z.enum(["hold", "release"]),
  reason: z.string().trim().max(500, "At most 500 characters.").optional(),
});

/** Holds (with a reason) or releases a production party, from its page. */
export async function partyHoldAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const parsed = HoldSchema.safeParse({ tag: form.get("tag"), intent: form.get("intent"), reason: form.get("holdReason") ?? undefined });
  if (!parsed.success) return invalid(parsed.error);
  const { tag, intent, reason } = parsed.data;
  if (intent === "hold" && (!reason || reason.length < 3)) return { ok: false, fieldErrors: { holdReason: ["Say why it is held, in at least 3 characters."] } };
  const now = new Date();
  const result = intent === "hold" ? await holdParty(user, tag, reason!, now) : await releaseParty(user, tag, now);
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/parties/${tag}/production`);
  return { ok: true, message: intent === "hold" ? "Held: the party will not start until it is released." : "Released." };
}
