"use client";

import { useActionState } from "react";
import type { FormResult } from "@/lib/actions/result";
import { Button } from "./button";

/**
 * One action on one row ("Revoke" an API token or a subscribe address, "Unlock" a person): posts
 * its id to `action`, says what happened or why it was refused.
 */
export function RevokeButton({
  action: revoke,
  id,
  label,
  verb = "Revoke",
  variant = "secondary",
}: {
  action: (previous: FormResult, form: FormData) => Promise<FormResult>;
  id: string;
  /** What the button acts on, for a screen reader: "Revoke <label>". */
  label: string;
  verb?: string;
  variant?: "primary" | "secondary" | "ghost";
}) {
  const [state, action, pending] = useActionState(revoke, { ok: false });
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant={variant} disabled={pending} aria-label={`${verb} ${label}`}>
        {verb}
      </Button>
      {state.message && !state.ok ? (
        <span role="alert" className="text-xs text-rose-700">
          {state.message}
        </span>
      ) : null}
      {state.message && state.ok ? (
        <span role="status" className="text-xs text-emerald-700">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
