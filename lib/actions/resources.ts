"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "../auth/session";
import { bulkChangeResources, type BulkResult } from "../data/resource-bulk";
import { excludeResource, setResourceGroup, updateResource } from "../data/resource-changes";
import { BulkActionSchema, ConnectionSchema, ExcludeSchema, GroupChangeSchema } from "../validation/resources";
import { invalid, type FormResult, formText } from "./result";

const NameSchema = z.string().min(1).max(300);

export async function excludeResourceAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const name = NameSchema.safeParse(formText(form, "name"));
  const parsed = ExcludeSchema.safeParse({ reason: formText(form, "reason") ?? "", until: formText(form, "until"), revision: formText(form, "revision") });
  if (!name.success) return { ok: false, message: "Which resource? Reload the page and try again." };
  if (!parsed.success) return invalid(parsed.error);
  const result = await excludeResource(user, name.data, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/resources/${encodeURIComponent(name.data)}`);
  return { ok: true, message: "Excluded from the Patch Party." };
}

export async function setResourceGroupAction(_previous: FormResult<{ group: number }>, form: FormData): Promise<FormResult<{ group: number }>> {
  const user = await requireUser();
  const name = NameSchema.safeParse(formText(form, "name"));
  const mode = formText(form, "mode") === "include" ? "include" : "regroup";
  const parsed = GroupChangeSchema.safeParse({
    group: formText(form, "group"),
    revision: formText(form, "revision"),
    overrideReason: formText(form, "overrideReason"),
  });
  if (!name.success) return { ok: false, message: "Which resource? Reload the page and try again." };
  if (!parsed.success) return invalid(parsed.error);
  const result = await setResourceGroup(user, name.data, parsed.data, new Date(), mode);
  if (!result.ok) {
    return {
      ok: false,
      message: result.message,
      fieldErrors: result.code === "cluster-rule" ? { group: [result.message] } : undefined,
      data: { group: parsed.data.group },
    };
  }
  revalidatePath(`/resources/${encodeURIComponent(name.data)}`);
  return {
    ok: true,
    message: mode === "include" ? `Included in the Patch Party, group ${result.value.patchGroup}.` : `Moved to group ${result.value.patchGroup}.`,
  };
}

/** The connection card's form: address, SSH port and user, each empty to clear it. */
export async function updateResourceConnectionAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const name = NameSchema.safeParse(formText(form, "name"));
  const parsed = ConnectionSchema.safeParse({
    address: formText(form, "address"),
    sshPort: formText(form, "sshPort"),
    sshUser: formText(form, "sshUser"),
    revision: formText(form, "revision"),
  });
  if (!name.success) return { ok: false, message: "Which resource? Reload the page and try again." };
  if (!parsed.success) return invalid(parsed.error);
  const result = await updateResource(user, name.data, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/resources/${encodeURIComponent(name.data)}`);
  return {
    ok: true,
    message: result.value.address
      ? `Executors reach it at ${result.value.address}.`
      : "Connection saved: no address, so the ssh and ansible executors cannot reach it.",
  };
}

export async function bulkResourcesAction(_previous: FormResult<BulkResult>, form: FormData): Promise<FormResult<BulkResult>> {
  const user = await requireUser();
  let payload: unknown;
  try {
    payload = JSON.parse(formText(form, "payload") ?? "");
  } catch {
    return { ok: false, message: "The selection could not be read. Reload the page and try again." };
  }
  const withFields = { ...(payload as object), reason: formText(form, "reason"), until: formText(form, "until"), group: formText(form, "group") };
  const parsed = BulkActionSchema.safeParse(withFields);
  if (!parsed.success) return invalid(parsed.error);
  const result = await bulkChangeResources(user, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/resources");
  const { changed, unchanged, refusedCount } = result.value;
  return {
    ok: true,
    message: `${changed} changed, ${unchanged} already so${refusedCount ? `, ${refusedCount} refused` : ""}.`,
    data: result.value,
  };
}
