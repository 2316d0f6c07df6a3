"use client";

import { useActionState } from "react";
import { changeDecisionAction } from "@/lib/actions/changes";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextAreaField } from "../ui/field";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

type Intent = "submit" | "approve" | "reject" | "reopen";
const LABELS: Record<Intent, string> = { submit: "Submit for approval", approve: "Approve", reject: "Reject", reopen: "Reopen as draft" };

/** The buttons the viewer may press on a change; approve and reject ask for a comment. */
export function DecisionForm({ id, revision, intents }: { id: string; revision: number; intents: Intent[] }) {
  const [state, action] = useActionState(changeDecisionAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  const deciding = intents.includes("approve") || intents.includes("reject");
  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="revision" value={revision} />
      {deciding ? (
        <TextAreaField
          label="Comment for the record"
          name="comment"
          maxLength={1000}
          error={state.fieldErrors?.comment?.[0]}
          hint="Required to approve or reject."
        />
      ) : null}
      <div className="flex flex-wrap gap-2">
        {intents.map((intent) => (
          <Button
            key={intent}
            type="submit"
            name="intent"
            value={intent}
            variant={intent === "reject" ? "danger" : intent === "approve" || intent === "submit" ? "primary" : "secondary"}
            disabled={pending}
          >
            {LABELS[intent]}
          </Button>
        ))}
      </div>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
    </form>
  );
}
