"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientAddress } from "../auth/client-address";
import { env } from "../env";
import { requireSignedIn, requireUser } from "../auth/session";
import { changeOwnPassword, changeRole, resetSecondFactor, signOutEverywhere, unlockUser } from "../data/user-admin";
import { PasswordChangeSchema, RoleChangeSchema, UserIdSchema } from "../validation/users";
import { invalid, type FormResult, formText } from "./result";

export async function changeRoleAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const parsed = RoleChangeSchema.safeParse({ id: formText(form, "id"), role: formText(form, "role") });
  if (!parsed.success) return invalid(parsed.error);
  const result = await changeRole(user, parsed.data.id, parsed.data.role, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/admin/users");
  return { ok: true, message: result.value.changed ? "Role changed; their sessions ended." : "That was already their role." };
}

export async function signOutEverywhereAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const parsed = UserIdSchema.safeParse({ id: formText(form, "id") });
  if (!parsed.success) return invalid(parsed.error);
  const result = await signOutEverywhere(user, parsed.data.id, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  if (parsed.data.id === user.id) redirect("/signin");
  return { ok: true, message: "Signed out everywhere." };
}

export async function unlockUserAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const parsed = UserIdSchema.safeParse({ id: formText(form, "id") });
  if (!parsed.success) return invalid(parsed.error);
  const result = await unlockUser(user, parsed.data.id, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/admin/users");
  return { ok: true, message: result.value.wasLocked ? "Unlocked." : "They were not locked." };
}

/** An admin turns off someone's two-factor sign-in (they lost their app and their recovery codes). */
export async function resetSecondFactorAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const parsed = UserIdSchema.safeParse({ id: formText(form, "id") });
  if (!parsed.success) return invalid(parsed.error);
  const result = await resetSecondFactor(user, parsed.data.id, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/admin/users");
  return { ok: true, message: result.value.wasOn ? "Two-factor sign-in is off for them; their sessions ended." : "It was not on." };
}

/**
 * Every signed-in person may change their own password; all their sessions end, this one too. On
 * the account page, so open to a session still without the second factor its role needs.
 */
export async function changePasswordAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const { user } = await requireSignedIn();
  const parsed = PasswordChangeSchema.safeParse({ current: formText(form, "current"), next: formText(form, "next"), confirm: formText(form, "confirm") });
  if (!parsed.success) return invalid(parsed.error);
  const address = clientAddress(await headers(), env().PATCHPARTY_TRUSTED_PROXIES);
  const result = await changeOwnPassword(user, parsed.data.current, parsed.data.next, address, new Date());
  if (!result.ok)
    return result.code === "wrong-password"
      ? { ok: false, message: "Check the highlighted fields.", fieldErrors: { current: [result.message] } }
      : { ok: false, message: result.message };
  redirect("/signin?changed=password");
}
