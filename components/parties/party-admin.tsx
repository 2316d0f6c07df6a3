"use client";

import { useActionState, useState } from "react";
import { cancelPartyAction, movePartyAction } from "@/lib/actions/calendar";
import { REASON_MAX } from "@/lib/validation/limits";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, TextAreaField } from "../ui/field";

/** Admins move one party to another day, or cancel it, with a reason. */
export function PartyAdmin({ tag, kind, localDate }: { tag: string; kind: string; localDate: string }) {
  const [open, setOpen] = useState<"move" | "cancel" | null>(null);
  const [move, moveAction, moving] = useActionState(movePartyAction, { ok: false });
  const [cancel, cancelAction, cancelling] = useActionState(cancelPartyAction, { ok: false });
  const done = (move.ok && move.message) || (cancel.ok && cancel.message);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button variant="secondary" onClick={() => setOpen("move")}>
        Move this party…
      </Button>
      <Button variant="danger" onClick={() => setOpen("cancel")}>
        Cancel this party…
      </Button>
      <span aria-live="polite" className="text-sm text-emerald-700">
        {done || null}
      </span>
      <Dialog
        open={open === "move" && !move.ok}
        onClose={() => setOpen(null)}
        title="Move the party"
        description={`${tag} ${kind}: the slots keep their times on the new day.`}
      >
        <form action={moveAction} className="space-y-4" noValidate>
          <input type="hidden" name="tag" value={tag} />
          <input type="hidden" name="kind" value={kind} />
          <Field label="New day" name="date" type="date" defaultValue={localDate} required error={move.fieldErrors?.date?.[0]} />
          <TextAreaField
            label="Why?"
            name="reason"
            required
            maxLength={REASON_MAX}
            error={move.fieldErrors?.reason?.[0]}
            hint="Recorded in the audit; subscribers see the event move."
          />
          <div className="flex items-start gap-2">
            <input id="move-shortNotice" name="shortNotice" type="checkbox" className="mt-1 h-4 w-4 rounded border-slate-300" />
            <label htmlFor="move-shortNotice" className="text-sm text-slate-700">
              Short notice: the new day may be less than 14 days ahead (customers are told late, and the party is flagged so)
            </label>
          </div>
          {move.message && !move.ok ? <Alert tone="error">{move.message}</Alert> : null}
          <Button type="submit" disabled={moving}>
            Move
          </Button>
        </form>
      </Dialog>
      <Dialog
        open={open === "cancel" && !cancel.ok}
        onClose={() => setOpen(null)}
        title="Cancel the party"
        description={`${tag} ${kind}: nothing is patched; subscribers see it cancelled.`}
      >
        <form action={cancelAction} className="space-y-4" noValidate>
          <input type="hidden" name="tag" value={tag} />
          <input type="hidden" name="kind" value={kind} />
          <TextAreaField label="Why?" name="reason" required maxLength={REASON_MAX} error={cancel.fieldErrors?.reason?.[0]} />
          {cancel.message && !cancel.ok ? <Alert tone="error">{cancel.message}</Alert> : null}
          <Button type="submit" variant="danger" disabled={cancelling}>
            Cancel the party
          </Button>
        </form>
      </Dialog>
    </div>
  );
}
