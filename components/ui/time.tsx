import { formatRange, zoneAbbreviation } from "@/lib/format";

/** A time range in UTC, with the viewer's own zone underneath when it differs. */
export function TimeRange({ start, end, viewerZone }: { start: Date; end: Date; viewerZone: string }) {
  return (
    <span className="inline-flex flex-col leading-tight">
      <time dateTime={start.toISOString()} className="font-medium tabular-nums text-slate-900">
        {formatRange(start, end, "UTC")} UTC
      </time>
      {viewerZone !== "UTC" ? (
        <span className="text-xs tabular-nums text-slate-500">
          {formatRange(start, end, viewerZone)} {zoneAbbreviation(start, viewerZone)} (your time)
        </span>
      ) : null}
    </span>
  );
}
