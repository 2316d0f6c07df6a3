"use client";

import { useActionState } from "react";
import { partyRuleAction } from "@/lib/actions/calendar";
import type { PartyRule } from "@/lib/domain";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Instant } from "../ui/time";
import { useKeepValuesSubmit } from "../ui/use-keep-values-submit";
import { inputClass } from "../ui/field";
import { PreviewSaveButtons } from "../ui/preview-save-buttons";
import { Table, Td, Th } from "../ui/table";

function Input({
  label,
  name,
  defaultValue,
  type = "text",
  errors,
  ...rest
}: {
  label: string;
  name: string;
  defaultValue: string | number;
  type?: string;
  min?: number;
  max?: number;
  /** The last answer's messages by field name: this field's is shown under it. */
  errors: Record<string, string[] | undefined>;
}) {
  const error = errors[name]?.[0];
  return (
    <div>
      <label htmlFor={`rule-${name}`} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      <input
        id={`rule-${name}`}
        name={name}
        type={type}
        defaultValue={defaultValue}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `rule-${name}-error` : undefined}
        className={`${inputClass} mt-1`}
        {...rest}
      />
      {error ? (
        <p id={`rule-${name}-error`} className="mt-1 text-xs text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const fmt = (iso: string | null, zone: string) =>
  iso ? new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: zone }).format(new Date(iso)) : "–";

export function PartyRuleForm({ rule, revision, zones, viewerZone }: { rule: PartyRule; revision: number; zones: string[]; viewerZone: string }) {
  const [state, action] = useActionState(partyRuleAction, { ok: false });
  const submit = useKeepValuesSubmit(action);
  const pending = submit.pending;
  const errors = state.fieldErrors ?? {};
  const slot = (kind: "qa" | "prod", list: PartyRule["qaSlots"]) =>
    [...list]
      .sort((a, b) => a.group - b.group)
      .map((s) => (
        <div key={s.group} className="grid grid-cols-2 gap-2">
          <Input label={`Group ${s.group} from`} name={`${kind}${s.group}Start`} type="time" defaultValue={s.start} errors={errors} />
          <Input label="to" name={`${kind}${s.group}End`} type="time" defaultValue={s.end} errors={errors} />
        </div>
      ));
  return (
    <form onSubmit={submit.onSubmit} className="space-y-6" noValidate>
      <input type="hidden" name="revision" value={revision} />
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold text-slate-800">QA party</legend>
        <div>
          <label htmlFor="rule-qaThursdayOfMonth" className="block text-xs font-medium text-slate-600">
            Which Thursday
          </label>
          <select id="rule-qaThursdayOfMonth" name="qaThursdayOfMonth" defaultValue={rule.qaThursdayOfMonth} className={`${inputClass} mt-1`}>
            {[
              [1, "First"],
              [2, "Second"],
              [3, "Third"],
              [4, "Fourth"],
              [-1, "Last"],
            ].map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="rule-qaMonthOfQuarter" className="block text-xs font-medium text-slate-600">
            Of the quarter&apos;s
          </label>
          <select id="rule-qaMonthOfQuarter" name="qaMonthOfQuarter" defaultValue={rule.qaMonthOfQuarter} className={`${inputClass} mt-1`}>
            <option value={1}>first month</option>
            <option value={2}>second month</option>
            <option value={3}>third month</option>
          </select>
        </div>
        <div>
          <label htmlFor="rule-timeZone" className="block text-xs font-medium text-slate-600">
            Time zone
          </label>
          <select id="rule-timeZone" name="timeZone" defaultValue={rule.timeZone} className={`${inputClass} mt-1`}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </div>
        <Input label="Business hours from" name="businessStart" type="time" defaultValue={rule.businessHours.start} errors={errors} />
        <Input label="Business hours to" name="businessEnd" type="time" defaultValue={rule.businessHours.end} errors={errors} />
        <div />
        <div className="space-y-2 sm:col-span-3 sm:grid sm:grid-cols-3 sm:gap-4 sm:space-y-0">{slot("qa", rule.qaSlots)}</div>
      </fieldset>
      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold text-slate-800">Production party</legend>
        <Input
          label="First Sunday at least this many days after QA"
          name="productionMinGapDays"
          type="number"
          min={1}
          max={90}
          defaultValue={rule.productionMinGapDays}
          errors={errors}
        />
        <div className="space-y-2 sm:col-span-3 sm:grid sm:grid-cols-3 sm:gap-4 sm:space-y-0">{slot("prod", rule.productionSlots)}</div>
      </fieldset>
      <div aria-live="polite" className="space-y-3">
        {state.message ? <Alert tone={state.ok ? (state.data?.saved ? "success" : "info") : "error"}>{state.message}</Alert> : null}
        {state.data?.preview ? (
          <div className="rounded-xl border border-slate-200">
            <Table caption="The next eight parties under this rule">
              <thead>
                <tr>
                  <Th>Quarter</Th>
                  <Th>QA party starts ({rule.timeZone})</Th>
                  <Th>Production party starts ({rule.timeZone})</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100" data-testid="rule-preview">
                {state.data.preview.map((p) => (
                  <tr key={p.tag}>
                    <Td className="font-medium text-slate-900">{p.tag}</Td>
                    <Td>{fmt(p.qa, rule.timeZone)}</Td>
                    <Td>{fmt(p.production, rule.timeZone)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>
        ) : null}
        {state.data?.moves.length ? (
          <div className="rounded-xl border border-slate-200">
            <Table caption={state.data.saved ? "Parties this save moved, and those that kept their dates" : "Stored parties this rule would move"}>
              <thead>
                <tr>
                  <Th>Party</Th>
                  <Th>Starts now</Th>
                  <Th>The rule puts it at</Th>
                  <Th>Take care</Th>
                  <Th>{state.data.saved ? "Done" : "On save"}</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100" data-testid="rule-moves">
                {state.data.moves.map((m) => (
                  <tr key={`${m.tag}:${m.kind}`}>
                    <Td className="font-medium text-slate-900">
                      {m.tag} {m.kind === "qa" ? "QA" : "production"}
                    </Td>
                    <Td>
                      <Instant at={new Date(m.from)} viewerZone={viewerZone} />
                    </Td>
                    <Td>
                      <Instant at={new Date(m.to)} viewerZone={viewerZone} />
                    </Td>
                    <Td>
                      <span className="flex flex-wrap gap-1">
                        {m.announced ? <Badge tone="warning">Announced to customers</Badge> : null}
                        {m.soon ? <Badge tone="warning">Within 14 days</Badge> : null}
                        {m.approved ? <Badge tone="warning">Change approved</Badge> : null}
                        {!m.announced && !m.soon && !m.approved ? <span className="text-slate-500">–</span> : null}
                      </span>
                    </Td>
                    <Td>{m.kept ? <Badge tone="info">Keeps its date</Badge> : <Badge tone="neutral">{state.data?.saved ? "Moved" : "Moves"}</Badge>}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>
        ) : null}
      </div>
      <div className="flex items-start gap-2">
        <input id="rule-moveAnnounced" name="moveAnnounced" type="checkbox" className="mt-1 h-4 w-4 rounded border-slate-300" />
        <label htmlFor="rule-moveAnnounced" className="text-sm text-slate-700">
          Also move parties already announced to customers, less than 14 days away, or with an approved change. Without this they keep their dates (and the rule
          no longer moves them).
        </label>
      </div>
      <PreviewSaveButtons previewLabel="Preview the next eight" saveLabel="Save and regenerate" pending={pending} canSave={Boolean(state.data?.preview)} />
    </form>
  );
}
