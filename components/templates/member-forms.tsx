"use client";

import { useActionState, useTransition, type FormEvent } from "react";
import { changeTemplateMembersAction, previewMemberQueryAction, saveMemberQueryAction } from "@/lib/actions/templates";
import type { FormResult } from "@/lib/actions/result";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { inputClass, TextAreaField } from "../ui/field";
import { FilterSelect } from "../ui/filter-select";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

type Editable = { id: string; revision: number };
type Option = readonly [value: string, label: string];
/** A template's member query as the form shows it: the resource list's filters. */
export type MemberQueryView = { tag?: string[]; kind?: string; team?: string; environment?: string; cluster?: string; service?: string } | null;
export type QueryChoices = { kinds: Option[]; teams: Option[]; environments: Option[] };

const Message = ({ state }: { state: FormResult<unknown> }) => (state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null);

/** The member query's filter controls: the same names and values as the resource list's filter form. */
export function MemberQueryFields({ query, choices, prefix }: { query: MemberQueryView; choices: QueryChoices; prefix: string }) {
  const text = (name: "tag" | "cluster" | "service", label: string, placeholder: string, value?: string) => (
    <div>
      <label htmlFor={`${prefix}-${name}`} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      <input id={`${prefix}-${name}`} name={name} defaultValue={value} placeholder={placeholder} maxLength={200} className={`${inputClass} mt-1`} />
    </div>
  );
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      {text("tag", "Tags (every one)", "e.g. pci, linux", query?.tag?.join(", "))}
      <FilterSelect id={`${prefix}-kind`} label="Kind" name="kind" value={query?.kind} options={[["", "Any"], ...choices.kinds]} fixed />
      <FilterSelect id={`${prefix}-team`} label="Team" name="team" value={query?.team} options={[["", "Any"], ...choices.teams]} />
      <FilterSelect
        id={`${prefix}-environment`}
        label="Environment"
        name="environment"
        value={query?.environment}
        options={[["", "Any"], ...choices.environments]}
        fixed
      />
      {text("cluster", "Cluster", "exact name", query?.cluster)}
      {text("service", "Service", "exact name", query?.service)}
    </div>
  );
}

/** Edits the member query, with a count of what it matches before saving. */
export function MemberQueryForm({ template, query, choices }: { template: Editable; query: MemberQueryView; choices: QueryChoices }) {
  const [saved, save] = useActionState(saveMemberQueryAction, { ok: false });
  const [preview, previewAction, previewing] = useActionState(previewMemberQueryAction, { ok: false });
  const [pending, startTransition] = useTransition();
  // Both buttons keep what was typed (no form reset); "Preview" counts, "Save" saves.
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const form = new FormData(event.currentTarget, submitter);
    startTransition(() => (form.get("intent") === "preview" ? previewAction(form) : save(form)));
  };
  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label="Member query">
      <input type="hidden" name="id" value={template.id} />
      <input type="hidden" name="revision" value={template.revision} />
      <MemberQueryFields query={query} choices={choices} prefix="query" />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" name="intent" value="preview" variant="secondary" disabled={previewing}>
          {previewing ? "Counting…" : "Preview matches"}
        </Button>
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save query"}
        </Button>
      </div>
      <div aria-live="polite" className="space-y-2 empty:hidden" data-testid="query-preview">
        {preview.message ? <Message state={preview} /> : null}
        <Message state={saved} />
      </div>
    </form>
  );
}

/** Adds named members: resource or cluster names, one per line. */
export function AddMembersForm({ template }: { template: Editable }) {
  const [state, action] = useActionState(changeTemplateMembersAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label="Add members">
      <input type="hidden" name="id" value={template.id} />
      <input type="hidden" name="revision" value={template.revision} />
      <TextAreaField
        label="Add members by name"
        name="add"
        rows={3}
        placeholder="One resource or cluster name per line"
        hint="A server belongs to one template only; one in another template is refused."
        error={state.ok ? undefined : state.fieldErrors?.add?.[0]}
      />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Adding…" : "Add"}
      </Button>
      <div aria-live="polite" className="empty:hidden">
        {state.ok || !state.fieldErrors?.add ? <Message state={state} /> : null}
      </div>
    </form>
  );
}

/** Removes one named member. */
export function RemoveMemberButton({ template, name }: { template: Editable; name: string }) {
  const [state, action, pending] = useActionState(changeTemplateMembersAction, { ok: false });
  return (
    <form action={action} className="inline">
      <input type="hidden" name="id" value={template.id} />
      <input type="hidden" name="revision" value={template.revision} />
      <input type="hidden" name="remove" value={name} />
      <Button type="submit" variant="ghost" className="px-2 py-1 text-xs" disabled={pending} aria-label={`Remove ${name}`}>
        {pending ? "Removing…" : "Remove"}
      </Button>
      {state.message && !state.ok ? (
        <p role="alert" className="mt-1 max-w-xs text-xs text-rose-700">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
