import { DateTime } from "luxon";
import Link from "next/link";
import type { PatchStatus } from "@/lib/data/resource-detail";
import { formatDateTime, formatRelative, zoneAbbreviation } from "@/lib/format";
import { PartyKindBadge } from "../parties/party-kind-badge";
import { Badge } from "../ui/badge";
import { Card, CardBody, CardHeader } from "../ui/card";
import { TimeRange } from "../ui/time";

function Instant({ at, viewerZone }: { at: Date; viewerZone: string }) {
  return (
    <span className="inline-flex flex-col leading-tight">
      <time dateTime={at.toISOString()} className="font-medium tabular-nums text-slate-900">
        {formatDateTime(at, "UTC")} UTC
      </time>
      {viewerZone !== "UTC" ? (
        <span className="text-xs tabular-nums text-slate-500">
          {formatDateTime(at, viewerZone)} {zoneAbbreviation(at, viewerZone)} (your time)
        </span>
      ) : null}
    </span>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-3">
      <dt className="text-sm font-medium text-slate-500">{label}</dt>
      <dd className="col-span-2 text-sm text-slate-700">{children}</dd>
    </div>
  );
}

export function PatchStatusPanel({
  status,
  group,
  now,
  viewerZone,
  actions,
}: {
  status: PatchStatus;
  group: number;
  now: Date;
  viewerZone: string;
  actions?: React.ReactNode;
}) {
  return (
    <Card aria-labelledby="patch-status" data-testid="patch-status">
      <CardHeader
        id="patch-status"
        title="Patch status"
        action={status.exclusion ? <Badge tone="warning">Excluded</Badge> : <Badge tone="success">Included · group {group}</Badge>}
      />
      <CardBody className="py-1">
        <dl className="divide-y divide-slate-100">
          <Row label="Last successful patch">
            {status.lastPatchedAt ? (
              <span className="flex flex-wrap items-start gap-3">
                <Instant at={status.lastPatchedAt} viewerZone={viewerZone} />
                {status.lastPatchTag ? <Badge>{status.lastPatchTag}</Badge> : null}
              </span>
            ) : (
              "Never patched by a Patch Party"
            )}
          </Row>
          {status.exclusion ? (
            <>
              <Row label="Excluded by">
                <span data-testid="excluded-by">{status.exclusion.by}</span>
              </Row>
              <Row label="Excluded on">
                <Instant at={status.exclusion.at} viewerZone={viewerZone} />
              </Row>
              <Row label="Why">
                <span data-testid="exclusion-reason" className="whitespace-pre-wrap">
                  {status.exclusion.reason}
                </span>
              </Row>
              <Row label="Included again">
                {status.exclusion.until ? (
                  <span>
                    automatically on <Instant at={status.exclusion.until} viewerZone={viewerZone} />
                  </span>
                ) : (
                  "when someone includes it"
                )}
              </Row>
            </>
          ) : (
            <Row label="Next Patch Party">
              {status.nextParty ? (
                <span className="flex flex-col gap-1" data-testid="next-party">
                  <span className="flex items-center gap-2">
                    <PartyKindBadge kind={status.nextParty.party.kind} />
                    <Link href={`/parties/${status.nextParty.party.tag}/${status.nextParty.party.kind}`} className="row-link">
                      {status.nextParty.party.tag}
                    </Link>
                    <span>
                      {DateTime.fromISO(status.nextParty.party.localDate).toFormat("cccc d LLLL yyyy")} · {formatRelative(status.nextParty.slot.startsAt, now)}
                    </span>
                  </span>
                  <span>
                    Group {status.nextParty.slot.group} slot:{" "}
                    <TimeRange start={status.nextParty.slot.startsAt} end={status.nextParty.slot.endsAt} viewerZone={viewerZone} />
                  </span>
                </span>
              ) : (
                "None planned in the next year"
              )}
            </Row>
          )}
        </dl>
        {actions ? <div className="border-t border-slate-100 py-4">{actions}</div> : null}
      </CardBody>
    </Card>
  );
}
