"use client";

import { useActionState } from "react";
import { createApiTokenAction } from "@/lib/actions/api-tokens";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

export function CreateTokenForm({ defaultEmail }: { defaultEmail: string }) {
  const [state, action, pending] = useActionState(createApiTokenAction, { ok: false });
  return (
    <form action={action} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Acts as (user e-mail)" name="email" type="email" defaultValue={defaultEmail} required error={state.fieldErrors?.email?.[0]} />
        <Field label="Name" name="name" placeholder="e.g. CMDB sync" required maxLength={80} error={state.fieldErrors?.name?.[0]} />
      </div>
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
