"use client";

import { useActionState } from "react";
import { saveSlotExecutionAction } from "@/lib/actions/slot-rollout";
import { ExecutionSettingsFields, type ExecutionSettings } from "../executions/execution-settings-fields";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

/** How every party slot's members are executed: executor, hooks, cutoff, member timeout. */
export function SlotExecutionForm({
  settings,
  defaultExecutor,
  simulatedAllowed,
}: {
  settings: ExecutionSettings;
  defaultExecutor: { name: string; why: string };
  simulatedAllowed: boolean;
}) {
  const [state, action] = useActionState(saveSlotExecutionAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Slot execution">
      <ExecutionSettingsFields
        settings={settings}
        defaultExecutor={defaultExecutor}
        simulatedAllowed={simulatedAllowed}
        errors={state.fieldErrors ?? {}}
        windowWord="slot"
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save slot execution"}
      </Button>
      <div aria-live="polite">{state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}</div>
    </form>
  );
}
