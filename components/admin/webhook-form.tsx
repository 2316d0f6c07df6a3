"use client";

import { useActionState } from "react";
import { createWebhookAction } from "@/lib/actions/webhooks";
import { WEBHOOK_EVENTS } from "@/lib/domain/webhook-events";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

const KINDS = [
  { value: "standard", label: "Standard Webhooks (signed JSON)" },
  { value: "slack", label: "Slack (incoming webhook)" },
  { value: "teams", label: "Microsoft Teams (Workflows)" },
] as const;

export function WebhookForm() {
  const [state, action, pending] = useActionState(createWebhookAction, { ok: false });
  const kindError = state.fieldErrors?.kind?.[0];
  const eventsError = state.fieldErrors?.events?.[0];
  return (
    <form action={action} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="URL"
          name="url"
          type="url"
          required
          maxLength={2000}
          placeholder="https://example.com/hooks/patchparty"
          hint="Loopback and private addresses are refused."
          error={state.fieldErrors?.url?.[0]}
        />
        <Field label="Description (optional)" name="description" maxLength={200} placeholder="e.g. #ops-patching" error={state.fieldErrors?.description?.[0]} />
      </div>
      <fieldset className="min-w-0" aria-describedby={kindError ? "kind-error" : undefined}>
        <legend className="text-sm font-medium text-slate-800">Kind</legend>
        <div className="mt-2 flex flex-wrap gap-2">
          {KINDS.map((k) => (
            <label
              key={k.value}
              className="flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-slate-300 has-[:checked]:bg-indigo-50 has-[:checked]:ring-2 has-[:checked]:ring-indigo-600"
            >
              <input type="radio" name="kind" value={k.value} required defaultChecked={k.value === "standard"} className="accent-indigo-600" />
              {k.label}
            </label>
          ))}
        </div>
        {kindError ? (
          <p id="kind-error" className="mt-1 text-xs text-rose-700">
            {kindError}
          </p>
        ) : null}
      </fieldset>
      <fieldset className="min-w-0" aria-describedby={eventsError ? "events-error" : undefined}>
        <legend className="text-sm font-medium text-slate-800">Events</legend>
        <label className="mt-2 flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" name="all" className="accent-indigo-600" aria-invalid={eventsError ? true : undefined} />
          All events, present and future
        </label>
        <div className="mt-2 grid gap-1 sm:grid-cols-2 lg:grid-cols-3">
          {WEBHOOK_EVENTS.map((event) => (
            <label key={event} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="events" value={event} className="accent-indigo-600" />
              <code className="font-mono text-xs">{event}</code>
            </label>
          ))}
        </div>
        {eventsError ? (
          <p id="events-error" className="mt-1 text-xs text-rose-700">
            {eventsError}
          </p>
        ) : null}
      </fieldset>
      <div aria-live="polite" className="space-y-2">
        {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
        {state.data?.secret ? (
          <output data-testid="new-webhook-secret" className="block break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-sm text-emerald-300">
            {state.data.secret}
          </output>
        ) : null}
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Registering…" : "Register webhook"}
      </Button>
    </form>
  );
}
