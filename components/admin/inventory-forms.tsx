"use client";

import { useActionState, useState } from "react";
import { createSourceAction, deleteSourceAction, mappingAction, previewSyncAction, updateSourceSettingsAction } from "@/lib/actions/inventory";
import type { FormResult } from "@/lib/actions/result";
import type { MappingPreview } from "@/lib/data/inventory";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, TextAreaField } from "../ui/field";
import { Table, Td, Th } from "../ui/table";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";

type Kind = "ansible" | "netbox";

function KindPicker({ kind, onChange }: { kind: Kind; onChange: (kind: Kind) => void }) {
  return (
    <fieldset className="min-w-0">
      <legend className="text-sm font-medium text-slate-800">Kind</legend>
      <div className="mt-2 flex flex-wrap gap-2">
        {(
          [
            ["ansible", "Ansible inventory (YAML, INI or a plugin's configuration)"],
            ["netbox", "NetBox REST API"],
          ] as const
        ).map(([value, label]) => (
          <label
            key={value}
            className="flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-slate-300 has-[:checked]:bg-indigo-50 has-[:checked]:ring-2 has-[:checked]:ring-indigo-600"
          >
            <input type="radio" name="kind" value={value} checked={kind === value} onChange={() => onChange(value)} className="accent-indigo-600" />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function ScheduleFields({ state, interval, autoApply }: { state: FormResult; interval?: number | null; autoApply?: boolean }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        label="Sync every (minutes, optional)"
        name="intervalMinutes"
        inputMode="numeric"
        defaultValue={interval ?? ""}
        placeholder="e.g. 60"
        hint="Empty: on demand only. 5 to 10,080 (a week)."
        error={state.fieldErrors?.intervalMinutes?.[0]}
      />
      <label className="flex items-start gap-2 self-center text-sm">
        <input type="checkbox" name="autoApply" defaultChecked={autoApply} className="mt-0.5 accent-indigo-600" />
        <span>
          Scheduled syncs apply what they find
          <span className="block text-xs text-slate-500">Otherwise a scheduled sync leaves a preview here for a person to apply.</span>
        </span>
      </label>
    </div>
  );
}

function KindFields({ kind, state, config, tokenSet }: { kind: Kind; state: FormResult; config?: Record<string, unknown>; tokenSet?: boolean }) {
  const editing = config !== undefined;
  if (kind === "netbox")
    return (
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="NetBox URL"
          name="url"
          type="url"
          required
          defaultValue={(config?.url as string) ?? ""}
          placeholder="https://netbox.example.com"
          error={state.fieldErrors?.url?.[0]}
        />
        <Field
          label="Filters (optional)"
          name="filter"
          defaultValue={(config?.filter as string) ?? ""}
          placeholder="status=active&site=ams1"
          hint="NetBox's own query filters, applied to devices and virtual machines."
          error={state.fieldErrors?.filter?.[0]}
        />
        <Field
          label={tokenSet ? "Replace the API token" : "API token"}
          name="token"
          type="password"
          autoComplete="off"
          required={!editing}
          placeholder={tokenSet ? "A token is set: leave empty to keep it" : "NetBox token (or nbt_… v2 token)"}
          hint="Kept encrypted; never shown again. It needs read access to devices and virtual machines."
          error={state.fieldErrors?.token?.[0]}
        />
      </div>
    );
  return (
    <div className="space-y-4">
      <Field
        label="File name"
        name="fileName"
        required
        defaultValue={(config?.fileName as string) ?? "hosts.yml"}
        hint="What ansible-inventory sees: hosts.yml, hosts.ini, or the name a plugin expects (netbox.yml, aws_ec2.yml, …)."
        error={state.fieldErrors?.fileName?.[0]}
      />
      <TextAreaField
        label={editing && !config?.text ? "Inventory text (empty: keep the stored one)" : "Inventory text"}
        name="text"
        rows={10}
        required={!editing}
        defaultValue={(config?.text as string) ?? ""}
        className="font-mono"
        hint="A static inventory (YAML or INI), or a dynamic inventory plugin's configuration. Read by ansible-inventory --list on the server. Up to 1 MB here; larger ones through the API."
        error={state.fieldErrors?.text?.[0]}
      />
      <Field
        label={tokenSet ? "Replace the token (optional)" : "Token for a plugin (optional)"}
        name="token"
        type="password"
        autoComplete="off"
        placeholder={tokenSet ? "A token is set: leave empty to keep it" : ""}
        hint="Given to ansible-inventory as NETBOX_TOKEN and PATCHPARTY_INVENTORY_TOKEN, so a plugin's configuration need not hold it. Kept encrypted."
        error={state.fieldErrors?.token?.[0]}
      />
    </div>
  );
}

/** A new source: its kind, where it reads, and its schedule. It starts with the example mapping, edited on its page. */
export function NewSourceForm() {
  const [state, action] = useActionState(createSourceAction, { ok: false });
  // What was typed (an inventory of hundreds of lines) stays in the fields when the server refuses it.
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  const [kind, setKind] = useState<Kind>("ansible");
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Add an inventory source">
      <Field label="Name" name="name" required maxLength={100} placeholder="e.g. Datacentre AMS" error={state.fieldErrors?.name?.[0]} />
      <KindPicker kind={kind} onChange={setKind} />
      <KindFields key={kind} kind={kind} state={state} />
      <ScheduleFields state={state} />
      <div aria-live="polite">{state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}</div>
      <Button type="submit" disabled={pending}>
        {pending ? "Adding…" : "Add source"}
      </Button>
    </form>
  );
}

/** A source's settings; the token field shows only whether one is set. */
export function SourceSettingsForm({
  source,
}: {
  source: {
    id: string;
    name: string;
    kind: Kind;
    revision: number;
    tokenSet: boolean;
    intervalMinutes: number | null;
    autoApply: boolean;
    config: Record<string, unknown>;
  };
}) {
  const [state, action] = useActionState(updateSourceSettingsAction, { ok: false });
  const { onSubmit, pending } = useKeepValuesSubmit(action);
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Source settings">
      <input type="hidden" name="id" value={source.id} />
      <input type="hidden" name="kind" value={source.kind} />
      <input type="hidden" name="revision" value={source.revision} />
      <Field label="Name" name="name" required maxLength={100} defaultValue={source.name} error={state.fieldErrors?.name?.[0]} />
      <KindFields kind={source.kind} state={state} config={source.config} tokenSet={source.tokenSet} />
      {source.tokenSet ? (
        <p className="text-sm text-slate-700" data-testid="token-set">
          A token is set.{" "}
          {source.kind === "ansible" ? (
            <label className="ml-2 inline-flex items-center gap-1">
              <input type="checkbox" name="removeToken" className="accent-indigo-600" /> Remove it
            </label>
          ) : null}
        </p>
      ) : null}
      <ScheduleFields state={state} interval={source.intervalMinutes} autoApply={source.autoApply} />
      <div aria-live="polite">{state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}</div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save settings"}
      </Button>
    </form>
  );
}

/** The mapping as JSON, with "Preview mapping" (reads the source through the text as it stands, saves nothing) and "Save mapping". */
export function MappingEditor({ sourceId, revision, mapping, example }: { sourceId: string; revision: number; mapping: string; example: string }) {
  const [state, action, pending] = useActionState(mappingAction, { ok: false } as FormResult<MappingPreview>);
  const [text, setText] = useState(mapping);
  const preview = state.data;
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="id" value={sourceId} />
      <input type="hidden" name="revision" value={revision} />
      <TextAreaField
        label="Mapping (JSON)"
        name="mapping"
        rows={14}
        value={text}
        onChange={(e) => setText(e.target.value)}
        className="font-mono text-xs"
        error={state.fieldErrors?.mapping?.[0]}
        hint={
          <>
            Per field, an expression or a list tried in turn: <code>var:name</code> (a host variable), <code>field:tenant.slug</code> (a NetBox field),{" "}
            <code>cf:name</code> (a NetBox custom field), <code>group:team_</code> (the rest of a group&apos;s or tag&apos;s name after the prefix),{" "}
            <code>const:vm</code>, <code>host:name</code>. <code>values</code> maps what is found (<code>prod</code> → <code>production</code>). team,
            environment, kind and service are required; a field left out is not the sync&apos;s to change.
          </>
        }
      />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" name="intent" value="preview" variant="secondary" disabled={pending}>
          {pending ? "Reading the source…" : "Preview mapping"}
        </Button>
        <Button type="submit" name="intent" value="save" disabled={pending}>
          Save mapping
        </Button>
        <Button type="button" variant="ghost" onClick={() => setText(example)}>
          Use the example
        </Button>
      </div>
      <div aria-live="polite" className="space-y-3">
        {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
        {preview ? (
          <>
            {preview.mapped.length ? (
              <Table caption="The first hosts, mapped">
                <thead>
                  <tr>
                    <Th>Name</Th>
                    <Th>Team</Th>
                    <Th>Environment</Th>
                    <Th>Kind</Th>
                    <Th>Service</Th>
                    <Th>Cluster</Th>
                    <Th>Address</Th>
                    <Th>Tags</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100" data-testid="mapped-hosts">
                  {preview.mapped.map((h) => (
                    <tr key={h.externalId}>
                      <Td className="font-mono text-xs">{h.name}</Td>
                      <Td>{h.team}</Td>
                      <Td>{h.environment === "PRODUCTION" ? "production" : "non-production"}</Td>
                      <Td>{h.kind.toLowerCase().replace(/_/g, "-")}</Td>
                      <Td>{h.service}</Td>
                      <Td>{h.cluster === undefined ? <span className="text-slate-400">not mapped</span> : (h.cluster ?? "—")}</Td>
                      <Td className="font-mono text-xs">{h.address === undefined ? <span className="text-slate-400">not mapped</span> : (h.address ?? "—")}</Td>
                      <Td className="text-xs">{h.tags === undefined ? <span className="text-slate-400">not mapped</span> : h.tags.join(", ") || "—"}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            ) : null}
            {preview.errors.length ? <HostErrorList errors={preview.errors} total={preview.errorCount} /> : null}
          </>
        ) : null}
      </div>
    </form>
  );
}

export function HostErrorList({ errors, total }: { errors: { host: string; message: string }[]; total: number }) {
  return (
    <div>
      <h3 className="text-sm font-medium text-slate-900">
        Hosts that could not be mapped ({total}){total > errors.length ? `, the first ${errors.length}` : ""}
      </h3>
      <ul className="mt-1 space-y-1 text-sm" data-testid="host-errors">
        {errors.map((e, i) => (
          <li key={`${e.host}-${i}`} className="break-words">
            <span className="font-mono text-xs font-medium">{e.host}</span>: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** "Preview sync": reads the source now (seconds, or minutes for a large dynamic inventory) and leaves a preview on the page. */
export function PreviewSyncButton({ sourceId }: { sourceId: string }) {
  const [state, action, pending] = useActionState(previewSyncAction, { ok: false });
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="id" value={sourceId} />
      <Button type="submit" disabled={pending}>
        {pending ? "Reading the source…" : "Preview sync"}
      </Button>
      <span aria-live="polite" className="text-xs">
        {state.message ? <span className={state.ok ? "text-emerald-700" : "text-rose-700"}>{state.message}</span> : null}
      </span>
    </form>
  );
}

/** "Delete source", confirmed in a dialog: its servers stay, as if typed by a person. */
export function DeleteSourceButton({ sourceId, name, servers }: { sourceId: string; name: string; servers: number }) {
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState(deleteSourceAction, { ok: false });
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Delete source
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete ${name}?`}
        description={`Its sync history goes with it. Its ${servers} server(s) stay, with their history, as if typed by a person: no sync changes or retires them any more.`}
      >
        <form action={action} className="space-y-4">
          <input type="hidden" name="id" value={sourceId} />
          <div aria-live="polite">{state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}</div>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={pending}>
              {pending ? "Deleting…" : "Delete source"}
            </Button>
            <Button variant="ghost" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
