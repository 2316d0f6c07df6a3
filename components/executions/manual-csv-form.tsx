"use client";
// Outcomes from a CSV file for a party slot or a template: every row is checked first, then all
// are recorded, or none; the errors come back by line.
import { useActionState, useId, useRef } from "react";
import { importManualOutcomesAction } from "@/lib/actions/manual-outcomes";
import type { FormResult } from "@/lib/actions/result";
import type { CsvError } from "@/lib/data/csv";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CsvErrorTable } from "../ui/csv-error-table";
import { TargetInputs, type TargetFields } from "./manual-outcome-controls";

/** `maxBytes`: lib/validation/manual-outcomes.ts MANUAL_CSV_MAX_BYTES, passed in so that the schemas stay on the server. */
export function ManualCsvForm({ target, example, maxBytes }: { target: TargetFields; example: string; maxBytes: number }) {
  const file = useRef<HTMLInputElement>(null);
  const id = useId();
  const [state, action, pending] = useActionState(
    async (previous: FormResult<CsvError[]>, form: FormData): Promise<FormResult<CsvError[]>> => {
      const chosen = form.get("file");
      // Checked here too: a body above the server's limit would never reach the action.
      if (chosen instanceof File && chosen.size > maxBytes)
        return { ok: false, message: "The file is larger than 900 kB: split it.", fieldErrors: { file: ["At most 900 kB."] } };
      const result = await importManualOutcomesAction(previous, form);
      if (result.ok && file.current) file.current.value = "";
      return result;
    },
    { ok: false },
  );
  const fileError = state.fieldErrors?.file?.[0];
  return (
    <form action={action} className="space-y-3" aria-label="Record outcomes from a CSV file">
      <TargetInputs target={target} />
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor={id} className="block text-sm font-medium text-slate-800">
            CSV file of outcomes
          </label>
          <input
            ref={file}
            id={id}
            name="file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby={`${id}-hint${fileError ? ` ${id}-error` : ""}`}
            aria-invalid={fileError ? true : undefined}
            className="mt-1 block max-w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium focus-visible:outline-2 focus-visible:outline-indigo-600"
          />
        </div>
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Checking and recording…" : "Check and record"}
        </Button>
      </div>
      <div id={`${id}-hint`} className="text-xs text-slate-500">
        Columns <code className="font-mono">key,state,message</code> or <code className="font-mono">member,state,message</code>; state is{" "}
        <code className="font-mono">patched</code> or <code className="font-mono">failed</code>, and a failed row says why. Every row is recorded, or none. At
        most 10,000 rows (900 kB).
        <details className="mt-1">
          <summary className="cursor-pointer text-indigo-700 hover:underline">Example</summary>
          <pre className="mt-1 overflow-x-auto rounded-md bg-slate-50 p-2 font-mono text-xs text-slate-800">{example}</pre>
        </details>
      </div>
      {fileError ? (
        <p id={`${id}-error`} className="text-xs text-rose-700">
          {fileError}
        </p>
      ) : null}
      <div aria-live="polite" className="space-y-3">
        {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
        {!state.ok && state.data?.length ? <CsvErrorTable errors={state.data} testId="outcome-csv-errors" /> : null}
      </div>
    </form>
  );
}
