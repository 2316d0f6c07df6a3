"use client";

import { useActionState } from "react";
import { saveTemplatePlanAction } from "@/lib/actions/templates";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { TextAreaField } from "../ui/field";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

/** Admins write the plan's components in order, one per line, with their expected downtime. */
export function PlanForm({
  template,
  components,
}: {
  template: { id: string; revision: number };
  components: { name: string; downtimeMinutes: number }[] | null;
}) {
  const [state, action] = useActionState(saveTemplatePlanAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label="Upgrade plan components" noValidate>
      <input type="hidden" name="id" value={template.id} />
      <input type="hidden" name="revision" value={template.revision} />
      <TextAreaField
        label="Components, in upgrade order"
        name="components"
        rows={6}
        defaultValue={components?.map((c) => `${c.name}, ${c.downtimeMinutes}`).join("\n") ?? ""}
        placeholder={"clients, 5\nagents, 5\ncontrollers, 60\ngateways, 60"}
        hint={'One per line: "name, minutes of downtime". A member joins a component by its resource tag component:<name>. Empty: no plan.'}
        error={state.fieldErrors?.components?.[0]}
      />
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save plan"}
      </Button>
    </form>
  );
}
