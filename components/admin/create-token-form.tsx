"use client";

import { useActionState } from "react";
import { createApiTokenAction } from "@/lib/actions/api-tokens";
import { TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX, TOKEN_SCOPE_LABELS, TOKEN_SCOPES } from "@/lib/domain/api-tokens";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

export function CreateTokenForm({ defaultEmail }: { defaultEmail: string }) {
  const [state, action, pending] = useActionState(createApiTokenAction, { ok: false });
  const scopeError = state.fieldErrors?.scope?.[0];
  return (
    <form action={action} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Acts as (user e-mail)" name="email" type="email" defaultValue={defaultEmail} required error={state.fieldErrors?.email?.[0]} />
        <Field label="Name" name="name" placeholder="e.g. CMDB sync" required maxLength={80} error={state.fieldErrors?.name?.[0]} />
        <Field
          label="Expires after (days)"
          name="days"
          type="number"
          inputMode="numeric"
          min={1}
          max={TOKEN_DAYS_MAX}
          step={1}
          defaultValue={TOKEN_DAYS_DEFAULT}
          required
          hint={`At most ${TOKEN_DAYS_MAX}.`}
          error={state.fieldErrors?.days?.[0]}
        />
      </div>
      {/* No scope is chosen for you: a token that only reads should say so. */}
      <fieldset aria-describedby={scopeError ? "scope-error" : undefined}>
        <legend className="text-sm font-medium text-slate-800">Scope</legend>
        <div className="mt-2 flex flex-wrap gap-2">
          {TOKEN_SCOPES.map((scope) => (
            <label
              key={scope}
              className="flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-slate-300 has-[:checked]:bg-indigo-50 has-[:checked]:ring-2 has-[:checked]:ring-indigo-600"
            >
              <input type="radio" name="scope" value={scope} required aria-invalid={scopeError ? true : undefined} className="accent-indigo-600" />
              {TOKEN_SCOPE_LABELS[scope]}
            </label>
          ))}
        </div>
        {scopeError ? (
          <p id="scope-error" className="mt-1 text-xs text-rose-700">
            {scopeError}
          </p>
        ) : null}
      </fieldset>
      <div aria-live="polite" className="space-y-2">
        {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
        {state.data?.secret ? (
          <output data-testid="new-token" className="block break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-sm text-emerald-300">
            {state.data.secret}
          </output>
        ) : null}
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create token"}
      </Button>
    </form>
  );
}
