import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClass } from "@/components/ui/field";
import { FilterSelect, type FilterOption } from "@/components/ui/filter-select";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listAuditEvents } from "@/lib/data/audit-log";
import { formatDateTime } from "@/lib/format";
import { AUDIT_ACTIONS, auditQueryFromSearchParams } from "@/lib/validation/audit";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "Audit" };

function summary(value: unknown) {
  if (value === null || value === undefined) return "–";
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}

function Filter({ label, name, value, type = "text", placeholder }: { label: string; name: string; value?: string; type?: string; placeholder?: string }) {
  return (
    <div>
      <label htmlFor={`audit-${name}`} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      <input id={`audit-${name}`} name={name} type={type} defaultValue={value} placeholder={placeholder} className={`${inputClass} mt-1`} />
    </div>
  );
}

const isoDay = (d?: Date) => d?.toISOString().slice(0, 10);

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!can(await requireUser(), { action: "audit:read" })) notFound();
  const query = auditQueryFromSearchParams(await searchParams);
  const [{ rows, nextCursor }, zone] = await Promise.all([listAuditEvents(query), viewerTimeZone()]);
  const params = new URLSearchParams();
  if (query.actor) params.set("actor", query.actor);
  if (query.resource) params.set("resource", query.resource);
  if (query.action) params.set("action", query.action);
  if (query.from) params.set("from", isoDay(query.from)!);
  if (query.to) params.set("to", isoDay(query.to)!);
  const base = params.toString();
  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("cursor", nextCursor);
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every change a person or the scheduler made: who, what, before and after, why, when."
        actions={
          // A plain link: next/link would prefetch the download.
          <a href={`/api/v1/audit.csv${base ? `?${base}` : ""}`} download className={buttonClass("secondary")}>
            Download CSV
          </a>
        }
      />
      <form
        role="search"
        aria-label="Filter the audit"
        action="/audit"
        className="mb-4 grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-3 lg:grid-cols-6"
      >
        <Filter label="Person (e-mail)" name="actor" value={query.actor} placeholder="owner@example.com" />
        <Filter label="Resource" name="resource" value={query.resource} placeholder="exact name" />
        <FilterSelect
          id="audit-action"
          label="Action"
          name="action"
          value={query.action}
          options={[["", "Any"], ...AUDIT_ACTIONS.map((a): FilterOption => [a, a])]}
          fixed
        />
        <Filter label="From (UTC day)" name="from" type="date" value={isoDay(query.from)} />
        <Filter label="To (UTC day)" name="to" type="date" value={isoDay(query.to)} />
        <div className="flex items-end gap-2">
          <button type="submit" className={buttonClass("primary")}>
            Filter
          </button>
          <Link href="/audit" className={buttonClass("ghost")}>
            Clear
          </Link>
        </div>
      </form>
      {rows.length === 0 ? (
        <EmptyState title="Nothing recorded matches">Loosen the filters, or clear them.</EmptyState>
      ) : (
        <Card>
          <Table caption="Audit events, newest first">
            <thead>
              <tr>
                <Th>When (UTC)</Th>
                <Th>Who</Th>
                <Th>Action</Th>
                <Th>What</Th>
                <Th>Before → after</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100" data-testid="audit-rows">
              {rows.map((e) => (
                <tr key={String(e.id)}>
                  <Td className="whitespace-nowrap tabular-nums">
                    {formatDateTime(e.at, "UTC")}
                    {zone !== "UTC" ? <span className="block text-xs text-slate-500">{formatDateTime(e.at, zone)} your time</span> : null}
                  </Td>
                  <Td>{e.actorLabel}</Td>
                  <Td>
                    <Badge>{e.action}</Badge>
                  </Td>
                  <Td className="font-medium text-slate-900">
                    {e.entityType === "resource" ? (
                      <Link href={`/resources/${encodeURIComponent(e.entityLabel)}`} className="font-mono text-xs text-indigo-700 hover:underline">
                        {e.entityLabel}
                      </Link>
                    ) : (
                      e.entityLabel
                    )}
                  </Td>
                  <Td className="max-w-md text-xs text-slate-600">
                    {summary(e.before)} → {summary(e.after)}
                    {e.reason ? <span className="block italic">Reason: {e.reason}</span> : null}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <Pager
        firstHref={query.cursor ? `/audit${base ? `?${base}` : ""}` : null}
        firstLabel="Newest"
        nextHref={nextCursor ? `/audit?${nextParams}` : null}
        nextLabel="Older"
      />
    </>
  );
}
