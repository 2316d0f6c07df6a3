// A run's executions on the party slot's and the template's pages: counts by state (an
// aggregate), a bounded page of members filtered by state with a link to the next, and, for
// people who may, outcomes recorded by hand or from a CSV file.
import Link from "next/link";
import type { ReactNode } from "react";
import { can, type CurrentUser } from "@/lib/auth/permissions";
import type { ExecutionRow, StateCounts } from "@/lib/data/execution-rows";
import type { ExecutionState } from "@/lib/data/executions";
import { MANUAL_CSV_MAX_BYTES } from "@/lib/validation/manual-outcomes";
import { Alert } from "../ui/alert";
import { ButtonLink } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { ExecutionTable } from "./execution-table";
import { EXECUTION_STATE_LABELS, EXECUTION_STATES, isOpen } from "./labels";
import { ManualCsvForm } from "./manual-csv-form";
import type { TargetFields } from "./manual-outcome-controls";

/** What a page hands the slot's or the run's panel: a page of members filtered by state, and what the viewer may record. */
export type ExecutionsPage = {
  state: ExecutionState | null;
  after: string | null;
  rows: ExecutionRow[];
  next: string | null;
  viewerZone: string;
  /** Keys on this page whose outcome the viewer may record. */
  reportable: string[];
  /** Whether the viewer may record outcomes here, by hand or by CSV (admins; owners for their team's members). */
  mayRecord: boolean;
};

type Props = {
  id: string;
  title: ReactNode;
  description?: ReactNode;
  /** Above the list, e.g. which slot. */
  picker?: ReactNode;
  counts: StateCounts;
  page: ExecutionsPage;
  /** The same list with another state filter or cursor. */
  href: (change: { state?: ExecutionState | null; after?: string | null }) => string;
  /** Where recorded outcomes go, when the viewer may record them. */
  target: TargetFields;
  csvExample: string;
  testId: string;
};

/** The panels' `reportable` and `mayRecord`: the open rows the viewer may record, and whether they may record here at all (admins; owners for their team's members). */
export function recordingRights(user: CurrentUser, rows: ExecutionRow[]): { reportable: string[]; mayRecord: boolean } {
  const mayReport = (teamId: string | null) => can(user, { action: "execution:report", target: { teamId } });
  return {
    reportable: rows.filter((r) => isOpen(r.state) && mayReport(r.teamId)).map((r) => r.key),
    mayRecord: user.role === "ADMIN" || user.teamIds.some((teamId) => mayReport(teamId)),
  };
}

export function ExecutionsPanel(p: Props) {
  const { state, rows } = p.page;
  const target = p.page.mayRecord ? p.target : null;
  const total = EXECUTION_STATES.reduce((sum, s) => sum + (p.counts[s] ?? 0), 0);
  const open = (p.counts.QUEUED ?? 0) + (p.counts.RUNNING ?? 0);
  const simulated = rows.some((r) => r.executor === "simulated");
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
                href={p.href({ state: s, after: null })}
                aria-current={state === s ? "page" : undefined}
                data-state={s ?? "ALL"}
                className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-700"
              >
                {s ? EXECUTION_STATE_LABELS[s] : "All"}{" "}
                {/* Slate 500 on the current tab's indigo 50 is 4.26:1, under AA's 4.5: the current count takes the tab's colour. */}
                <span className={state === s ? "tabular-nums" : "tabular-nums text-slate-500"}>{n.toLocaleString("en")}</span>
              </Link>
            );
          })}
        </nav>
        {simulated ? <Alert tone="warning">Simulated: these outcomes are made up (demo data); no server was touched.</Alert> : null}
      </CardBody>
      {rows.length === 0 ? (
        <CardBody>
          <EmptyState title={state ? `No member is ${EXECUTION_STATE_LABELS[state].toLowerCase()}` : "No member has started yet"}>
            {state ? "Pick another state above." : "Members appear here as the rollout starts them."}
          </EmptyState>
        </CardBody>
      ) : (
        <ExecutionTable
          caption="Members of this run"
          rows={rows}
          viewerZone={p.page.viewerZone}
          reportable={p.page.reportable}
          target={target ?? undefined}
          testId={`${p.testId}-rows`}
        />
      )}
      {p.page.after || p.page.next ? (
        <div className="px-5 pb-4">
          <nav aria-label="Pages of members" className="mt-4 flex gap-2">
            {p.page.after ? <ButtonLink href={p.href({ after: null })}>First page</ButtonLink> : null}
            {p.page.next ? <ButtonLink href={p.href({ after: p.page.next })}>More members</ButtonLink> : null}
          </nav>
        </div>
      ) : null}
      {target && open > 0 ? (
        <div className="border-t border-slate-100 px-5 py-4">
          <details>
            <summary className="cursor-pointer text-sm font-medium text-slate-800 hover:text-indigo-700">Record outcomes from a CSV file</summary>
            <div className="mt-3">
              <ManualCsvForm target={target} example={p.csvExample} maxBytes={MANUAL_CSV_MAX_BYTES} />
            </div>
          </details>
        </div>
      ) : null}
    </Card>
  );
}
