"use client";

import { useActionState, useState } from "react";
import { deletePolicyAction, savePolicyAction } from "@/lib/actions/policies";
import { SCHEDULE_PRESETS } from "@/lib/domain/schedule-presets";
import { Alert } from "../ui/alert";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";
import { Button } from "../ui/button";
import { Field, inputClass } from "../ui/field";
import { PreviewSaveButtons } from "../ui/preview-save-buttons";
import { Table, Td, Th } from "../ui/table";

export type ScheduleDraft = {
  name: string;
  preset: keyof typeof SCHEDULE_PRESETS | "custom";
  windowHours: number;
  custom: { minutes: string; hours: string; weekdays: string; monthDays: string; months: string };
};

const EMPTY_CUSTOM = { minutes: "0", hours: "0", weekdays: "every", monthDays: "every", months: "every" };
const CUSTOM_FIELDS = [
  ["minutes", "Minutes (00–59)"],
  ["hours", "Hours (00–23, UTC)"],
  ["weekdays", "Days of the week (0 = Sunday)"],
  ["monthDays", "Days of the month (01–31)"],
  ["months", "Months (1–12)"],
] as const;

const fmt = (iso: string, zone: string) =>
  new Intl.DateTimeFormat("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: zone,
  }).format(new Date(iso));

function FieldError({ id, message, className }: { id: string; message?: string; className?: string }) {
  return message ? (
    <p id={id} className={`mt-1 text-xs text-rose-700 ${className ?? ""}`}>
      {message}
    </p>
  ) : null;
}

type Props = {
  policy?: { id: string; name: string; tags: string[]; revision: number; schedules: ScheduleDraft[] };
  canDelete: boolean;
  viewerZone: string;
};

export function PolicyForm({ policy, canDelete, viewerZone }: Props) {
  const [state, action] = useActionState(savePolicyAction, { ok: false });
  const submit = useKeepValuesSubmit(action);
  const pending = submit.pending;
  const [removal, removeAction, removing] = useActionState(deletePolicyAction, { ok: false });
  const [schedules, setSchedules] = useState<ScheduleDraft[]>(
    policy?.schedules ?? [{ name: "Weekly", preset: "weekly-sunday", windowHours: 4, custom: EMPTY_CUSTOM }],
  );
  // A schedule's messages are under "schedules.<i>.<field>" (lib/actions/result.ts `invalid`).
  const scheduleError = (i: number, field: string) => state.fieldErrors?.[`schedules.${i}.${field}`]?.[0];
  const nested = new Set(Object.entries(state.fieldErrors ?? {}).flatMap(([key, list]) => (key.startsWith("schedules.") ? (list ?? []) : [])));
  const listError = state.fieldErrors?.schedules?.find((message) => !nested.has(message));
  const update = (i: number, change: Partial<ScheduleDraft>) => setSchedules((list) => list.map((s, j) => (j === i ? { ...s, ...change } : s)));
  const payload = JSON.stringify(
    schedules.map((s) => ({ name: s.name, preset: s.preset, windowHours: s.windowHours, ...(s.preset === "custom" ? { custom: s.custom } : {}) })),
  );
  return (
    <div className="space-y-6">
      <form onSubmit={submit.onSubmit} className="space-y-6" noValidate>
        {policy ? (
          <>
            <input type="hidden" name="id" value={policy.id} />
            <input type="hidden" name="revision" value={policy.revision} />
          </>
        ) : null}
        <input type="hidden" name="schedules" value={payload} />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Name" name="name" defaultValue={policy?.name} required maxLength={100} error={state.fieldErrors?.name?.[0]} />
          <Field
            label="Tags (comma-separated)"
            name="tags"
            defaultValue={policy?.tags.join(", ")}
            placeholder="kubernetes, emea"
            error={state.fieldErrors?.tags?.[0]}
          />
        </div>
        <fieldset className="space-y-4">
          <legend className="text-sm font-semibold text-slate-800">Upgrade schedules (UTC)</legend>
          {schedules.length === 0 ? (
            <p className="text-sm text-slate-500">No schedule: members of linked templates are only upgraded by “Upgrade now”.</p>
          ) : null}
          {schedules.map((s, i) => (
            <div key={i} className="rounded-lg border border-slate-200 p-4" role="group" aria-label={`Schedule ${i + 1}`}>
              <div className="grid gap-3 sm:grid-cols-4">
                <div>
                  <label htmlFor={`schedule-${i}-name`} className="block text-xs font-medium text-slate-600">
                    Schedule name
                  </label>
                  <input
                    id={`schedule-${i}-name`}
                    value={s.name}
                    onChange={(e) => update(i, { name: e.target.value })}
                    maxLength={80}
                    aria-invalid={scheduleError(i, "name") ? true : undefined}
                    aria-describedby={scheduleError(i, "name") ? `schedule-${i}-name-error` : undefined}
                    className={`${inputClass} mt-1`}
                  />
                  <FieldError id={`schedule-${i}-name-error`} message={scheduleError(i, "name")} />
                </div>
                <div className="sm:col-span-2">
                  <label htmlFor={`schedule-${i}-preset`} className="block text-xs font-medium text-slate-600">
                    When
                  </label>
                  <select
                    id={`schedule-${i}-preset`}
                    value={s.preset}
                    onChange={(e) => update(i, { preset: e.target.value as ScheduleDraft["preset"] })}
                    className={`${inputClass} mt-1`}
                  >
                    {Object.entries(SCHEDULE_PRESETS).map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                    <option value="custom">Custom</option>
                  </select>
                </div>
                <div>
                  <label htmlFor={`schedule-${i}-window`} className="block text-xs font-medium text-slate-600">
                    Window (hours, 1–24)
                  </label>
                  <input
                    id={`schedule-${i}-window`}
                    type="number"
                    min={1}
                    max={24}
                    value={s.windowHours}
                    onChange={(e) => update(i, { windowHours: Number(e.target.value) })}
                    aria-invalid={scheduleError(i, "windowHours") ? true : undefined}
                    aria-describedby={scheduleError(i, "windowHours") ? `schedule-${i}-window-error` : undefined}
                    className={`${inputClass} mt-1`}
                  />
                  <FieldError id={`schedule-${i}-window-error`} message={scheduleError(i, "windowHours")} />
                </div>
              </div>
              {s.preset === "custom" ? (
                <div className="mt-3 grid gap-3 sm:grid-cols-5">
                  {CUSTOM_FIELDS.map(([key, label]) => (
                    <div key={key}>
                      <label htmlFor={`schedule-${i}-${key}`} className="block text-xs font-medium text-slate-600">
                        {label}
                      </label>
                      <input
                        id={`schedule-${i}-${key}`}
                        value={s.custom[key]}
                        onChange={(e) => update(i, { custom: { ...s.custom, [key]: e.target.value } })}
                        placeholder="every, or 1, 15, 20-22"
                        aria-invalid={scheduleError(i, `custom.${key}`) ? true : undefined}
                        aria-describedby={scheduleError(i, `custom.${key}`) ? `schedule-${i}-${key}-error` : undefined}
                        className={`${inputClass} mt-1`}
                      />
                      <FieldError id={`schedule-${i}-${key}-error`} message={scheduleError(i, `custom.${key}`)} />
                    </div>
                  ))}
                  <FieldError id={`schedule-${i}-custom-error`} message={scheduleError(i, "custom")} className="sm:col-span-5" />
                  <p className="text-xs text-slate-500 sm:col-span-5">
                    When both days of the month and days of the week are chosen, a day matching either counts.
                  </p>
                </div>
              ) : null}
              <div className="mt-3 text-right">
                <Button
                  variant="ghost"
                  onClick={() => setSchedules((list) => list.filter((_, j) => j !== i))}
                  aria-label={`Remove schedule ${s.name || i + 1}`}
                >
                  Remove
                </Button>
              </div>
            </div>
          ))}
          <FieldError id="schedules-error" message={listError} />
          <Button
            variant="secondary"
            onClick={() =>
              setSchedules((list) => [...list, { name: `Schedule ${list.length + 1}`, preset: "monthly-1st", windowHours: 4, custom: EMPTY_CUSTOM }])
            }
          >
            Add a schedule
          </Button>
        </fieldset>
        <div aria-live="polite" className="space-y-3">
          {state.message ? <Alert tone={state.ok ? "info" : "error"}>{state.message}</Alert> : null}
          {state.data?.preview.length ? (
            <div className="rounded-xl border border-slate-200">
              <Table caption="The next ten upgrade windows">
                <thead>
                  <tr>
                    <Th>Schedule</Th>
                    <Th>Opens (UTC)</Th>
                    <Th>Closes (UTC)</Th>
                    {viewerZone !== "UTC" ? <Th>Opens ({viewerZone})</Th> : null}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100" data-testid="window-preview">
                  {state.data.preview.map((w) => (
                    <tr key={`${w.schedule}-${w.start}`}>
                      <Td>{w.schedule}</Td>
                      <Td className="tabular-nums">{fmt(w.start, "UTC")}</Td>
                      <Td className="tabular-nums">{fmt(w.end, "UTC")}</Td>
                      {viewerZone !== "UTC" ? <Td className="tabular-nums">{fmt(w.start, viewerZone)}</Td> : null}
                    </tr>
                  ))}
                </tbody>
              </Table>
            </div>
          ) : null}
        </div>
        <PreviewSaveButtons previewLabel="Preview the next ten windows" saveLabel={policy ? "Save changes" : "Create policy"} pending={pending} />
      </form>
      {policy && canDelete ? (
        <form action={removeAction} className="flex items-center gap-3 border-t border-slate-100 pt-4">
          <input type="hidden" name="id" value={policy.id} />
          <Button type="submit" variant="danger" disabled={removing}>
            Delete this policy
          </Button>
          {removal.message && !removal.ok ? <Alert tone="error">{removal.message}</Alert> : null}
        </form>
      ) : null}
    </div>
  );
}
