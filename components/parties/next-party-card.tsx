import { DateTime } from "luxon";
import Link from "next/link";
import type { CalendarParty, FreezeConflict, PatchGroup } from "@/lib/domain";
import { formatRelative } from "@/lib/format";
import { Badge } from "../ui/badge";
import { Card, CardBody, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Table, Td, Th } from "../ui/table";
import { TimeRange } from "../ui/time";
import { PARTY_KIND_LABELS, PartyKindBadge } from "./party-kind-badge";

type Props = {
  kind: CalendarParty["kind"];
  next: { party: CalendarParty; counts: Record<PatchGroup, number> } | null;
  now: Date;
  viewerZone: string;
  /** Freezes over its slots: nothing starts in them. */
  freezes?: readonly FreezeConflict[];
};

export function NextPartyCard({ kind, next, now, viewerZone, freezes = [] }: Props) {
  const headingId = `next-${kind}`;
  if (!next) {
    return (
      <Card aria-labelledby={headingId}>
        <CardHeader id={headingId} title={`Next ${PARTY_KIND_LABELS[kind]}`} />
        <CardBody>
          <EmptyState title="No party planned">The party rule places none in the next year.</EmptyState>
        </CardBody>
      </Card>
    );
  }
  const { party, counts } = next;
  const total = counts[1] + counts[2] + counts[3];
  const day = DateTime.fromISO(party.localDate, { zone: party.timeZone }).toFormat("cccc d LLLL yyyy");
  const running = party.startsAt <= now && party.endsAt > now;
  return (
    <Card aria-labelledby={headingId} data-testid={`next-party-${kind}`}>
      <CardHeader
        id={headingId}
        title={
          <span className="flex items-center gap-2">
            <Link href={`/parties/${party.tag}/${party.kind}`} className="hover:text-indigo-700">
              Next {PARTY_KIND_LABELS[kind]}
            </Link>{" "}
            <PartyKindBadge kind={kind} />
          </span>
        }
        description={
          <>
            <span className="font-medium text-slate-700">{party.tag}</span> · {day} ({party.timeZone}) ·{" "}
            {running ? <Badge tone="warning">running now</Badge> : formatRelative(party.startsAt, now)}
            {freezes.length ? (
              <span className="mt-1 block text-sky-800" data-testid="freeze-conflict">
                ❄ Inside the freeze {freezes.map((f) => f.name).join(", ")}: nothing starts while it lasts.
              </span>
            ) : null}
          </>
        }
        action={
          <div className="text-right">
            <p className="text-2xl font-semibold tabular-nums text-slate-900">{total.toLocaleString("en")}</p>
            <p className="text-xs text-slate-500">resources included</p>
          </div>
        }
      />
      <Table caption={`Group slots of the ${party.tag} ${kind} party`}>
        <thead>
          <tr>
            <Th>Group</Th>
            <Th>Slot</Th>
            <Th className="text-right">Included</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {party.slots.map((slot) => (
            <tr key={slot.group}>
              <Td>
                <Badge>Group {slot.group}</Badge>
              </Td>
              <Td>
                <TimeRange start={slot.startsAt} end={slot.endsAt} viewerZone={viewerZone} />
              </Td>
              <Td className="text-right font-medium tabular-nums text-slate-900" data-testid={`slot-count-${kind}-${slot.group}`}>
                {counts[slot.group].toLocaleString("en")}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}
