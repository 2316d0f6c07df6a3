"use client";

import { useActionState } from "react";
import { createFreezeAction } from "@/lib/actions/freezes";
import { REASON_MAX } from "@/lib/validation/limits";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field, inputClass, TextAreaField } from "../ui/field";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

const SCOPES = [
  ["all", "Everything"],
  ["production", "Production servers"],
  ["non-production", "Non-production servers"],
] as const;

/** A new freeze period: its start and end picked in the viewer's own zone (admins). */
export function FreezeForm({ zone, teams }: { zone: string; teams: { slug: string; name: string }[] }) {
  const [state, action] = useActionState(createFreezeAction, { ok: false });
  // What was typed stays after a refusal (React resets a form its action handled).
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  const error = (name: string) => state.fieldErrors?.[name]?.[0];
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <input type="hidden" name="zone" value={zone} />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Name" name="name" placeholder="e.g. Year-end freeze" required maxLength={100} error={error("name")} />
        <Field label="Starts" name="startsAt" type="datetime-local" required hint={`Your time (${zone}).`} error={error("startsAt")} />
        <Field label="Ends" name="endsAt" type="datetime-local" required hint={`Your time (${zone}).`} error={error("endsAt")} />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <div>
          <label htmlFor="freeze-scope" className="block text-sm font-medium text-slate-800">
            Holds
          </label>
          <select id="freeze-scope" name="scope" defaultValue="all" className={`${inputClass} mt-1`}>
            {SCOPES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="sm:col-span-2">
          <legend className="text-sm font-medium text-slate-800">Only these teams (none ticked: every team)</legend>
          <div className="mt-2 flex max-h-40 flex-wrap gap-2 overflow-y-auto">
            {teams.map((t) => (
              <label key={t.slug} className="flex items-center gap-2 rounded-md px-2 py-1 text-sm ring-1 ring-slate-300 has-[:checked]:bg-indigo-50">
                <input type="checkbox" name="teams" value={t.slug} className="h-4 w-4 rounded border-slate-300" />
                {t.name}
              </label>
            ))}
          </div>
          {error("teams") ? <p className="mt-1 text-xs text-rose-700">{error("teams")}</p> : null}
        </fieldset>
      </div>
      <TextAreaField label="Why?" name="reason" required maxLength={REASON_MAX} error={error("reason")} hint="Shown on every party and upgrade it holds." />
      <div aria-live="polite">{state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}</div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Add the freeze"}
      </Button>
    </form>
  );
}
