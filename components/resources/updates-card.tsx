// The resource page's "Updates" section: the server's last scan (when, by whom, its package manager
// and release, a failed scan's error), whether it waits for a reboot, and what is pending.
import type { ReactNode } from "react";
import type { ServerUpdates } from "@/lib/data/updates";
import { SEVERITY_LABEL, type Severity } from "@/lib/domain/updates";
import { formatDate } from "@/lib/format";
import { Alert } from "../ui/alert";
import { Badge, type Tone } from "../ui/badge";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Instant } from "../ui/time";
import { PendingUpdatesTable, type PendingUpdateRow } from "./pending-updates-table";

/** A server can have thousands pending: the page shows this many (the most severe first), the API all. */
export const UPDATES_SHOWN = 200;

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

const SEVERITY_TONE: Record<Severity, Tone> = { critical: "danger", high: "danger", medium: "warning", low: "neutral" };

function rowOf(u: ServerUpdates["updates"][number]): PendingUpdateRow {
  return {
    package: u.package,
    installed: u.installed,
    candidate: u.candidate,
    rating: u.severity ? SEVERITY_LABEL[u.severity] : u.security ? "Security" : null,
    tone: u.severity ? SEVERITY_TONE[u.severity] : "danger",
    advisories: u.advisories,
    firstSeen: DAY.format(u.firstSeenAt),
    firstSeenIso: u.firstSeenAt.toISOString(),
  };
}

/**
 * `scanAction`: where a "Scan now" button goes (the header's right side); null when the viewer
 * may not scan or the server's executor does not scan.
 */
export function UpdatesCard({ updates, viewerZone, scanAction = null }: { updates: ServerUpdates; viewerZone: string; scanAction?: ReactNode }) {
  const { scan } = updates;
  const security = updates.updates.filter((u) => u.security || u.severity !== null).length;
  // A server whose only scans failed has a scan row (recordScanError) stamped with the failure's time.
  const scanned = scan !== null && !(scan.error !== null && scan.erroredAt?.getTime() === scan.scannedAt.getTime());
  return (
    <Card aria-labelledby="updates" data-testid="updates-card">
      <CardHeader
        id="updates"
        title="Updates"
        description={
          !scanned
            ? "Not scanned yet: nothing is known of what this server has pending."
            : `${updates.updates.length === 0 ? "Nothing" : updates.updates.length.toLocaleString("en")} pending${security ? `, ${security.toLocaleString("en")} of them security updates` : ""}.`
        }
        action={scanAction}
      />
      {scan ? (
        <CardBody className="space-y-3 border-b border-slate-100">
          {scan.error && scan.erroredAt ? (
            <Alert tone="error">
              The last scan failed ({formatDate(scan.erroredAt, "UTC")}): <span className="break-words">{scan.error}</span>
              {scanned ? " What the last good scan found is shown below." : null}
            </Alert>
          ) : null}
          {scanned ? (
            <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
              <div>
                <dt className="text-xs font-medium text-slate-500">Scanned</dt>
                <dd>
                  <Instant at={scan.scannedAt} viewerZone={viewerZone} />
                  <span className="block break-all text-xs text-slate-500">by {scan.source}</span>
                </dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-slate-500">Package manager</dt>
                <dd className="text-slate-900">
                  {scan.packageManager ?? "unknown"}
                  {scan.release ? <span className="block text-xs text-slate-500">{scan.release}</span> : null}
                </dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-slate-500">Reboot</dt>
                <dd>
                  {scan.rebootRequired === true ? (
                    <Badge tone="warning">Reboot pending</Badge>
                  ) : scan.rebootRequired === false ? (
                    <span className="text-slate-700">Not needed</span>
                  ) : (
                    <span className="text-slate-500">Unknown</span>
                  )}
                </dd>
              </div>
            </dl>
          ) : null}
        </CardBody>
      ) : null}
      {!scanned ? (
        <CardBody>
          <p className="text-sm text-slate-500" data-testid="updates-empty">
            Not scanned yet. Servers patched over ssh or ansible are scanned every day; for the others an automation or a person reports what is pending (PUT
            /api/v1/resources/…/updates).
          </p>
        </CardBody>
      ) : updates.updates.length === 0 ? (
        <CardBody>
          <p className="text-sm text-slate-500" data-testid="updates-empty">
            Nothing pending: the last scan found every package up to date.
          </p>
        </CardBody>
      ) : (
        <>
          <PendingUpdatesTable rows={updates.updates.slice(0, UPDATES_SHOWN).map(rowOf)} />
          {updates.updates.length > UPDATES_SHOWN ? (
            <p className="border-t border-slate-100 px-5 py-3 text-xs text-slate-500">
              The first {UPDATES_SHOWN} of {updates.updates.length.toLocaleString("en")} are shown, the most severe first; GET /api/v1/resources/…/updates lists
              them all.
            </p>
          ) : null}
        </>
      )}
    </Card>
  );
}
