"use client";

import { useActionState } from "react";
import type { FormResult } from "@/lib/actions/result";
import { Button } from "./button";

/** "Revoke" for one row (an API token, a subscribe address): posts its id to `action`, says why it was refused. */
export function RevokeButton({
  action: revoke,
  id,
  label,
  variant = "secondary",
}: {
  action: (previous: FormResult, form: FormData) => Promise<FormResult>;
  id: string;
  /** What the button revokes, for a screen reader: "Revoke <label>". */
  label: string;
  variant?: "secondary" | "ghost";
}) {
  const [state, action, pending] = useActionState(revoke, { ok: false });
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant={variant} disabled={pending} aria-label={`Revoke ${label}`}>
        Revoke
      </Button>
      {state.message && !state.ok ? (
        <span role="alert" className="text-xs text-rose-700">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
