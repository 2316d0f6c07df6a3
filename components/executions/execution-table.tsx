"use client";
// What a run recorded per member, as a table; where the viewer may record outcomes (members still
// waiting or running, of their team), with checkboxes and "Patched" / "Failed" for the selection.
// A client leaf: the rows arrive as data (docs/decisions/010-long-lists.md), and the selection lives here.
import Link from "next/link";
import { useState } from "react";
import type { ExecutionRow } from "@/lib/data/execution-rows";
import { Table, Td, Th } from "../ui/table";
import { Instant } from "../ui/time";
import { ExecutionStateBadge, ExecutorBadge } from "./execution-badges";
import { HealthFact, OutputDetails, PackageChanges, RebootFact } from "./execution-facts";
import { ManualOutcomeControls, type TargetFields } from "./manual-outcome-controls";

export const executionHref = (key: string) => `/executions/${encodeURIComponent(key)}`;

function runLabel(row: ExecutionRow) {
  if (row.party) return `${row.party.tag} ${row.party.kind === "qa" ? "QA" : "production"}, group ${row.party.group}`;
  if (row.template) return `Template ${row.template.name}`;
  return "—";
}

/** What a run recorded for the member; a member still waiting with nothing reported says just that. */
function WhatItDid({ row }: { row: ExecutionRow }) {
  const reported =
    row.exitStatus !== null ||
    row.rebootRequired !== null ||
    row.rebooted !== null ||
    row.healthCheck !== null ||
    row.packages.length > 0 ||
    row.outputLength > 0;
  if (!row.finishedAt && !reported && !row.message) return <p className="text-xs text-slate-500">Nothing reported yet.</p>;
  return (
    <div className="space-y-1.5 text-xs">
      {reported ? (
        <div className="flex flex-wrap items-center gap-1.5">
          {row.exitStatus !== null ? <span className="font-mono text-slate-700">exit {row.exitStatus}</span> : null}
          {row.rebootRequired !== null || row.rebooted !== null ? <RebootFact required={row.rebootRequired} rebooted={row.rebooted} /> : null}
          {row.healthCheck !== null ? <HealthFact healthCheck={row.healthCheck} /> : null}
        </div>
      ) : null}
      {row.packages.length > 0 || row.state === "SUCCEEDED" ? <PackageChanges packages={row.packages} limit={3} /> : null}
      {row.message ? <p className={row.state === "FAILED" ? "text-rose-700" : "text-slate-700"}>{row.message}</p> : null}
      {row.reportedBy ? <p className="text-slate-500">Reported by {row.reportedBy}</p> : null}
      {row.outputLength > 0 ? <OutputDetails output={row.outputTail} length={row.outputLength} fullHref={executionHref(row.key)} /> : null}
    </div>
  );
}

type Props = {
  caption: string;
  rows: ExecutionRow[];
  viewerZone: string;
  /** Keys of the rows whose outcome this person may record (still open, and their team's). */
  reportable?: string[];
  target?: TargetFields;
  /** "member" on a slot's or a template's page; "run" on a resource's (the member is the page). */
  subject?: "member" | "run";
  testId?: string;
};

export function ExecutionTable({ caption, rows, viewerZone, reportable = [], target, subject = "member", testId }: Props) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const selectable = new Set(reportable);
  const withBoxes = target !== undefined && selectable.size > 0;
  const allOn = withBoxes && [...selectable].every((k) => selected.has(k));
  const toggle = (key: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });

  const table = (
    <Table caption={caption}>
      <thead>
        <tr>
          {withBoxes ? (
            <Th className="w-10">
              <input
                type="checkbox"
                aria-label="Select every member on this page that waits for an outcome"
                checked={allOn}
                onChange={(e) => setSelected(e.target.checked ? new Set(selectable) : new Set())}
                className="size-4 accent-indigo-600"
              />
            </Th>
          ) : null}
          <Th>{subject === "member" ? "Member" : "Run"}</Th>
          <Th>State</Th>
          <Th>Started · finished</Th>
          <Th>What it did</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100" data-testid={testId}>
        {rows.map((row) => {
          const canPick = withBoxes && selectable.has(row.key);
          return (
            <tr key={row.key} data-state={row.state}>
              {withBoxes ? (
                <Td>
                  {canPick ? (
                    <input
                      type="checkbox"
                      name="key"
                      value={row.key}
                      checked={selected.has(row.key)}
                      onChange={(e) => toggle(row.key, e.target.checked)}
                      aria-label={`Select ${row.memberName}`}
                      className="size-4 accent-indigo-600"
                    />
                  ) : null}
                </Td>
              ) : null}
              <Td>
                <Link href={executionHref(row.key)} className={subject === "member" ? "row-link-mono" : "row-link whitespace-nowrap"}>
                  {subject === "member" ? row.memberName : runLabel(row)}
                </Link>
                {row.template ? (
                  <div className="mt-0.5 whitespace-nowrap font-mono text-xs text-slate-500">
                    {row.fromVersion || "?"} → {row.toVersion}
                  </div>
                ) : null}
              </Td>
              {/* relative: a screen reader's text (sr-only, absolutely placed) stays inside the scrolling table. */}
              <Td className="relative">
                <div className="flex flex-col items-start gap-1">
                  <ExecutionStateBadge state={row.state} />
                  <ExecutorBadge executor={row.executor} />
                </div>
              </Td>
              <Td>
                <dl className="space-y-1.5 text-xs">
                  <div>
                    <dt className="text-slate-500">Started</dt>
                    <dd>{row.startedAt ? <Instant at={row.startedAt} viewerZone={viewerZone} /> : <span className="text-slate-500">not yet</span>}</dd>
                  </div>
                  <div>
                    <dt className="text-slate-500">{row.finishedAt ? "Finished" : "Outcome due by"}</dt>
                    <dd>
                      <Instant at={row.finishedAt ?? row.deadline} viewerZone={viewerZone} />
                    </dd>
                  </div>
                </dl>
              </Td>
              <Td className="relative min-w-64 max-w-xl">
                <WhatItDid row={row} />
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );

  if (!withBoxes) return table;
  return (
    <ManualOutcomeControls
      target={target}
      count={selected.size}
      onRecorded={() => setSelected(new Set())}
      label={`${selected.size} of ${selectable.size} waiting on this page selected`}
    >
      {table}
    </ManualOutcomeControls>
  );
}
