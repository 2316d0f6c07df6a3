"use server";

import { revalidatePath } from "next/cache";
import { can } from "../auth/permissions";
import { requireUser } from "../auth/session";
import { createApiToken, revokeApiToken } from "../data/api-tokens";
import { getUserByEmail } from "../data/users";
import { formatDateTime } from "../format";
import { CreateApiTokenSchema, RevokeApiTokenSchema } from "../validation/api-tokens";
import { forbidden, invalid, type FormResult, formText } from "./result";

export async function createApiTokenAction(_previous: FormResult<{ secret: string }>, form: FormData): Promise<FormResult<{ secret: string }>> {
  const user = await requireUser();
  if (!can(user, { action: "token:manage" })) return forbidden("Only admins can create API tokens.");
  const parsed = CreateApiTokenSchema.safeParse({
    email: formText(form, "email"),
    name: formText(form, "name"),
    scope: formText(form, "scope"),
    // An emptied field means the default, as a missing one does.
    days: formText(form, "days")?.trim() || undefined,
  });
  if (!parsed.success) return invalid(parsed.error);
  const { email, ...input } = parsed.data;
  const owner = await getUserByEmail(email);
  if (!owner) return { ok: false, fieldErrors: { email: ["No user has this e-mail address."] }, message: "Check the highlighted fields." };
  const token = await createApiToken(owner.id, input, { id: user.id, label: user.email });
  revalidatePath("/admin/tokens");
  return {
    ok: true,
    message: `Token "${token.name}" (${token.scope}) created for ${owner.email}; it expires on ${formatDateTime(token.expiresAt, "UTC")} UTC. Copy it now: it is not shown again.`,
    data: { secret: token.secret },
  };
}

export async function revokeApiTokenAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  if (!can(user, { action: "token:manage" })) return forbidden("Only admins can revoke API tokens.");
  const parsed = RevokeApiTokenSchema.safeParse({ id: formText(form, "id") });
  if (!parsed.success) return invalid(parsed.error);
  const result = await revokeApiToken(parsed.data.id, { id: user.id, label: user.email });
  if (result === "not-found") return { ok: false, message: "That token does not exist." };
  revalidatePath("/admin/tokens");
  return { ok: true, message: result === "revoked" ? "Token revoked." : "That token was already revoked." };
}
