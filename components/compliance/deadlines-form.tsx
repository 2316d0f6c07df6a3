"use client";

import { useActionState } from "react";
import { saveDeadlinesAction } from "@/lib/actions/deadlines";
import type { Deadlines } from "@/lib/data/deadlines";
import { DEADLINE_DAYS_MAX, DEADLINE_DAYS_MIN, DEADLINE_LABEL, type DeadlineKind } from "@/lib/domain/deadlines";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

const FIELDS: [DeadlineKind, keyof Omit<Deadlines, "revision">][] = [
  ["critical", "criticalDays"],
  ["high", "highDays"],
  ["medium", "mediumDays"],
  ["low", "lowDays"],
  ["unrated", "unratedDays"],
];

/** How many days an update may stay pending, per severity (admins); empty means no deadline. */
export function DeadlinesForm({ deadlines }: { deadlines: Deadlines }) {
  const [state, action] = useActionState(saveDeadlinesAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  const errors = state.fieldErrors ?? {};
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Update deadlines">
      {/* The revision the page shows: a save over someone else's newer one is refused. */}
      <input type="hidden" name="revision" value={deadlines.revision} readOnly />
      <div className="grid grid-cols-2 gap-4 sm:grid-cols-5">
        {FIELDS.map(([kind, name]) => (
          <Field
            key={name}
            label={`${DEADLINE_LABEL[kind]} (days)`}
            name={name}
            type="number"
            inputMode="numeric"
            min={DEADLINE_DAYS_MIN}
            max={DEADLINE_DAYS_MAX}
            defaultValue={deadlines[name] ?? ""}
            placeholder="no deadline"
            error={errors[name]?.[0]}
          />
        ))}
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save deadlines"}
      </Button>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
    </form>
  );
}
