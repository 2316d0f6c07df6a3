"use client";

import { useActionState } from "react";
import { revokeApiTokenAction } from "@/lib/actions/api-tokens";
import { Button } from "../ui/button";

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState(revokeApiTokenAction, { ok: false });
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" variant="secondary" disabled={pending} aria-label={`Revoke ${name}`}>
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
