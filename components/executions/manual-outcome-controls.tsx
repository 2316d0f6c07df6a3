"use client";
// "Patched" or "Failed" for members nothing reports on (the manual executor), one or a selection:
// a form around the list's checkboxes (or one member's key), confirmed in a dialog that asks why
// for a failure. An outcome is recorded once, so the dialog says so.
import { useActionState, useId, useState, type ReactNode } from "react";
import { recordManualOutcomesAction } from "@/lib/actions/manual-outcomes";
import type { FormResult } from "@/lib/actions/result";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { cx } from "../ui/cx";
import { inputClass } from "../ui/field";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

/** Which party slot or template the members belong to, as the form's hidden fields. */
export type TargetFields = { scope: "slot"; tag: string; kind: string; group: string } | { scope: "template"; templateId: string };

export function TargetInputs({ target }: { target: TargetFields }) {
  return (
    <>
      {Object.entries(target).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

type Outcome = "patched" | "failed";

export function ManualOutcomeControls({
  target,
  count,
  label,
  memberKey,
  memberName,
  onRecorded,
  children,
}: {
  target: TargetFields;
  /** How many members are selected (1 with memberKey). */
  count: number;
  label: ReactNode;
  /** One member's key, when the form is about one member (its execution's page). */
  memberKey?: string;
  memberName?: string;
  onRecorded?: () => void;
  children?: ReactNode;
}) {
  const [open, setOpen] = useState<Outcome | null>(null);
  const [round, setRound] = useState(0);
  const [state, action] = useActionState(
    async (previous: FormResult, form: FormData) => {
      const result = await recordManualOutcomesAction(previous, form);
      if (result.ok) {
        setOpen(null);
        setRound((r) => r + 1);
        onRecorded?.();
      }
      return result;
    },
    { ok: false },
  );
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  const who = memberName ?? `${count.toLocaleString("en")} member${count === 1 ? "" : "s"}`;
  const reasonError = state.fieldErrors?.reason?.[0];
  // Ids of its own: a page may hold this form twice for a moment (Next keeps the previous render while it swaps).
  const reasonId = useId();
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Record outcomes">
      <TargetInputs target={target} />
      {memberKey ? <input type="hidden" name="key" value={memberKey} /> : null}
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-100 bg-slate-50 px-5 py-3">
        <p className="mr-auto text-sm text-slate-700" aria-live="polite">
          {label}
        </p>
        <Button variant="secondary" disabled={count === 0 || pending} onClick={() => setOpen("patched")}>
          Mark patched…
        </Button>
        <Button variant="secondary" className="text-rose-700" disabled={count === 0 || pending} onClick={() => setOpen("failed")}>
          Mark failed…
        </Button>
      </div>
      {state.message && open === null ? (
        <div className="px-5 pt-3" aria-live="polite">
          <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert>
        </div>
      ) : null}
      {children}
      <Dialog
        open={open !== null}
        onClose={() => setOpen(null)}
        title={open === "failed" ? "Record as failed" : "Record as patched"}
        description={
          <>
            {open === "failed" ? `${who} failed to patch` : `${who} patched`}: the rollout counts {count === 1 ? "it" : "them"} on its next step. An outcome is
            recorded once; it cannot be changed afterwards.
          </>
        }
      >
        <div className="space-y-4">
          <div>
            <label htmlFor={reasonId} className="block text-sm font-medium text-slate-800">
              {open === "failed" ? "Why it failed (required)" : "Note (optional)"}
            </label>
            <textarea
              key={`${open}-${round}`}
              id={reasonId}
              name="reason"
              rows={3}
              maxLength={2000}
              required={open === "failed"}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={reasonError ? `${reasonId}-error` : undefined}
              placeholder={open === "failed" ? "e.g. The package manager could not reach the mirror" : "e.g. Patched by hand from the console"}
              className={cx(inputClass, "mt-1")}
            />
            {reasonError ? (
              <p id={`${reasonId}-error`} className="mt-1 text-xs text-rose-700">
                {reasonError}
              </p>
            ) : null}
          </div>
          {state.message && !state.ok && open !== null && !reasonError ? <Alert tone="error">{state.message}</Alert> : null}
          <div className="flex justify-end gap-2">
            <Button variant="ghost" onClick={() => setOpen(null)}>
              Cancel
            </Button>
            <Button type="submit" name="outcome" value={open ?? ""} variant={open === "failed" ? "danger" : "primary"} disabled={pending}>
              {pending ? "Recording…" : open === "failed" ? "Record failed" : "Record patched"}
            </Button>
          </div>
        </div>
      </Dialog>
    </form>
  );
}
