"use client";

import { useState, type FormEvent } from "react";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { CsvErrorTable, type CsvLineError } from "../ui/csv-error-table";

type State =
  | { step: "idle" }
  | { step: "working"; phase: string; done: number; total: number }
  | { step: "errors"; message: string; errors: CsvLineError[] }
  | { step: "done"; created: number; updated: number; unchanged: number };

export function ImportForm() {
  const [state, setState] = useState<State>({ step: "idle" });

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get("file");
    if (!(file instanceof File) || file.size === 0) {
      setState({ step: "errors", message: "Choose a CSV file first.", errors: [] });
      return;
    }
    setState({ step: "working", phase: "upload", done: 0, total: 0 });
    const response = await fetch("/api/v1/resources.csv", {
      method: "POST",
      body: file,
      headers: { Accept: "application/x-ndjson", "Content-Type": "text/csv" },
    });
    if (!response.ok || !response.body) {
      const body = (await response.json().catch(() => null)) as { error?: string } | null;
      setState({ step: "errors", message: body?.error ?? "The import failed.", errors: [] });
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as {
          phase: string;
          done?: number;
          total?: number;
          message?: string;
          errors?: CsvLineError[];
          created?: number;
          updated?: number;
          unchanged?: number;
        };
        if (event.phase === "error") setState({ step: "errors", message: event.message ?? "The file has errors.", errors: event.errors ?? [] });
        else if (event.phase === "done") setState({ step: "done", created: event.created ?? 0, updated: event.updated ?? 0, unchanged: event.unchanged ?? 0 });
        else setState({ step: "working", phase: event.phase, done: event.done ?? 0, total: event.total ?? 0 });
      }
    }
  }

  const working = state.step === "working";
  return (
    <div className="space-y-5">
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="csv-file" className="block text-sm font-medium text-slate-800">
            CSV file
          </label>
          <input
            id="csv-file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            className="mt-1 block text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium"
          />
        </div>
        <Button type="submit" disabled={working}>
          {working ? "Importing…" : "Check and import"}
        </Button>
      </form>
      <div aria-live="polite" className="space-y-3">
        {state.step === "working" ? (
          <div role="status" className="space-y-1 text-sm text-slate-600">
            <p>
              {state.phase === "upload"
                ? "Uploading…"
                : state.phase === "validate"
                  ? "Checking every row…"
                  : `Writing ${state.done.toLocaleString("en")} of ${state.total.toLocaleString("en")} rows…`}
            </p>
            <progress
              className="h-2 w-full max-w-md accent-indigo-600"
              value={state.phase === "apply" ? state.done : undefined}
              max={state.phase === "apply" ? state.total : undefined}
            />
          </div>
        ) : null}
        {state.step === "done" ? (
          <Alert tone="success">
            Imported: {state.created.toLocaleString("en")} created, {state.updated.toLocaleString("en")} updated, {state.unchanged.toLocaleString("en")}{" "}
            unchanged.
          </Alert>
        ) : null}
        {state.step === "errors" ? (
          <>
            <Alert tone="error">{state.message}</Alert>
            {state.errors.length ? <CsvErrorTable errors={state.errors} testId="import-errors" /> : null}
          </>
        ) : null}
      </div>
    </div>
  );
}
