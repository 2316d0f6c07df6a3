"use client";

import { useActionState } from "react";
import { partyHoldAction } from "@/lib/actions/party-hold";
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
          <Field label="Reason to hold" name="holdReason" maxLength={500} className="grow" placeholder="QA failures above 2 %" error={state.fieldErrors?.holdReason?.[0]} />
          <Button type="submit" name="intent" value="hold" variant="danger" disabled={pending}>
            Hold production
          </Button>
        </div>
      )}
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
    </form>
  );
}
