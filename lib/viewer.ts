// The viewer's time zone, kept in a cookie that the browser sets (components/shell/time-zone-sync).
import "server-only";
import { cookies } from "next/headers";
import { isValidZone } from "./format";

export const ZONE_COOKIE = "tz";

export async function viewerTimeZone(): Promise<string> {
  const zone = (await cookies()).get(ZONE_COOKIE)?.value;
  return zone && zone.length < 64 && isValidZone(zone) ? zone : "UTC";
}
