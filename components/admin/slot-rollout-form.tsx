"use client";

import { useActionState } from "react";
import { saveSlotRolloutAction } from "@/lib/actions/slot-rollout";
import type { Safety } from "@/lib/domain/rollout-safety";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

/** How every party slot rolls out; empty fields mean no limit (or the count, for the share). */
export function SlotRolloutForm({ settings }: { settings: Safety }) {
  const [state, action] = useActionState(saveSlotRolloutAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  const errors = state.fieldErrors ?? {};
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Slot rollouts">
      <div className="grid gap-4 sm:grid-cols-5">
        <Field
          label="At once (resources)"
          name="concurrency"
          type="number"
          min={1}
          max={1000}
          defaultValue={settings.concurrency}
          error={errors.concurrency?.[0]}
        />
        <Field
          label="At once (% of slot)"
          name="concurrencyPercent"
          type="number"
          min={1}
          max={100}
          defaultValue={settings.concurrencyPercent ?? ""}
          placeholder="use the count"
          error={errors.concurrencyPercent?.[0]}
        />
        <Field
          label="Canary (% first)"
          name="canaryPercent"
          type="number"
          min={0}
          max={100}
          defaultValue={settings.canaryPercent}
          error={errors.canaryPercent?.[0]}
        />
        <Field
          label="Halt after failures"
          name="maxFailures"
          type="number"
          min={0}
          defaultValue={settings.maxFailures ?? ""}
          placeholder="no limit"
          error={errors.maxFailures?.[0]}
        />
        <Field
          label="Halt above % failed"
          name="maxFailurePercent"
          type="number"
          min={1}
          max={100}
          defaultValue={settings.maxFailurePercent ?? ""}
          placeholder="no limit"
          error={errors.maxFailurePercent?.[0]}
        />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save slot rollouts"}
      </Button>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
    </form>
  );
}
