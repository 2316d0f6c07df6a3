"use client";

import { useActionState } from "react";
import { scanNowAction } from "@/lib/actions/updates";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";

/** "Scan now" on a server's page (its owners and admins, when the slots' executor reaches servers). */
export function ScanButton({ name }: { name: string }) {
  const [state, action, pending] = useActionState(scanNowAction, { ok: false });
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="name" value={name} />
      <Button type="submit" variant="secondary" disabled={pending} className="px-2 py-1 text-xs">
        {pending ? "Queuing…" : "Scan now"}
      </Button>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
    </form>
  );
}
