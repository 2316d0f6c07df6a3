"use client";

import { useActionState } from "react";
import { movePartyAction } from "@/lib/actions/calendar";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";

/** One step out of a freeze: the party moves to the first day its slots are clear (admins). */
export function MoveOutOfFreeze({
  tag,
  kind,
  date,
  label,
  freeze,
  shortNotice,
}: {
  tag: string;
  kind: string;
  /** The first clear day, "YYYY-MM-DD" in the rule's zone. */
  date: string;
  /** That day as people read it. */
  label: string;
  freeze: string;
  /** The day is less than 14 days ahead: the admin must say it is short notice. */
  shortNotice: boolean;
}) {
  const [state, action, pending] = useActionState(movePartyAction, { ok: false });
  if (state.ok) return <p className="text-sm text-emerald-700">{state.message}</p>;
  return (
    <form action={action} className="mt-3 flex flex-wrap items-center gap-3">
      <input type="hidden" name="tag" value={tag} />
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="date" value={date} />
      <input type="hidden" name="reason" value={`Moved out of the freeze "${freeze}"`} />
      {shortNotice ? (
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input name="shortNotice" type="checkbox" required className="h-4 w-4 rounded border-slate-300" />
          Short notice: {label} is less than 14 days ahead
        </label>
      ) : null}
      <Button type="submit" variant="secondary" disabled={pending}>
        Move to {label}, out of the freeze
      </Button>
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
    </form>
  );
}
