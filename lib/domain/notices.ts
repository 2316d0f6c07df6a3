// Customer notices of maintenance windows (seeds/001: "Notify customer about planned maintenance
// window (2 weeks before)", "Notify customer the patch deployment is completed"). Which notices a
// production party calls for now, from what was recorded already. Pure: `now` comes in.

export type NoticeKind = "announce" | "moved" | "cancelled" | "completed";

export const NOTICE_DAYS = 14;
/** Announcements go out this long before day −14 ends, so "at least 14 days" holds even if a worker is late. */
export const NOTICE_LEAD_MS = 6 * 3_600_000;
const DAY = 86_400_000;

export type NoticeParty = { startsAt: Date; endsAt: Date; cancelled: boolean; sequence: number };
export type Recorded = { kind: NoticeKind; sequence: number };

/** When the announcement of a window starting at `startsAt` is due. */
export const announceDueAt = (startsAt: Date) => new Date(startsAt.getTime() - NOTICE_DAYS * DAY - NOTICE_LEAD_MS);

/** The notices due now, each for the party's current sequence. */
export function noticesDue(party: NoticeParty, recorded: Recorded[], now: Date): NoticeKind[] {
  const has = (kind: NoticeKind, sequence?: number) => recorded.some((r) => r.kind === kind && (sequence === undefined || r.sequence === sequence));
  const told = has("announce") || has("moved");
  if (party.cancelled) return told && !has("cancelled") ? ["cancelled"] : [];
  if (now >= party.endsAt) return told && !has("completed") ? ["completed"] : [];
  if (now >= party.startsAt) return [];
  if (!told) return now >= announceDueAt(party.startsAt) ? ["announce"] : [];
  const latest = Math.max(...recorded.filter((r) => r.kind === "announce" || r.kind === "moved").map((r) => r.sequence));
  return party.sequence > latest ? ["moved"] : [];
}

/** True when customers learn of (a move of) the window less than 14 days before it. */
export function shortNotice(startsAt: Date, toldAt: Date): boolean {
  return startsAt.getTime() - toldAt.getTime() < NOTICE_DAYS * DAY;
}

export const NOTICE_SUBJECTS: Record<NoticeKind, (what: string, when: string) => string> = {
  announce: (what, when) => `Planned maintenance: ${what} on ${when}`,
  moved: (what, when) => `Maintenance moved: ${what} is now on ${when}`,
  cancelled: (what, when) => `Maintenance cancelled: ${what} (was ${when})`,
  completed: (what, when) => `Maintenance completed: ${what} (${when})`,
};
