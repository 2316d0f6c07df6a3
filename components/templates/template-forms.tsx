"use client";

import { useActionState, useState, type ReactNode } from "react";
import { createTemplateAction, resumeRunAction, updateTemplateAction, upgradeNowAction } from "@/lib/actions/templates";
import type { FormResult } from "@/lib/actions/result";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, inputClass, TextAreaField } from "../ui/field";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";
import { SafetyFields } from "../rollout/safety-fields";
import type { Safety } from "@/lib/domain/rollout-safety";
import { MemberQueryFields, type QueryChoices } from "./member-forms";

const Message = ({ state }: { state: FormResult }) => (state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null);

export function NewTemplateForm({ policies, choices }: { policies: { id: string; name: string }[]; choices: QueryChoices }) {
  const [state, action] = useActionState(createTemplateAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  const errors = state.fieldErrors ?? {};
  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" name="name" required maxLength={100} error={errors.name?.[0]} />
        <div>
          <label htmlFor="field-policyId" className="block text-sm font-medium text-slate-800">
            Maintenance policy
          </label>
          <select id="field-policyId" name="policyId" className={`${inputClass} mt-1`} aria-invalid={errors.policyId ? true : undefined} defaultValue="">
            <option value="" disabled>
              Pick a policy…
            </option>
            {policies.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          {errors.policyId ? <p className="mt-1 text-xs text-rose-700">{errors.policyId[0]}</p> : null}
        </div>
        <Field
          label="Version"
          name="targetVersion"
          placeholder="1.0.0"
          hint="The version the members run now."
          maxLength={60}
          error={errors.targetVersion?.[0]}
        />
        <Field
          label="Concurrency"
          name="concurrency"
          type="number"
          min={1}
          max={1000}
          defaultValue={10}
          hint="How many members are upgraded at once."
          error={errors.concurrency?.[0]}
        />
      </div>
      <TextAreaField
        label="Members"
        name="members"
        rows={8}
        placeholder="One resource or cluster name per line"
        hint="Cluster or resource names, one per line (optional when a member query is given). A member belongs to one template only."
        error={errors.members?.[0]}
      />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-800">Member query (optional)</legend>
        <p className="text-xs text-slate-500">Servers matching these filters join as members, and join or leave as the fleet changes.</p>
        <MemberQueryFields query={null} choices={choices} prefix="new-query" />
      </fieldset>
      {state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create template"}
      </Button>
    </form>
  );
}

type Editable = { id: string; revision: number };

/** One of a template's settings on its own, saved by updateTemplateAction with the template's revision. */
function TemplateSettingForm({
  template,
  submit,
  secondary = false,
  field,
}: {
  template: Editable;
  submit: (pending: boolean) => string;
  secondary?: boolean;
  field: (errors: Record<string, string[] | undefined>) => ReactNode;
}) {
  const [state, action] = useActionState(updateTemplateAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      <input type="hidden" name="id" value={template.id} />
      <input type="hidden" name="revision" value={template.revision} />
      <div className="flex items-end gap-2">
        {field(state.fieldErrors ?? {})}
        <Button type="submit" variant={secondary ? "secondary" : undefined} disabled={pending}>
          {submit(pending)}
        </Button>
      </div>
      <Message state={state} />
    </form>
  );
}

export function TargetVersionForm({ template, current }: { template: Editable; current: string }) {
  return (
    <TemplateSettingForm
      template={template}
      submit={(pending) => (pending ? "Saving…" : "Set version")}
      field={(errors) => (
        <Field
          label="New target version"
          name="targetVersion"
          placeholder={current}
          maxLength={60}
          required
          className="grow"
          error={errors.targetVersion?.[0]}
        />
      )}
    />
  );
}

export function ConcurrencyForm({ template, concurrency }: { template: Editable; concurrency: number }) {
  return (
    <TemplateSettingForm
      template={template}
      secondary
      submit={() => "Save"}
      field={(errors) => (
        <Field
          label="Members at once"
          name="concurrency"
          type="number"
          min={1}
          max={1000}
          defaultValue={concurrency}
          className="grow"
          error={errors.concurrency?.[0]}
        />
      )}
    />
  );
}

export function UpgradeNowButton({ id, target, behind }: { id: string; target: string; behind: number }) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(
    async (previous: FormResult, form: FormData) => {
      const result = await upgradeNowAction(previous, form);
      if (result.ok) setOpen(false);
      return result;
    },
    { ok: false },
  );
  return (
    <div className="space-y-3">
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Upgrade now
      </Button>
      {/* A modal dialog makes the rest of the page inert: while it is open, its answer is shown in it. */}
      {open ? null : <Message state={state} />}
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Upgrade now?"
        description={`${behind.toLocaleString("en")} member(s) are upgraded to ${target} from now on, outside the schedule, a few at a time.`}
      >
        <div aria-live="polite" className="mb-3 empty:hidden">
          {open ? <Message state={state} /> : null}
        </div>
        <form action={action} className="flex justify-end gap-2">
          <input type="hidden" name="id" value={id} />
          <Button variant="ghost" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? "Starting…" : `Upgrade to ${target} now`}
          </Button>
        </form>
      </Dialog>
    </div>
  );
}

/** Canary share, failure thresholds and concurrency as a share; empty means no limit. */
export function RolloutSettingsForm({ template, settings }: { template: Editable; settings: Omit<Safety, "concurrency"> }) {
  const [state, action] = useActionState(updateTemplateAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  const errors = state.fieldErrors ?? {};
  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label="Rollout safety">
      <input type="hidden" name="id" value={template.id} />
      <input type="hidden" name="revision" value={template.revision} />
      <div className="grid grid-cols-2 gap-3">
        <SafetyFields settings={settings} errors={errors} of="fleet" />
      </div>
      <Button type="submit" variant="secondary" disabled={pending}>
        Save rollout settings
      </Button>
      <Message state={state} />
    </form>
  );
}

export function ResumeButton({ id }: { id: string }) {
  const [state, action, pending] = useActionState(resumeRunAction, { ok: false });
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="id" value={id} />
      <Button type="submit" disabled={pending}>
        {pending ? "Resuming…" : "Resume the rollout"}
      </Button>
      <Message state={state} />
    </form>
  );
}
