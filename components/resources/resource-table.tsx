"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import { bulkResourcesAction } from "@/lib/actions/resources";
import type { ResourceFilters } from "@/lib/validation/resources";
import { REASON_MAX } from "@/lib/validation/limits";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Field, GroupPicker, TextAreaField } from "../ui/field";
import { Table, Td, Th } from "../ui/table";

export type ResourceRowView = {
  id: string;
  name: string;
  kindLabel: string;
  production: boolean;
  teamName: string;
  clusterName: string | null;
  patchGroup: number;
  excluded: boolean;
  exclusionReason: string | null;
  lastPatchTag: string | null;
  lastPatched: string | null;
  failedLast: boolean;
  /** Its last update scan's counts (0 and false when never scanned). */
  pendingUpdates: number;
  securityUpdates: number;
  rebootPending: boolean;
  /** Gone from its inventory source: kept with its history, in no party (shown with the list's "Retired" filter). */
  retired?: boolean;
};

type Props = { rows: ResourceRowView[]; canBulk: boolean; filters: ResourceFilters; matching: string; matchingCount: number };

function BulkForm({ kind, payload, onDone }: { kind: "exclude" | "include"; payload: string; onDone: () => void }) {
  const [state, action, pending] = useActionState(bulkResourcesAction, { ok: false });
  const result = state.data;
  return (
    <div className="space-y-4">
      {result ? (
        <div className="space-y-3" data-testid="bulk-result">
          <Alert tone={result.refusedCount ? "warning" : "success"}>{state.message}</Alert>
          {result.refused.length ? (
            <div>
              <p className="text-sm font-medium text-slate-800">Refused</p>
              <ul className="mt-1 max-h-48 space-y-1 overflow-auto text-xs text-slate-600">
                {result.refused.map((r) => (
                  <li key={r.name}>
                    <span className="font-mono">{r.name}</span>: {r.reason}
                  </li>
                ))}
                {result.refusedCount > result.refused.length ? <li>…and {result.refusedCount - result.refused.length} more</li> : null}
              </ul>
            </div>
          ) : null}
          <Button variant="secondary" onClick={onDone}>
            Done
          </Button>
        </div>
      ) : (
        <form action={action} className="space-y-4" noValidate>
          <input type="hidden" name="payload" value={payload} />
          {kind === "exclude" ? (
            <>
              <TextAreaField label="Why are they excluded?" name="reason" required maxLength={REASON_MAX} error={state.fieldErrors?.reason?.[0]} />
              <Field label="Include again automatically on (optional)" name="until" type="date" error={state.fieldErrors?.until?.[0]} />
            </>
          ) : (
            <GroupPicker error={state.fieldErrors?.group?.[0]} />
          )}
          <div aria-live="polite">{state.message && !state.ok ? <Alert tone="error">{state.message}</Alert> : null}</div>
          <Button type="submit" variant={kind === "exclude" ? "danger" : "primary"} disabled={pending}>
            {pending ? "Working…" : kind === "exclude" ? "Exclude them" : "Include them"}
          </Button>
        </form>
      )}
    </div>
  );
}

export function ResourceTable({ rows, canBulk, filters, matching, matchingCount }: Props) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [dialog, setDialog] = useState<"exclude" | "include" | null>(null);
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const toggle = (id: string) => {
    setAllMatching(false);
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const togglePage = () => {
    setAllMatching(false);
    setSelected(allOnPage ? new Set() : new Set(rows.map((r) => r.id)));
  };
  const payload = JSON.stringify({ action: dialog, selection: allMatching ? { mode: "filter", filters } : { mode: "ids", ids: [...selected] } });
  const count = allMatching ? matching : String(selected.size);
  return (
    <>
      {canBulk && (selected.size > 0 || allMatching) ? (
        <div
          role="region"
          aria-label="Bulk actions"
          className="mb-3 flex flex-wrap items-center gap-3 rounded-lg bg-indigo-50 px-4 py-2.5 text-sm ring-1 ring-indigo-200"
        >
          <span className="font-medium text-indigo-900" data-testid="selection-count">
            {allMatching ? `All ${matching} matching resources selected` : `${selected.size} selected`}
          </span>
          {!allMatching && allOnPage && matchingCount > rows.length ? (
            <Button variant="ghost" onClick={() => setAllMatching(true)}>
              Select all {matching} matching this filter
            </Button>
          ) : null}
          <span className="flex-1" />
          <Button variant="danger" onClick={() => setDialog("exclude")}>
            Exclude…
          </Button>
          <Button onClick={() => setDialog("include")}>Include into a group…</Button>
          <Button
            variant="ghost"
            onClick={() => {
              setSelected(new Set());
              setAllMatching(false);
            }}
          >
            Clear
          </Button>
        </div>
      ) : null}
      <Table caption="Resources">
        <thead>
          <tr>
            {canBulk ? (
              <Th className="w-10">
                <input
                  type="checkbox"
                  aria-label="Select every resource on this page"
                  checked={allOnPage}
                  onChange={togglePage}
                  className="accent-indigo-600"
                />
              </Th>
            ) : null}
            <Th>Name</Th>
            <Th>Kind</Th>
            <Th>Environment</Th>
            <Th>Team</Th>
            <Th>Cluster</Th>
            <Th>Group</Th>
            <Th>Patching</Th>
            <Th>Last patch</Th>
            <Th>Updates</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 bg-white">
          {rows.map((r) => (
            <tr key={r.id} className={selected.has(r.id) || allMatching ? "bg-indigo-50/50" : undefined}>
              {canBulk ? (
                <Td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.name}`}
                    checked={allMatching || selected.has(r.id)}
                    onChange={() => toggle(r.id)}
                    className="accent-indigo-600"
                  />
                </Td>
              ) : null}
              <Td>
                <Link href={`/resources/${encodeURIComponent(r.name)}`} className="row-link-mono">
                  {r.name}
                </Link>
              </Td>
              <Td>{r.kindLabel}</Td>
              <Td>
                <Badge tone={r.production ? "production" : "qa"}>{r.production ? "production" : "non-production"}</Badge>
              </Td>
              <Td>{r.teamName}</Td>
              <Td className="whitespace-nowrap font-mono text-xs">{r.clusterName ?? "–"}</Td>
              <Td className="tabular-nums">{r.patchGroup}</Td>
              <Td>
                {r.retired ? (
                  <Badge tone="danger" className="mr-1">
                    retired
                  </Badge>
                ) : null}
                {r.excluded ? (
                  <span title={r.exclusionReason ?? undefined}>
                    <Badge tone="warning">excluded</Badge>
                  </span>
                ) : (
                  <Badge tone="success">included</Badge>
                )}
              </Td>
              <Td className="whitespace-nowrap">
                {r.lastPatchTag ?? <span className="text-slate-500">never</span>}
                {r.failedLast ? (
                  <Badge tone="danger" className="ml-2">
                    failed last time
                  </Badge>
                ) : null}
              </Td>
              <Td className="whitespace-nowrap">
                {r.securityUpdates > 0 ? (
                  <span title={`${r.pendingUpdates} pending, ${r.securityUpdates} of them security updates`}>
                    <Badge tone="danger">{r.securityUpdates} security</Badge>
                  </span>
                ) : r.pendingUpdates > 0 ? (
                  <span className="text-slate-600">{r.pendingUpdates} pending</span>
                ) : (
                  <span className="text-slate-500">–</span>
                )}
                {r.rebootPending ? (
                  <Badge tone="warning" className="ml-2">
                    reboot pending
                  </Badge>
                ) : null}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Dialog
        open={dialog !== null}
        onClose={() => setDialog(null)}
        title={dialog === "exclude" ? `Exclude ${count} resources` : `Include ${count} resources`}
        description="Only resources you may change are touched; the result lists the others."
      >
        {dialog ? (
          <BulkForm
            key={`${dialog}-${payload}`}
            kind={dialog}
            payload={payload}
            onDone={() => {
              setDialog(null);
              setSelected(new Set());
              setAllMatching(false);
            }}
          />
        ) : null}
      </Dialog>
    </>
  );
}
