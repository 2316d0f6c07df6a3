// Customer notices of production maintenance windows: planned (recorded once per party, kind,
// sequence and recipient: the unique dedupe key) and then delivered by SMTP with the window as
// an iCalendar attachment. A notice is claimed (SENDING) before it is handed to SMTP, so it is
// never sent twice; a refused send goes back to PENDING and is retried with a back-off.
import "server-only";
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import { DateTime } from "luxon";
import type { Prisma } from "@prisma/client";
import type { InferResult } from "kysely";
import { jsonArrayFrom, jsonBuildObject } from "kysely/helpers/postgres";
import { db, execute, jsonTimestamp, preparedShapes, qb } from "../db";
import { cutPage, NEWEST_FIRST, newestFirstAfter } from "./keyset";
import {
  NOTICE_SUBJECTS,
  noticesDue,
  templateNoticesDue,
  type NoticeKind,
  type Recorded,
  type TemplateRecorded,
  type TemplateRunFact,
} from "../domain/notices";
import { nextWindows, UPGRADE_WINDOW_LOOKAHEAD, upgradeWindow } from "../domain";
import { storedSchedules } from "./policies";

const DAY = 86_400_000;
const RETRY_MINUTES = [1, 5, 30, 120];
export const MAX_ATTEMPTS = RETRY_MINUTES.length + 1;
/** A notice left SENDING this long (its worker died mid-send) is marked failed, not resent. */
const STUCK_MS = 30 * 60_000;

const whenText = (startsAt: Date, endsAt: Date) =>
  `${DateTime.fromJSDate(startsAt, { zone: "UTC" }).toFormat("ccc d LLL yyyy, HH:mm")}–${DateTime.fromJSDate(endsAt, { zone: "UTC" }).toFormat("HH:mm")} UTC`;

function body(kind: NoticeKind, party: { tag: string; startsAt: Date; endsAt: Date }, team: string) {
  const when = whenText(party.startsAt, party.endsAt);
  const lines: Record<NoticeKind, string> = {
    announce: `Dear ${team},\n\nthe production servers of your services are patched during the maintenance window of Patch Party ${party.tag}: ${when}. Each patch group has its own slot inside it; services may restart once.\n\nThe attached invitation holds the window. Reply to this message with any question.`,
    moved: `Dear ${team},\n\nthe maintenance window of Patch Party ${party.tag} has moved. It is now: ${when}.\n\nThe attached invitation replaces the previous one.`,
    cancelled: `Dear ${team},\n\nthe maintenance window of Patch Party ${party.tag} (${when}) is cancelled. Nothing will be patched then.`,
    completed: `Dear ${team},\n\nthe maintenance window of Patch Party ${party.tag} (${when}) is over and the patches are deployed.`,
  };
  return lines[kind];
}

/**
 * Records the notices due now for production parties near their window (announce at day −14,
 * moved, cancelled, completed). Safe to run from several workers at once: the dedupe key is unique.
 */
export async function planNotices(now: Date): Promise<number> {
  const parties = await execute(
    qb
      .selectFrom("Party")
      .select(["id", "tag", "startsAt", "endsAt", "status", "sequence", "updatedAt"])
      .where("kind", "=", "PRODUCTION")
      .where((eb) =>
        eb.or([
          eb.between("startsAt", new Date(now.getTime() - DAY), new Date(now.getTime() + 16 * DAY)),
          eb.between("endsAt", new Date(now.getTime() - 7 * DAY), now),
          // Told already and still ahead (a move far into the future is announced at once), or cancelled.
          eb.and([
            eb("startsAt", ">", new Date(now.getTime() - 30 * DAY)),
            eb(
              "id",
              "in",
              eb
                .selectFrom("Notification")
                .select("partyId")
                .where("kind", "in", ["announce", "moved"])
                .where("partyId", "is not", null)
                .$narrowType<{ partyId: string }>(),
            ),
          ]),
        ]),
      ),
  );
  if (parties.length === 0) return 0;
  const recordedRows = await db.notification.groupBy({
    by: ["partyId", "kind", "sequence", "windowStart", "windowEnd"],
    where: { partyId: { in: parties.map((p) => p.id) } },
  });
  const recorded = new Map<string, Recorded[]>();
  for (const r of recordedRows)
    recorded.set(r.partyId!, [
      ...(recorded.get(r.partyId!) ?? []),
      { kind: r.kind as NoticeKind, sequence: r.sequence, windowStart: r.windowStart, windowEnd: r.windowEnd },
    ]);

  const due = parties.flatMap((party) =>
    noticesDue(
      { startsAt: party.startsAt, endsAt: party.endsAt, cancelled: party.status === "CANCELLED", sequence: party.sequence, changedAt: party.updatedAt },
      recorded.get(party.id) ?? [],
      now,
    ).map((kind) => ({ party, kind })),
  );
  if (due.length === 0) return 0;
  // Customers of the teams with production resources in the party.
  const contacts = await execute(
    qb
      .selectFrom("TeamContact as c")
      .innerJoin("Team as t", "t.id", "c.teamId")
      .select(["c.teamId", "t.name as team", "c.email"])
      .distinct()
      .where("c.teamId", "in", (eb) =>
        eb
          .selectFrom("Resource")
          .select("teamId")
          .distinct()
          .where("environment", "=", "PRODUCTION")
          .where("retiredAt", "is", null)
          .where((eb) => eb.not(eb.ref("excluded"))),
      )
      .orderBy("c.email"),
  );
  return recordNotices(
    now,
    due.flatMap(({ party, kind }) =>
      contacts.map((c) => ({
        dedupeKey: `party:${party.id}:${kind}:${party.sequence}:${c.email}`,
        kind,
        recipient: c.email,
        teamId: c.teamId,
        subject: NOTICE_SUBJECTS[kind](`Patch Party ${party.tag} (production)`, whenText(party.startsAt, party.endsAt)),
        body: body(kind, party, c.team),
        windowStart: party.startsAt,
        windowEnd: party.endsAt,
        partyId: party.id,
        sequence: party.sequence,
      })),
    ),
  );
}

type NewNotice = Omit<Prisma.NotificationCreateManyInput, "createdAt" | "nextAttemptAt">;

/** Records notices due now, each once: a dedupe key already recorded (by another worker, say) is skipped. */
async function recordNotices(now: Date, notices: NewNotice[]): Promise<number> {
  if (notices.length === 0) return 0;
  const { count } = await db.notification.createMany({ skipDuplicates: true, data: notices.map((n) => ({ ...n, createdAt: now, nextAttemptAt: now })) });
  return count;
}

function templateBody(kind: NoticeKind, template: string, version: string, when: string, team: string) {
  const lines: Record<NoticeKind, string> = {
    announce: `Dear ${team},\n\nthe ${template} fleet, which serves your services, is upgraded to version ${version} during the maintenance window ${when}. Members are upgraded a few at a time; each may restart once.\n\nThe attached invitation holds the window. Reply to this message with any question.`,
    moved: `Dear ${team},\n\nthe upgrade of ${template} to version ${version} has moved. Its maintenance window is now: ${when}.\n\nThe attached invitation replaces the previous one.`,
    cancelled: `Dear ${team},\n\nthe upgrade of ${template} to version ${version} (${when}) is cancelled. Nothing will be upgraded then.`,
    completed: `Dear ${team},\n\nthe upgrade of ${template} to version ${version} is complete.`,
  };
  return lines[kind];
}

/**
 * Records the notices due now for fleet template upgrades: the pending upgrade's window
 * announced from day −14, moved, cancelled (the target changed first) and completed. Like party
 * notices, safe from several workers at once (unique dedupe key).
 */
export async function planTemplateNotices(now: Date): Promise<number> {
  const templates = await db.template.findMany({
    where: {
      OR: [
        { state: { not: "IN_SYNC" } },
        { notifications: { some: { kind: { in: ["announce", "moved"] }, createdAt: { gt: new Date(now.getTime() - 120 * DAY) } } } },
      ],
    },
    select: {
      id: true,
      name: true,
      targetVersion: true,
      targetSetAt: true,
      policy: { select: { schedules: { select: { id: true, name: true, recurrence: true, windowHours: true } } } },
    },
  });
  if (templates.length === 0) return 0;
  const ids = templates.map((t) => t.id);
  const [behind, runs, recordedRows] = await Promise.all([
    execute(
      qb
        .selectFrom("TemplateMember as m")
        .innerJoin("Template as t", "t.id", "m.templateId")
        .select("m.templateId")
        .distinct()
        .where((eb) => eb("m.templateId", "=", eb.fn.any(eb.val(ids))))
        .whereRef("m.currentVersion", "<>", "t.targetVersion"),
    ),
    db.upgradeRun.findMany({
      where: { templateId: { in: ids }, windowStart: { gt: new Date(now.getTime() - 120 * DAY) } },
      select: { templateId: true, version: true, windowStart: true, state: true },
    }),
    db.notification.groupBy({
      by: ["templateId", "kind", "version", "sequence", "windowStart", "windowEnd"],
      where: { templateId: { in: ids }, version: { not: null } },
    }),
  ]);
  const offTarget = new Set(behind.map((b) => b.templateId));
  const due = templates.flatMap((template) => {
    const mine: TemplateRunFact[] = runs.filter((r) => r.templateId === template.id);
    const inSync = !offTarget.has(template.id);
    const windows = inSync ? [] : nextWindows(storedSchedules(template.policy), now, UPGRADE_WINDOW_LOOKAHEAD);
    const planned = upgradeWindow(windows, { version: template.targetVersion, setAt: template.targetSetAt }, mine);
    const recorded: TemplateRecorded[] = recordedRows
      .filter((r) => r.templateId === template.id && r.windowStart && r.windowEnd)
      .map((r) => ({ kind: r.kind as NoticeKind, version: r.version!, sequence: r.sequence, windowStart: r.windowStart!, windowEnd: r.windowEnd! }));
    return templateNoticesDue({ targetVersion: template.targetVersion, inSync, planned, runs: mine }, recorded, now).map((notice) => ({ template, notice }));
  });
  if (due.length === 0) return 0;
  // The customers of the teams whose resources (or cluster nodes) are members.
  const dueIds = [...new Set(due.map((d) => d.template.id))];
  // Two joins rather than one with OR, so each uses its index (a fleet may have thousands of members).
  const contacts = await execute(
    qb
      .selectFrom((eb) =>
        eb
          .selectFrom("TemplateMember as m")
          .innerJoin("Resource as r", "r.id", "m.resourceId")
          .select(["m.templateId", "r.teamId"])
          .where((eb) => eb("m.templateId", "=", eb.fn.any(eb.val(dueIds))))
          .union(
            eb
              .selectFrom("TemplateMember as m")
              .innerJoin("Resource as r", "r.clusterId", "m.clusterId")
              .select(["m.templateId", "r.teamId"])
              .where((eb) => eb("m.templateId", "=", eb.fn.any(eb.val(dueIds)))),
          )
          .as("owners"),
      )
      .innerJoin("TeamContact as c", "c.teamId", "owners.teamId")
      .innerJoin("Team as tm", "tm.id", "c.teamId")
      .select(["owners.templateId", "c.teamId", "tm.name as team", "c.email"])
      .distinct()
      .orderBy("c.email"),
  );
  return recordNotices(
    now,
    due.flatMap(({ template, notice }) =>
      contacts
        .filter((c) => c.templateId === template.id)
        .map((c) => {
          const when = whenText(notice.start, notice.end);
          return {
            dedupeKey: `template:${template.id}:${notice.version}:${notice.kind}:${notice.sequence}:${c.email}`,
            kind: notice.kind,
            recipient: c.email,
            teamId: c.teamId,
            subject: NOTICE_SUBJECTS[notice.kind](`upgrade of ${template.name} to ${notice.version}`, when),
            body: templateBody(notice.kind, template.name, notice.version, when, c.team),
            windowStart: notice.start,
            windowEnd: notice.end,
            templateId: template.id,
            version: notice.version,
            sequence: notice.sequence,
          };
        }),
    ),
  );
}

export type Mail = {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  icalEvent?: { method: string; filename: string; content: string };
};

/** Notices about a maintenance window carry it as an invitation; reminders do not. */
const WINDOW_KINDS = new Set(["announce", "moved", "cancelled", "completed"]);
export type MailTransport = { sendMail(mail: Mail): Promise<unknown> };

/** Claims up to `batch` pending notices that are due (SENDING), skipping those another worker holds. */
const claimNotices = (now: Date, batch: number) =>
  qb
    .updateTable("Notification")
    .set({ state: "SENDING", nextAttemptAt: now })
    .where("id", "in", (eb) =>
      eb
        .selectFrom("Notification")
        .select("id")
        .where("state", "=", "PENDING")
        .where("nextAttemptAt", "<=", now)
        .orderBy("nextAttemptAt")
        .orderBy("id")
        .limit(batch)
        .forUpdate()
        .skipLocked(),
    )
    .returning(["id", "kind", "recipient", "subject", "body", "windowStart", "windowEnd", "partyId", "templateId", "version", "sequence", "attempts"]);
type Claimed = InferResult<ReturnType<typeof claimNotices>>[number];

/** One event per party, and per template upgrade to a version: later notices update or cancel it. */
const eventUid = (n: Pick<Claimed, "id" | "partyId" | "templateId" | "version">) =>
  n.partyId ? `party-${n.partyId}@patchparty` : n.templateId ? `template-${n.templateId}-${n.version}@patchparty` : `notice-${n.id}@patchparty`;

function invitation(n: Claimed) {
  const cancelled = n.kind === "cancelled";
  const calendar = ical({
    name: "PatchParty",
    method: cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
    prodId: { company: "PatchParty", product: "notices" },
  });
  calendar.createEvent({
    id: eventUid(n),
    sequence: n.sequence,
    start: n.windowStart ?? new Date(0),
    end: n.windowEnd ?? new Date(0),
    summary: n.subject,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return { method: cancelled ? "CANCEL" : "PUBLISH", filename: "maintenance-window.ics", content: calendar.toString() };
}

/**
 * Sends the pending notices that are due, a batch at a time. Without a transport (SMTP_URL unset)
 * nothing is sent and the notices wait, recorded and visible in the portal.
 */
export async function deliverNotices(
  now: Date,
  transport: MailTransport | null,
  from: string,
  batch = 50,
): Promise<{ sent: number; failed: number; retrying: number }> {
  const result = { sent: 0, failed: 0, retrying: 0 };
  await db.notification.updateMany({
    where: { state: "SENDING", nextAttemptAt: { lt: new Date(now.getTime() - STUCK_MS) } },
    data: { state: "FAILED", lastError: "The worker stopped while sending; not sent again so that nobody gets it twice." },
  });
  if (!transport) return result;
  const claimed = await execute(claimNotices(now, batch));
  for (const n of claimed) {
    try {
      await transport.sendMail({
        from,
        to: n.recipient,
        subject: n.subject,
        text: n.body,
        messageId: `<${n.id}@patchparty>`,
        ...(WINDOW_KINDS.has(n.kind) ? { icalEvent: invitation(n) } : {}),
      });
      await db.notification.update({ where: { id: n.id }, data: { state: "SENT", sentAt: now, attempts: n.attempts + 1, lastError: null } });
      result.sent++;
    } catch (error) {
      const attempts = n.attempts + 1;
      const message = (error as Error).message.slice(0, 500);
      const retry = attempts < MAX_ATTEMPTS;
      await db.notification.update({
        where: { id: n.id },
        data: {
          state: retry ? "PENDING" : "FAILED",
          attempts,
          lastError: message,
          nextAttemptAt: new Date(now.getTime() + (RETRY_MINUTES[attempts - 1] ?? 0) * 60_000),
        },
      });
      if (retry) result.retrying++;
      else result.failed++;
    }
  }
  return result;
}

/** Notices newest first, keyset on (createdAt, id); optionally of one party or state, or of some teams only (null: all). */
export async function listNotifications(
  options: {
    partyId?: string;
    templateId?: string;
    state?: "PENDING" | "SENDING" | "SENT" | "FAILED";
    before?: { at: Date; id: string };
    limit?: number;
    teamIds?: string[] | null;
  } = {},
) {
  const limit = options.limit ?? 50;
  const rows = await db.notification.findMany({
    where: {
      ...(options.teamIds ? { teamId: { in: options.teamIds } } : {}),
      ...(options.partyId ? { partyId: options.partyId } : {}),
      ...(options.templateId ? { templateId: options.templateId } : {}),
      ...(options.state ? { state: options.state } : {}),
      ...newestFirstAfter(options.before),
    },
    orderBy: NEWEST_FIRST,
    take: limit + 1,
    select: {
      id: true,
      kind: true,
      recipient: true,
      subject: true,
      windowStart: true,
      windowEnd: true,
      state: true,
      attempts: true,
      lastError: true,
      sentAt: true,
      createdAt: true,
      version: true,
      party: { select: { tag: true } },
      template: { select: { id: true, name: true } },
    },
  });
  const { page, next } = cutPage(rows, limit);
  return { notifications: page.map(({ party, ...n }) => ({ ...n, partyTag: party?.tag ?? null })), next };
}

export type NotificationRow = Awaited<ReturnType<typeof listNotifications>>["notifications"][number];

/** One statement, compiled once per shape: the party and template pages read it on every request. */
const noticeCounts = preparedShapes((shape: "party" | "template", v: { id: string; version: string }) =>
  qb.selectNoFrom((eb) => {
    const notices =
      shape === "party" ? eb.selectFrom("Notification").where("partyId", "=", v.id) : eb.selectFrom("Notification").where("templateId", "=", v.id);
    const current = shape === "party" ? notices : notices.where("version", "=", v.version);
    return [
      jsonArrayFrom(notices.select((eb) => ["kind", "state", eb.cast<number>(eb.fn.countAll(), "integer").as("count")]).groupBy(["kind", "state"])).as(
        "counts",
      ),
      // In JSON the timestamp is text (UTC without the zone): read below with jsonTimestamp.
      current
        .select((eb) => jsonBuildObject({ createdAt: eb.ref("createdAt"), kind: eb.ref("kind"), sequence: eb.ref("sequence") }).as("told"))
        .where("kind", "in", ["announce", "moved"])
        .orderBy("sequence", "desc")
        .orderBy("createdAt", "asc")
        .limit(1)
        .as("told"),
    ];
  }),
);

/**
 * The notices of one window by kind and state, and when customers were first told of its
 * current date: a party's, or a template's upgrade to `version`.
 */
export async function noticeSummary(of: { partyId: string } | { templateId: string; version: string }) {
  const [row] = await execute(
    "partyId" in of ? noticeCounts("party", { id: of.partyId, version: "" }) : noticeCounts("template", { id: of.templateId, version: of.version }),
  );
  const told = row!.told;
  return { counts: row!.counts, lastTold: told ? { createdAt: jsonTimestamp(told.createdAt), kind: told.kind, sequence: told.sequence } : null };
}
