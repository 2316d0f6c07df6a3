"use client";

import { useActionState } from "react";
import { saveSlotRolloutAction } from "@/lib/actions/slot-rollout";
import type { Safety } from "@/lib/domain/rollout-safety";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { SafetyFields } from "../rollout/safety-fields";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

/** How every party slot rolls out; empty fields mean no limit (or the count, for the share). */
export function SlotRolloutForm({ settings }: { settings: Safety }) {
  const [state, action] = useActionState(saveSlotRolloutAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  const errors = state.fieldErrors ?? {};
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Slot rollouts">
      <div className="grid gap-4 sm:grid-cols-5">
        <SafetyFields settings={settings} errors={errors} of="slot" withCount />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save slot rollouts"}
      </Button>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
    </form>
  );
}
