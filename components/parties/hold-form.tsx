"use client";

import { useActionState } from "react";
import { partyHoldAction, resumeSlotAction } from "@/lib/actions/party-hold";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

/** Hold a production party with a reason, or release it. */
export function HoldForm({ tag, held }: { tag: string; held: boolean }) {
  const [state, action] = useActionState(partyHoldAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  return (
    <form onSubmit={onSubmit} className="space-y-2" noValidate>
      <input type="hidden" name="tag" value={tag} />
      {held ? (
        <Button type="submit" name="intent" value="release" variant="secondary" disabled={pending}>
          Release the hold
        </Button>
      ) : (
        <div className="flex items-end gap-2">
          <Field
            label="Reason to hold"
            name="holdReason"
            maxLength={500}
            className="grow"
            placeholder="QA failures above 2 %"
            error={state.fieldErrors?.holdReason?.[0]}
          />
          <Button type="submit" name="intent" value="hold" variant="danger" disabled={pending}>
            Hold production
          </Button>
        </div>
      )}
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
    </form>
  );
}

export function ResumeSlotButton({ runId, tag, kind }: { runId: string; tag: string; kind: string }) {
  const [state, action, pending] = useActionState(resumeSlotAction, { ok: false });
  return (
    <form action={action} className="mt-1 space-y-1">
      <input type="hidden" name="runId" value={runId} />
      <input type="hidden" name="tag" value={tag} />
      <input type="hidden" name="kind" value={kind} />
      <Button type="submit" variant="secondary" disabled={pending} className="px-2 py-1 text-xs">
        Resume
      </Button>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
    </form>
  );
}
