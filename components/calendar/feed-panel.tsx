"use client";

import { useActionState } from "react";
import { createFeedAction, revokeFeedAction } from "@/lib/actions/calendar";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { RevokeButton } from "../ui/revoke-button";

type Feed = { id: string; name: string; prefix: string; filters: string; revoked: boolean };

/** Personal subscribe addresses: create one (shown once), revoke old ones. */
export function FeedPanel({ feeds, origin }: { feeds: Feed[]; origin: string }) {
  const [state, action, pending] = useActionState(createFeedAction, { ok: false });
  return (
    <div className="space-y-4">
      <form action={action} className="grid gap-3 sm:grid-cols-4">
        <Field label="Name" name="name" placeholder="My phone" required maxLength={80} error={state.fieldErrors?.name?.[0]} />
        <Field label="Only this team (optional)" name="team" placeholder="payments" error={state.fieldErrors?.team?.[0]} />
        <Field label="Only this resource (optional)" name="resource" placeholder="prd-payments-api-vm-01" error={state.fieldErrors?.resource?.[0]} />
        <label className="flex items-start gap-2 text-sm text-slate-700 sm:col-span-4 sm:row-start-2">
          <input name="windows" type="checkbox" className="mt-0.5 h-4 w-4 rounded border-slate-300" />
          <span>
            Include upgrade windows
            <span className="block text-xs text-slate-500">
              When maintenance policies let fleets be upgraded; with a team or resource, only the policies of its templates.
            </span>
          </span>
        </label>
        <div className="flex items-end">
          <Button type="submit" disabled={pending}>
            Create subscribe address
          </Button>
        </div>
      </form>
      <div aria-live="polite" className="space-y-2">
        {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
        {state.data?.url ? (
          <output data-testid="feed-url" className="block break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-emerald-300">
            {origin}
            {state.data.url}
          </output>
        ) : null}
      </div>
      {feeds.length ? (
        <ul className="divide-y divide-slate-100 text-sm">
          {feeds.map((f) => (
            <li key={f.id} className="flex items-center justify-between gap-3 py-2">
              <span>
                <span className="font-medium text-slate-900">{f.name}</span> <span className="font-mono text-xs text-slate-500">{f.prefix}…</span>{" "}
                <span className="text-xs text-slate-500">{f.filters}</span>
              </span>
              {f.revoked ? (
                <span className="text-xs text-rose-700">revoked</span>
              ) : (
                <RevokeButton action={revokeFeedAction} id={f.id} label={`feed ${f.name}`} variant="ghost" />
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
