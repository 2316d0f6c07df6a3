import type { Metadata } from "next";
import Link from "next/link";
import { DateTime } from "luxon";
import { PARTY_KIND_LABELS, PartyKindBadge } from "@/components/parties/party-kind-badge";
import { ResourceLink } from "@/components/resources/resource-link";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { TimeRange } from "@/components/ui/time";
import { requireUser } from "@/lib/auth/session";
import { getMyPatchDay } from "@/lib/data/my-patch-day";
import { listTeamNames } from "@/lib/data/users";
import { partyKey } from "@/lib/domain";
import { formatRelative } from "@/lib/format";
import { viewerTimeZone } from "@/lib/viewer";

export const metadata: Metadata = { title: "My patch day" };

export default async function MyPatchDayPage() {
  const user = await requireUser();
  const now = new Date();
  const [days, teams, zone] = await Promise.all([getMyPatchDay(user.teamIds, now), listTeamNames(user.teamIds), viewerTimeZone()]);
  return (
    <>
      <PageHeader
        title="My patch day"
        description={teams.length ? `What ${teams.join(" and ")} patch in the coming parties, slot by slot, and what is left out.` : undefined}
      />
      {user.teamIds.length === 0 ? (
        <EmptyState title="You are not in a team">Resource owners see their teams' resources here. Ask an admin to add you to your team.</EmptyState>
      ) : (
        <div className="space-y-6">
          {days.map(({ party, slots, excluded }) => (
            <Card key={partyKey(party)} aria-labelledby={`day-${partyKey(party)}`} data-testid="patch-day">
              <CardHeader
                id={`day-${partyKey(party)}`}
                title={
                  <Link href={`/parties/${party.tag}/${party.kind}`} className="flex items-center gap-2 hover:text-indigo-700">
                    {PARTY_KIND_LABELS[party.kind]} {party.tag} <PartyKindBadge kind={party.kind} />
                  </Link>
                }
                description={`${DateTime.fromISO(party.localDate).toFormat("cccc d LLLL yyyy")} · ${formatRelative(party.startsAt, now)}`}
              />
              <CardBody className="grid gap-4 md:grid-cols-3">
                {slots.map(({ slot, resources }) => (
                  <section key={slot.group} aria-label={`Group ${slot.group}`} className="rounded-lg border border-slate-100 p-3">
                    <h3 className="flex items-center justify-between text-sm font-semibold text-slate-800">
                      Group {slot.group} <Badge>{resources.length} resources</Badge>
                    </h3>
                    <p className="mt-1 text-sm">
                      <TimeRange start={slot.startsAt} end={slot.endsAt} viewerZone={zone} />
                    </p>
                    <details className="mt-2 text-sm">
                      <summary className="cursor-pointer text-indigo-700">Show them</summary>
                      <ul className="mt-1 max-h-60 space-y-0.5 overflow-auto">
                        {resources.map((r) => (
                          <li key={r.id}>
                            <ResourceLink name={r.name} className="text-slate-700" />
                          </li>
                        ))}
                      </ul>
                    </details>
                  </section>
                ))}
              </CardBody>
              {excluded.length ? (
                <div className="border-t border-slate-100 px-5 py-3">
                  <h3 className="text-sm font-semibold text-slate-800">Excluded ({excluded.length})</h3>
                  <ul className="mt-1 space-y-1 text-sm" data-testid="patch-day-excluded">
                    {excluded.map((r) => (
                      <li key={r.id}>
                        <ResourceLink name={r.name} />
                        <span className="text-slate-600"> — {r.exclusionReason}</span>
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
