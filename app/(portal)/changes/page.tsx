import { FilterTabs } from "@/components/ui/filter-tabs";
import type { Metadata } from "next";
import Link from "next/link";
import { ChangeStateBadge } from "@/components/changes/change-state-badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { NewestFirstPager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { TimeRange } from "@/components/ui/time";
import { requireUser } from "@/lib/auth/session";
import { listChanges } from "@/lib/data/change-requests";
import { CHANGE_STATE_LABELS, type ChangeStateName } from "@/lib/domain/changes";
import { ChangeListQuerySchema } from "@/lib/validation/changes";
import { viewerTimeZone } from "@/lib/viewer";
import { withQuery } from "@/lib/url";

export const metadata: Metadata = { title: "Change requests" };

const STATES = Object.keys(CHANGE_STATE_LABELS) as ChangeStateName[];

export default async function ChangesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const query = ChangeListQuerySchema.safeParse(await searchParams);
  const filter = query.success ? query.data : {};
  const [page, zone] = await Promise.all([listChanges({ state: filter.state, before: filter.cursor }), viewerTimeZone()]);
  const href = (state: ChangeStateName | null, cursor?: string) => withQuery("/changes", { state, cursor });
  return (
    <>
      <PageHeader
        title="Change requests"
        description="Every production party and fleet upgrade carries one. Approvers (the CAB) approve or reject submitted requests; someone else than the requester decides."
      />
      <FilterTabs label="Filter by state" className="mb-4" values={STATES} current={filter.state ?? null} labels={CHANGE_STATE_LABELS} href={(s) => href(s)} />
      {page.changes.length === 0 ? (
        <EmptyState title="No change requests here">Open one from a production party or a template with a pending upgrade.</EmptyState>
      ) : (
        <Card>
          <Table caption="Change requests">
            <thead>
              <tr>
                <Th>Change</Th>
                <Th>Planned window</Th>
                <Th>State</Th>
                <Th>Requested by</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.changes.map((c) => (
                <tr key={c.id}>
                  <Td>
                    <Link href={`/changes/${c.id}`} className="row-link">
                      {c.title}
                    </Link>
                  </Td>
                  <Td>
                    <TimeRange start={c.plannedStart} end={c.plannedEnd} viewerZone={zone} withDate />
                  </Td>
                  <Td>
                    <ChangeStateBadge state={c.state} />
                  </Td>
                  <Td className="text-xs text-slate-600">{c.requestedBy}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <NewestFirstPager href={(cursor) => href(filter.state ?? null, cursor)} paged={Boolean(filter.cursor)} next={page.next} />
    </>
  );
}
