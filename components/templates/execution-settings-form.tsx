"use client";

import { useActionState } from "react";
import { updateTemplateAction } from "@/lib/actions/templates";
import { ExecutionSettingsFields, type ExecutionSettings } from "../executions/execution-settings-fields";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

/** How this template's members are executed: its own executor (or the default), hooks, cutoff, member timeout. */
export function TemplateExecutionForm({
  template,
  settings,
  defaultExecutor,
  simulatedAllowed,
}: {
  template: { id: string; revision: number };
  settings: ExecutionSettings;
  defaultExecutor: { name: string; why: string };
  simulatedAllowed: boolean;
}) {
  const [state, action] = useActionState(updateTemplateAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label="Execution">
      <input type="hidden" name="id" value={template.id} />
      <input type="hidden" name="revision" value={template.revision} />
      <ExecutionSettingsFields
        settings={settings}
        defaultExecutor={defaultExecutor}
        simulatedAllowed={simulatedAllowed}
        errors={state.fieldErrors ?? {}}
        windowWord="upgrade window"
      />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Saving…" : "Save execution settings"}
      </Button>
      <div aria-live="polite">{state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}</div>
    </form>
  );
}
