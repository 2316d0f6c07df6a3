"use client";

import { useActionState } from "react";
import { changeRoleAction, resetSecondFactorAction, signOutEverywhereAction, unlockUserAction } from "@/lib/actions/users";
import { ROLE_LABELS, type Role } from "@/lib/auth/permissions";
import { Button } from "../ui/button";
import { inputClass } from "../ui/field";
import { RevokeButton } from "../ui/revoke-button";

const ROLES = Object.keys(ROLE_LABELS) as Role[];

/** A person's role, changed in place: their sessions end, so their next page is read with it. */
export function RoleForm({ id, email, role }: { id: string; email: string; role: Role }) {
  const [state, action, pending] = useActionState(changeRoleAction, { ok: false });
  return (
    <form action={action} className="flex flex-col gap-1">
      <input type="hidden" name="id" value={id} />
      <label htmlFor={`role-${id}`} className="sr-only">
        Role of {email}
      </label>
      <div className="flex items-center gap-2">
        <select id={`role-${id}`} name="role" defaultValue={role.toLowerCase()} className={`${inputClass} w-auto min-w-36`}>
          {ROLES.map((r) => (
            <option key={r} value={r.toLowerCase()}>
              {ROLE_LABELS[r].replace(/ \(.*\)$/, "")}
            </option>
          ))}
        </select>
        <Button type="submit" variant="secondary" disabled={pending} aria-label={`Save the role of ${email}`}>
          Save
        </Button>
      </div>
      {state.message ? (
        <span role={state.ok ? "status" : "alert"} className={`text-xs ${state.ok ? "text-emerald-700" : "text-rose-700"}`}>
          {state.message}
        </span>
      ) : null}
    </form>
  );
}

export function SignOutEverywhereButton({ id, email }: { id: string; email: string }) {
  return <RevokeButton action={signOutEverywhereAction} id={id} label={`every session of ${email}`} verb="Sign out everywhere" variant="ghost" />;
}

export function UnlockButton({ id, email }: { id: string; email: string }) {
  return <RevokeButton action={unlockUserAction} id={id} label={email} verb="Unlock" />;
}

export function ResetSecondFactorButton({ id, email }: { id: string; email: string }) {
  return <RevokeButton action={resetSecondFactorAction} id={id} label={`the two-factor sign-in of ${email}`} verb="Turn off two-factor" variant="ghost" />;
}
