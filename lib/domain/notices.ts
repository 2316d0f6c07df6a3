// Customer notices of maintenance windows (seeds/001: "Notify customer about planned maintenance
// window (2 weeks before)", "Notify customer the patch deployment is completed"). Which notices a
// production party calls for now, from what was recorded already. Pure: `now` comes in.

export type NoticeKind = "announce" | "moved" | "cancelled" | "completed";

export const NOTICE_DAYS = 14;
/** Announcements go out this long before day −14 ends, so "at least 14 days" holds even if a worker is late. */
export const NOTICE_LEAD_MS = 6 * 3_600_000;
const DAY = 86_400_000;

/** A "moved" notice waits this long after the party last changed: a run of edits is told once, as it finally stands. */
export const MOVE_SETTLE_MS = 15 * 60_000;

/** `changedAt`: when the party was last written (a move, a hold); null when unknown. */
export type NoticeParty = { startsAt: Date; endsAt: Date; cancelled: boolean; sequence: number; changedAt?: Date | null };
/** A notice recorded already, with the window it told of (announce and moved notices carry it). */
export type Recorded = { kind: NoticeKind; sequence: number; windowStart?: Date | null; windowEnd?: Date | null };

/** When the announcement of a window starting at `startsAt` is due. */
export const announceDueAt = (startsAt: Date) => new Date(startsAt.getTime() - NOTICE_DAYS * DAY - NOTICE_LEAD_MS);

/**
 * The notices due now, each for the party's current sequence. Moves are coalesced: customers hear
 * of a window as it finally stands, once. A "moved" notice waits MOVE_SETTLE_MS after the party's
 * last change, and none is due when the window is back where customers were last told it was.
 */
export function noticesDue(party: NoticeParty, recorded: Recorded[], now: Date): NoticeKind[] {
  const has = (kind: NoticeKind, sequence?: number) => recorded.some((r) => r.kind === kind && (sequence === undefined || r.sequence === sequence));
  const told = has("announce") || has("moved");
  if (party.cancelled) return told && !has("cancelled") ? ["cancelled"] : [];
  if (now >= party.endsAt) return told && !has("completed") ? ["completed"] : [];
  if (now >= party.startsAt) return [];
  if (!told) return now >= announceDueAt(party.startsAt) ? ["announce"] : [];
  const last = recorded.filter((r) => r.kind === "announce" || r.kind === "moved").reduce((a, b) => (b.sequence > a.sequence ? b : a));
  if (party.sequence <= last.sequence) return [];
  const asTold = last.windowStart?.getTime() === party.startsAt.getTime() && last.windowEnd?.getTime() === party.endsAt.getTime();
  if (asTold) return [];
  if (party.changedAt && now.getTime() - party.changedAt.getTime() < MOVE_SETTLE_MS) return [];
  return ["moved"];
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

// Template upgrades (seeds/001 applies to every maintenance window, fleets included). One
// iCalendar event per upgrade to a version; its sequence rises each time its window changes.

export type TemplateRunFact = { version: string; windowStart: Date; state: "SCHEDULED" | "RUNNING" | "HALTED" | "COMPLETED" | "PARTIAL" };
export type TemplateNoticeFacts = {
  targetVersion: string;
  /** Every member is on the target version. */
  inSync: boolean;
  /** The window the pending upgrade runs in: open now or next, and not already run. Null when none. */
  planned: { start: Date; end: Date } | null;
  runs: TemplateRunFact[];
};
export type TemplateRecorded = { kind: NoticeKind; version: string; sequence: number; windowStart: Date; windowEnd: Date };
export type TemplateNotice = { kind: NoticeKind; version: string; sequence: number; start: Date; end: Date };

const CLOSED = new Set(["COMPLETED", "PARTIAL"]);

/**
 * The notices a template's upgrades call for now: the pending upgrade's window announced from
 * day −14; a told upgrade moved when its window changes (a policy edit, a window that passed
 * blocked, or members left for the next window), cancelled when the target changed before it
 * ran, completed once every member is on it.
 */
export function templateNoticesDue(facts: TemplateNoticeFacts, recorded: TemplateRecorded[], now: Date): TemplateNotice[] {
  const due: TemplateNotice[] = [];
  const versions = [...new Set(recorded.map((r) => r.version))];
  for (const version of versions) {
    const mine = recorded.filter((r) => r.version === version);
    if (mine.some((r) => r.kind === "completed" || r.kind === "cancelled")) continue;
    const told = mine
      .filter((r) => r.kind === "announce" || r.kind === "moved")
      .sort((a, b) => a.sequence - b.sequence)
      .at(-1);
    if (!told) continue;
    const window = { start: told.windowStart, end: told.windowEnd };
    const next = { version, sequence: told.sequence + 1 };
    if (version !== facts.targetVersion) {
      const applied = facts.runs.some((r) => r.version === version && r.state === "COMPLETED");
      due.push({ kind: applied ? "completed" : "cancelled", ...next, ...window });
    } else if (facts.inSync) {
      due.push({ kind: "completed", ...next, ...window });
    } else {
      const run = facts.runs.find((r) => r.version === version && r.windowStart.getTime() === told.windowStart.getTime());
      const inItsWindow = run !== undefined && !CLOSED.has(run.state);
      if (!inItsWindow && facts.planned && facts.planned.start.getTime() !== told.windowStart.getTime()) due.push({ kind: "moved", ...next, ...facts.planned });
    }
  }
  if (facts.planned && !facts.inSync && !versions.includes(facts.targetVersion) && now >= announceDueAt(facts.planned.start)) {
    due.push({ kind: "announce", version: facts.targetVersion, sequence: 0, ...facts.planned });
  }
  return due;
}

/** Why customers of a window starting at `startsAt` got (or will get) less than two weeks' notice, or null. */
export function shortNoticeReason(startsAt: Date, toldAt: Date | null, now: Date): string | null {
  const days = (from: Date) => Math.floor((startsAt.getTime() - from.getTime()) / DAY);
  if (toldAt && toldAt >= startsAt) return "customers were told of this date only after it had begun";
  if (toldAt) return shortNotice(startsAt, toldAt) ? `customers were told of this date only ${days(toldAt)} day(s) before it` : null;
  if (startsAt > now && days(now) < NOTICE_DAYS) return `the window is ${days(now)} day(s) away and customers have not been told yet`;
  return null;
}
