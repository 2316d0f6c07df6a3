"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "../auth/session";
import { approveForProduction } from "../data/tested-sets";
import { requestScan } from "../data/update-scans";
import { ApprovePackageSchema } from "../validation/tested-sets";
import { TagSchema } from "../validation/party-rule";
import { invalid, type FormResult, formText } from "./result";

/** "Scan now" on a server's page: queued for the job runner; the page shows the result when it lands. */
export async function scanNowAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const name = z.string().min(1).max(200).safeParse(formText(form, "name"));
  if (!name.success) return { ok: false, message: "Which server? Reload the page." };
  const result = await requestScan(user, name.data);
  if (!result.ok) return { ok: false, message: result.message };
  return { ok: true, message: `Scan queued: the ${result.value.executor} executor asks the server now; reload in a minute for the result.` };
}

/** An admin lets a held-back version through to the production party, from its page. */
export async function approvePackageAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const tag = TagSchema.safeParse(formText(form, "tag"));
  if (!tag.success) return { ok: false, message: "Which party? Reload the page." };
  const parsed = ApprovePackageSchema.safeParse({
    release: formText(form, "release") ?? "",
    package: formText(form, "package"),
    version: formText(form, "version"),
    reason: formText(form, "reason"),
  });
  if (!parsed.success) return invalid(parsed.error);
  const result = await approveForProduction(user, tag.data, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/parties/${tag.data}/production`);
  return { ok: true, message: `${parsed.data.package} ${parsed.data.version} joins what production installs.` };
}
