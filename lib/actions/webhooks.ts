"use server";

import { revalidatePath } from "next/cache";
import { can } from "../auth/permissions";
import { requireUser } from "../auth/session";
import { createWebhook, deleteWebhook, resendDelivery, updateWebhook } from "../data/webhooks";
import { WebhookCreateSchema, isWebhookId } from "../validation/webhooks";
import { forbidden, invalid, type FormResult, formText } from "./result";

const FORBIDDEN = "Only admins manage webhooks.";
const PAGE = "/admin/webhooks";

/** Registers an endpoint; a standard one's secret comes back in `data`, shown this once. */
export async function createWebhookAction(_previous: FormResult<{ secret: string | null }>, form: FormData): Promise<FormResult<{ secret: string | null }>> {
  const user = await requireUser();
  if (!can(user, { action: "webhook:manage" })) return forbidden(FORBIDDEN);
  const all = formText(form, "all") === "on";
  const parsed = WebhookCreateSchema.safeParse({
    url: formText(form, "url") ?? "",
    kind: formText(form, "kind"),
    events: all ? ["*"] : form.getAll("events").filter((e): e is string => typeof e === "string" && !e.includes("\u0000")),
    description: formText(form, "description") ?? "",
  });
  if (!parsed.success) return invalid(parsed.error);
  const result = await createWebhook(user, parsed.data, new Date());
  if (!result.ok)
    return { ok: false, message: result.message, fieldErrors: result.message.startsWith("url: ") ? { url: [result.message.slice(5)] } : undefined };
  revalidatePath(PAGE);
  return {
    ok: true,
    message: result.value.secret
      ? "Webhook registered. Copy its signing secret now: it is not shown again."
      : "Webhook registered: events are posted to it as they happen.",
    data: { secret: result.value.secret },
  };
}

/** Pauses an endpoint: nothing is recorded or sent for it until it is resumed. */
export async function pauseWebhookAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  return setPaused(form, true);
}

/** Resumes a paused endpoint: what waited is sent now. */
export async function resumeWebhookAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  return setPaused(form, false);
}

async function setPaused(form: FormData, paused: boolean): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "webhook:manage" })) return forbidden(FORBIDDEN);
  const id = formText(form, "id");
  if (!id || !isWebhookId(id)) return { ok: false, message: "Which webhook? Reload the page." };
  const result = await updateWebhook(user, id, { paused }, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(PAGE);
  return { ok: true, message: paused ? "Paused." : "Resumed: what waited is sent now." };
}

export async function deleteWebhookAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "webhook:manage" })) return forbidden(FORBIDDEN);
  const id = formText(form, "id");
  if (!id || !isWebhookId(id)) return { ok: false, message: "Which webhook? Reload the page." };
  const result = await deleteWebhook(user, id, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(PAGE);
  return { ok: true, message: "Deleted." };
}

/** Sends a delivery again from its first try; `id` is "<endpoint id>:<delivery id>". */
export async function resendDeliveryAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "webhook:manage" })) return forbidden(FORBIDDEN);
  const [endpointId, deliveryId] = (formText(form, "id") ?? "").split(":");
  if (!endpointId || !deliveryId || !isWebhookId(endpointId) || !isWebhookId(deliveryId)) return { ok: false, message: "Which delivery? Reload the page." };
  const result = await resendDelivery(user, endpointId, deliveryId, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(PAGE);
  return { ok: true, message: "Queued: it is sent again in a moment." };
}
