"use client";

import { useActionState } from "react";
import { changePasswordAction } from "@/lib/actions/users";
import { PASSWORD_MIN } from "@/lib/validation/users";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

/** Changing one's own password: every session ends, this one too, and they sign in again. */
export function PasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, { ok: false });
  return (
    <form action={action} className="space-y-4">
      <Field label="Current password" name="current" type="password" autoComplete="current-password" required error={state.fieldErrors?.current?.[0]} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="New password"
          name="next"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          hint={`At least ${PASSWORD_MIN} characters.`}
          error={state.fieldErrors?.next?.[0]}
        />
        <Field label="New password again" name="confirm" type="password" autoComplete="new-password" required error={state.fieldErrors?.confirm?.[0]} />
      </div>
      <div aria-live="polite">{state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}</div>
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password and sign out everywhere"}
      </Button>
    </form>
  );
}
