import { DateTime } from "luxon";
import { formatDate, formatDateTime, formatRange, zoneAbbreviation } from "@/lib/format";

/** The range with its day in front when it starts and ends on one day (the range says it otherwise). */
function dated(start: Date, end: Date, zone: string) {
  const sameDay = DateTime.fromJSDate(start, { zone }).hasSame(DateTime.fromJSDate(end, { zone }), "day");
  return sameDay ? `${formatDate(start, zone)}, ${formatRange(start, end, zone)}` : formatRange(start, end, zone);
}

/**
 * A time range in UTC, with the viewer's own zone underneath when it differs. `withDate` names
 * the day too, for pages where it is not said elsewhere.
 */
export function TimeRange({ start, end, viewerZone, withDate = false }: { start: Date; end: Date; viewerZone: string; withDate?: boolean }) {
  const format = withDate ? dated : formatRange;
  return (
    <span className="inline-flex flex-col leading-tight">
      <time dateTime={start.toISOString()} className="font-medium tabular-nums text-slate-900">
        {format(start, end, "UTC")} UTC
      </time>
      {viewerZone !== "UTC" ? (
        <span className="text-xs tabular-nums text-slate-500">
          {format(start, end, viewerZone)} {zoneAbbreviation(start, viewerZone)} (your time)
        </span>
      ) : null}
    </span>
  );
}

/** One instant in UTC, with the viewer's own zone underneath when it differs. */
export function Instant({ at, viewerZone }: { at: Date; viewerZone: string }) {
  return (
    <span className="inline-flex flex-col leading-tight">
      <time dateTime={at.toISOString()} className="whitespace-nowrap tabular-nums text-slate-900">
        {formatDateTime(at, "UTC")} UTC
      </time>
      {viewerZone !== "UTC" ? (
        <span className="whitespace-nowrap text-xs tabular-nums text-slate-500">
          {formatDateTime(at, viewerZone)} {zoneAbbreviation(at, viewerZone)} (your time)
        </span>
      ) : null}
    </span>
  );
}
