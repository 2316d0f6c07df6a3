"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { can } from "../auth/permissions";
import { requireUser } from "../auth/session";
import { applySync, createSource, deleteSource, discardSync, previewMapping, startSync, updateSource, type MappingPreview } from "../data/inventory";
import type { Mapping } from "../domain/inventory";
import { firstIssue } from "../validation/common";
import {
  EXAMPLE_MAPPING,
  EXAMPLE_NETBOX_MAPPING,
  InventorySourceCreateSchema,
  InventorySourceUpdateSchema,
  isSourceId,
  MappingSchema,
  MappingTextSchema,
} from "../validation/inventory";
import { forbidden, invalid, type FormResult, formText } from "./result";

const FORBIDDEN = "Only admins manage inventory sources.";
const LIST = "/admin/inventory";
const page = (id: string) => `${LIST}/${id}`;

const interval = (form: FormData) => {
  const text = formText(form, "intervalMinutes")?.trim() ?? "";
  return text === "" ? null : /^\d{1,6}$/.test(text) ? Number(text) : text;
};

/** Adds a source with the example mapping for its kind; the admin then edits the mapping on its page. */
export async function createSourceAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "inventory:manage" })) return forbidden(FORBIDDEN);
  const kind = formText(form, "kind");
  const token = formText(form, "token")?.trim() || undefined;
  const parsed = InventorySourceCreateSchema.safeParse({
    name: formText(form, "name") ?? "",
    kind,
    config:
      kind === "netbox"
        ? { url: formText(form, "url") ?? "", filter: formText(form, "filter") ?? "" }
        : { fileName: formText(form, "fileName") ?? "", text: formText(form, "text") ?? "" },
    mapping: kind === "netbox" ? EXAMPLE_NETBOX_MAPPING : EXAMPLE_MAPPING,
    intervalMinutes: interval(form),
    autoApply: formText(form, "autoApply") === "on",
    ...(token ? { token } : {}),
  });
  if (!parsed.success) return invalid(parsed.error, (path) => path.replace(/^config\./, ""));
  const result = await createSource(user, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(LIST);
  redirect(page(result.value.id));
}

/** Saves a source's settings (and its token when one is typed: an empty field keeps the one set). */
export async function updateSourceSettingsAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "inventory:manage" })) return forbidden(FORBIDDEN);
  const id = formText(form, "id") ?? "";
  if (!isSourceId(id)) return { ok: false, message: "Which source? Reload the page." };
  const kind = formText(form, "kind");
  const token = formText(form, "token")?.trim();
  const text = formText(form, "text");
  const parsed = InventorySourceUpdateSchema.safeParse({
    name: formText(form, "name") ?? "",
    config:
      kind === "netbox"
        ? { url: formText(form, "url") ?? "", filter: formText(form, "filter") ?? "" }
        : { fileName: formText(form, "fileName") ?? "", ...(text !== undefined && text !== "" ? { text } : {}) },
    intervalMinutes: interval(form),
    autoApply: formText(form, "autoApply") === "on",
    ...(token ? { token } : formText(form, "removeToken") === "on" ? { token: null } : {}),
    revision: formText(form, "revision"),
  });
  if (!parsed.success) return invalid(parsed.error);
  const result = await updateSource(user, id, parsed.data, new Date());
  if (!result.ok) {
    const field = /^(\w+)(?:\.(\w+))?: /.exec(result.message);
    return { ok: false, message: result.message, fieldErrors: field ? { [field[2] ?? field[1]!]: [result.message.slice(field[0].length)] } : undefined };
  }
  revalidatePath(page(id));
  return { ok: true, message: "Saved." };
}

function mappingOf(form: FormData): { ok: true; mapping: Mapping } | { ok: false; result: FormResult<MappingPreview> } {
  const text = MappingTextSchema.safeParse(formText(form, "mapping") ?? "");
  if (!text.success)
    return { ok: false, result: { ok: false, message: "The mapping must be JSON, like the example.", fieldErrors: { mapping: ["must be JSON"] } } };
  const parsed = MappingSchema.safeParse(text.data);
  if (!parsed.success) return { ok: false, result: { ok: false, message: firstIssue(parsed.error), fieldErrors: { mapping: [firstIssue(parsed.error)] } } };
  return { ok: true, mapping: parsed.data };
}

/** "Preview mapping" (the mapping being edited, not saved) or "Save mapping", by the button pressed (`intent`). */
export async function mappingAction(_previous: FormResult<MappingPreview>, form: FormData): Promise<FormResult<MappingPreview>> {
  const user = await requireUser();
  if (!can(user, { action: "inventory:manage" })) return forbidden(FORBIDDEN);
  const id = formText(form, "id") ?? "";
  if (!isSourceId(id)) return { ok: false, message: "Which source? Reload the page." };
  const mapping = mappingOf(form);
  if (!mapping.ok) return mapping.result;
  if (formText(form, "intent") === "save") {
    const result = await updateSource(user, id, { mapping: mapping.mapping, revision: Number(formText(form, "revision")) || undefined }, new Date());
    if (!result.ok) return { ok: false, message: result.message };
    revalidatePath(page(id));
    return { ok: true, message: "Mapping saved. Preview a sync to see what it changes." };
  }
  const preview = await previewMapping(user, id, mapping.mapping);
  if (!preview.ok) return { ok: false, message: preview.message };
  const p = preview.value;
  return {
    ok: true,
    message: `${p.hosts} host(s) read; ${p.errorCount} could not be mapped. Nothing was saved.`,
    data: p,
  };
}

export async function deleteSourceAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "inventory:manage" })) return forbidden(FORBIDDEN);
  const id = formText(form, "id") ?? "";
  if (!isSourceId(id)) return { ok: false, message: "Which source? Reload the page." };
  const result = await deleteSource(user, id, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(LIST);
  redirect(LIST);
}

/** "Preview sync": reads the source now and records what a sync would do. */
export async function previewSyncAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "inventory:manage" })) return forbidden(FORBIDDEN);
  const id = formText(form, "id") ?? "";
  if (!isSourceId(id)) return { ok: false, message: "Which source? Reload the page." };
  const result = await startSync(user, id, { actor: { id: user.id, label: user.email }, trigger: "person", apply: false }, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(page(id));
  const s = result.value;
  if (s.state === "FAILED") return { ok: false, message: s.error ?? "The source could not be read." };
  return {
    ok: true,
    message: s.state === "APPLIED" ? "Nothing changed in the source since the last sync." : "Preview ready: check it below, then apply or discard it.",
  };
}

/** "Apply" or "Discard" a preview; `id` is "<source id>:<sync id>". */
async function decide(form: FormData, apply: boolean): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "inventory:manage" })) return forbidden(FORBIDDEN);
  const [sourceId = "", syncId = ""] = (formText(form, "id") ?? "").split(":");
  if (!isSourceId(sourceId) || !isSourceId(syncId)) return { ok: false, message: "Which sync? Reload the page." };
  const now = new Date();
  const result = apply ? await applySync(user, sourceId, syncId, { id: user.id, label: user.email }, now) : await discardSync(user, sourceId, syncId, now);
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(page(sourceId));
  return { ok: true, message: apply ? "Applied." : "Discarded." };
}

export async function applySyncAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  return decide(form, true);
}

export async function discardSyncAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  return decide(form, false);
}
