import { FilterTabs } from "@/components/ui/filter-tabs";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { NOTICE_KIND_LABELS, NoticeStateBadge } from "@/components/notifications/notice-state-badge";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { NewestFirstPager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { can, noticeTeams } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listNotifications } from "@/lib/data/notifications";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import { NotificationQuerySchema } from "@/lib/validation/changes";
import { withQuery } from "@/lib/url";

export const metadata: Metadata = { title: "Customer notices" };

const STATES = ["PENDING", "SENDING", "SENT", "FAILED"] as const;
const STATE_LABELS = { PENDING: "Pending", SENDING: "Sending", SENT: "Sent", FAILED: "Failed" } as const;

export default async function NotificationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  if (!can(user, { action: "notice:read" })) notFound();
  const query = NotificationQuerySchema.safeParse(await searchParams);
  const filter = query.success ? query.data : {};
  const page = await listNotifications({ state: filter.state, before: filter.cursor, teamIds: noticeTeams(user) });
  const href = (state: string | null, cursor?: string) => withQuery("/notifications", { state, cursor });
  return (
    <>
      <PageHeader
        title="Customer notices"
        description="Each team's contacts are told of a maintenance window — a production Patch Party, or a fleet upgrade of their servers — 14 days before it, again when it moves or is cancelled, and when it is over, by e-mail with the window as a calendar invitation."
      />
      {!env().SMTP_URL ? (
        <div className="mb-4">
          <Alert tone="info">No SMTP server is configured (SMTP_URL), so notices are recorded here and wait to be sent.</Alert>
        </div>
      ) : null}
      <FilterTabs label="Filter by state" className="mb-4" values={STATES} current={filter.state ?? null} labels={STATE_LABELS} href={(s) => href(s)} />
      {page.notifications.length === 0 ? (
        <EmptyState title="No notices here">Notices appear 14 days before each production party and each fleet upgrade.</EmptyState>
      ) : (
        <Card>
          <Table caption="Customer notices">
            <thead>
              <tr>
                <Th>Notice</Th>
                <Th>Recipient</Th>
                <Th>Window (UTC)</Th>
                <Th>State</Th>
                <Th>Sent (UTC)</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.notifications.map((n) => (
                <tr key={n.id}>
                  <Td>
                    <div className="text-xs font-medium text-slate-500">{NOTICE_KIND_LABELS[n.kind] ?? n.kind}</div>
                    {n.partyTag ? (
                      <Link href={`/parties/${n.partyTag}/production`} className="text-indigo-700 hover:underline">
                        {n.subject}
                      </Link>
                    ) : n.template ? (
                      <Link href={`/templates/${n.template.id}`} className="text-indigo-700 hover:underline">
                        {n.subject}
                      </Link>
                    ) : (
                      n.subject
                    )}
                  </Td>
                  <Td className="text-xs">{n.recipient}</Td>
                  <Td className="tabular-nums text-xs">{n.windowStart ? formatDateTime(n.windowStart, "UTC") : "—"}</Td>
                  <Td>
                    <NoticeStateBadge state={n.state} />
                    {n.lastError ? <p className="mt-1 max-w-xs text-xs text-rose-700">{n.lastError}</p> : null}
                  </Td>
                  <Td className="tabular-nums text-xs">{n.sentAt ? formatDateTime(n.sentAt, "UTC") : "—"}</Td>
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
