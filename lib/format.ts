// Formatting instants for people: always in an explicit zone, UTC beside the viewer's own.
import { DateTime } from "luxon";

export function isValidZone(zone: string) {
  return DateTime.now().setZone(zone).isValid;
}

export function formatDate(at: Date, zone: string) {
  return DateTime.fromJSDate(at, { zone }).toFormat("ccc d LLL yyyy");
}

export function formatTime(at: Date, zone: string) {
  return DateTime.fromJSDate(at, { zone }).toFormat("HH:mm");
}

export function formatDateTime(at: Date, zone: string) {
  return DateTime.fromJSDate(at, { zone }).toFormat("d LLL yyyy, HH:mm");
}

/** "UTC", "CET", "GMT+5:30": the zone's short name at that instant (it changes with DST). */
export function zoneAbbreviation(at: Date, zone: string) {
  return zone === "UTC" ? "UTC" : DateTime.fromJSDate(at, { zone }).toFormat("ZZZZ");
}

export function formatRange(start: Date, end: Date, zone: string) {
  const sameDay = DateTime.fromJSDate(start, { zone }).hasSame(DateTime.fromJSDate(end, { zone }), "day");
  return sameDay ? `${formatTime(start, zone)}–${formatTime(end, zone)}` : `${formatDateTime(start, zone)} – ${formatDateTime(end, zone)}`;
}

/** "in 11 days", "3 months ago". */
export function formatRelative(at: Date, now: Date) {
  return DateTime.fromJSDate(at).toRelative({ base: DateTime.fromJSDate(now) }) ?? "";
}

/** "45 min", "2 h", "4 h 10 min". */
export function formatMinutes(minutes: number) {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
}
