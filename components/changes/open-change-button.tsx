"use client";

import { useActionState } from "react";
import { openChangeAction } from "@/lib/actions/changes";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";

export function OpenChangeButton({ open }: { open: { partyTag: string } | { templateId: string } }) {
  const [state, action, pending] = useActionState(openChangeAction, { ok: false });
  return (
    <form action={action} className="space-y-2">
      {"partyTag" in open ? <input type="hidden" name="partyTag" value={open.partyTag} /> : <input type="hidden" name="templateId" value={open.templateId} />}
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Opening…" : "Open a change request"}
      </Button>
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}
