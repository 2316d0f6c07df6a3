import type { Metadata } from "next";
import { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { listAuditEvents } from "@/lib/data/audit-log";
import { formatDateTime } from "@/lib/format";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "Audit" };

const QuerySchema = z.object({ before: z.string().regex(/^\d{1,18}$/).transform(BigInt).optional().catch(undefined) });

function summary(value: unknown) {
  if (value === null || value === undefined) return "–";
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const { before } = QuerySchema.parse(await searchParams);
  const [{ rows, next }, zone] = await Promise.all([listAuditEvents({ before }), viewerTimeZone()]);
  return (
    <>
      <PageHeader title="Audit" description="Every change a person or the scheduler made: who, what, before and after, when." />
      {rows.length === 0 ? (
        <EmptyState title="Nothing recorded yet" />
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
            <tbody className="divide-y divide-slate-100">
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
                  <Td className="font-medium text-slate-900">{e.entityLabel}</Td>
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
      <nav aria-label="Pages" className="mt-4 flex gap-2">
        {before ? <ButtonLink href="/audit">Newest</ButtonLink> : null}
        {next ? <ButtonLink href={`/audit?before=${next}`}>Older</ButtonLink> : null}
      </nav>
    </>
  );
}
