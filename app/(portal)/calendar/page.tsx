import type { Metadata } from "next";
import { DateTime } from "luxon";
import { PartyKindBadge } from "@/components/parties/party-kind-badge";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { TimeRange } from "@/components/ui/time";
import { requireUser } from "@/lib/auth/session";
import { listParties } from "@/lib/data/parties";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "Calendar" };

const DAY = 86_400_000;

export default async function CalendarPage() {
  await requireUser();
  const now = new Date();
  const [parties, zone] = await Promise.all([listParties(new Date(now.getTime() - 365 * DAY), new Date(now.getTime() + 730 * DAY)), viewerTimeZone()]);
  return (
    <>
      <PageHeader
        title="Patch calendar"
        description="QA parties run on a Thursday during business hours for non-production resources; production parties on the first Sunday at least three weeks later. Each patch group has its own slot."
        actions={
          <div className="flex items-center gap-3 text-xs text-slate-600" aria-label="Legend">
            <PartyKindBadge kind="qa" /> QA party
            <PartyKindBadge kind="production" /> Production party
          </div>
        }
      />
      {parties.length === 0 ? (
        <EmptyState title="No parties in this period" />
      ) : (
        <Card>
          <Table caption="Patch Parties from a year ago to two years ahead">
            <thead>
              <tr>
                <Th>Party</Th>
                <Th>Day</Th>
                {[1, 2, 3].map((g) => (
                  <Th key={g}>Group {g}</Th>
                ))}
                <Th>Status</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {parties.map((party) => (
                <tr key={`${party.tag}-${party.kind}`} className={party.endsAt < now ? "opacity-70" : undefined}>
                  <Td>
                    <div className="flex items-center gap-2">
                      <PartyKindBadge kind={party.kind} />
                      <span className="font-medium text-slate-900">{party.tag}</span>
                    </div>
                  </Td>
                  <Td className="whitespace-nowrap">{DateTime.fromISO(party.localDate).toFormat("ccc d LLL yyyy")}</Td>
                  {party.slots.map((slot) => (
                    <Td key={slot.group}>
                      <TimeRange start={slot.startsAt} end={slot.endsAt} viewerZone={zone} />
                    </Td>
                  ))}
                  <Td>
                    <Badge tone={party.status === "cancelled" ? "danger" : party.endsAt < now ? "neutral" : "info"}>
                      {party.status === "cancelled" ? "cancelled" : party.endsAt < now ? "done" : party.stored ? "planned" : "projected"}
                    </Badge>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
