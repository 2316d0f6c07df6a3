// A run's executions on the party slot's and the template's pages: counts by state (an
// aggregate), a bounded page of members filtered by state with a link to the next, and, for
// people who may, outcomes recorded by hand or from a CSV file.
import Link from "next/link";
import type { ReactNode } from "react";
import type { ExecutionRow, StateCounts } from "@/lib/data/execution-rows";
import type { ExecutionState } from "@/lib/data/executions";
import { Alert } from "../ui/alert";
import { ButtonLink } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { ExecutionTable } from "./execution-table";
import { EXECUTION_STATE_LABELS, EXECUTION_STATES } from "./labels";
import { ManualCsvForm } from "./manual-csv-form";
import type { TargetFields } from "./manual-outcome-controls";

type Props = {
  id: string;
  title: ReactNode;
  description?: ReactNode;
  /** Above the list, e.g. which slot. */
  picker?: ReactNode;
  counts: StateCounts;
  state: ExecutionState | null;
  rows: ExecutionRow[];
  stateHref: (state: ExecutionState | null) => string;
  firstHref: string | null;
  nextHref: string | null;
  viewerZone: string;
  /** Keys on this page whose outcome the viewer may record. */
  reportable: string[];
  /** Set when the viewer may record outcomes here (by hand or by CSV). */
  target: TargetFields | null;
  csvExample: string;
  csvMaxBytes: number;
  testId: string;
};

export function ExecutionsPanel(p: Props) {
  const total = EXECUTION_STATES.reduce((sum, s) => sum + (p.counts[s] ?? 0), 0);
  const open = (p.counts.QUEUED ?? 0) + (p.counts.RUNNING ?? 0);
  const simulated = p.rows.some((r) => r.executor === "simulated");
  return (
    <Card aria-labelledby={p.id} className="mt-6" data-testid={p.testId}>
      <CardHeader id={p.id} title={p.title} description={p.description} />
      <CardBody className="space-y-3">
        {p.picker}
        <nav aria-label="Filter members by state" className="flex flex-wrap gap-1 text-sm" data-testid={`${p.testId}-counts`}>
          {[null, ...EXECUTION_STATES].map((s) => {
            const n = s === null ? total : (p.counts[s] ?? 0);
            return (
              <Link
                key={s ?? "all"}
                href={p.stateHref(s)}
                aria-current={p.state === s ? "page" : undefined}
                data-state={s ?? "ALL"}
                className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
              >
                {s ? EXECUTION_STATE_LABELS[s] : "All"} <span className="tabular-nums text-slate-500">{n.toLocaleString("en")}</span>
              </Link>
            );
          })}
        </nav>
        {simulated ? <Alert tone="warning">Simulated: these outcomes are made up (demo data); no server was touched.</Alert> : null}
      </CardBody>
      {p.rows.length === 0 ? (
        <CardBody>
          <EmptyState title={p.state ? `No member is ${EXECUTION_STATE_LABELS[p.state].toLowerCase()}` : "No member has started yet"}>
            {p.state ? "Pick another state above." : "Members appear here as the rollout starts them."}
          </EmptyState>
        </CardBody>
      ) : (
        <ExecutionTable
          caption="Members of this run"
          rows={p.rows}
          viewerZone={p.viewerZone}
          reportable={p.reportable}
          target={p.target ?? undefined}
          testId={`${p.testId}-rows`}
        />
      )}
      {p.firstHref || p.nextHref ? (
        <div className="px-5 pb-4">
          <nav aria-label="Pages of members" className="mt-4 flex gap-2">
            {p.firstHref ? <ButtonLink href={p.firstHref}>First page</ButtonLink> : null}
            {p.nextHref ? <ButtonLink href={p.nextHref}>More members</ButtonLink> : null}
          </nav>
        </div>
      ) : null}
      {p.target && open > 0 ? (
        <div className="border-t border-slate-100 px-5 py-4">
          <details>
            <summary className="cursor-pointer text-sm font-medium text-slate-800 hover:text-indigo-700">Record outcomes from a CSV file</summary>
            <div className="mt-3">
              <ManualCsvForm target={p.target} example={p.csvExample} maxBytes={p.csvMaxBytes} />
            </div>
          </details>
        </div>
      ) : null}
    </Card>
  );
}
