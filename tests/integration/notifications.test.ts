// Customer notices over real SMTP: a local SMTP server started here receives them, with the
// window as an iCalendar attachment. The clock is the test's; parties are in a far year of their own.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { announceDueAt, shortNotice } from "@/lib/domain/notices";
import { deliverNotices, planNotices } from "@/lib/data/notifications";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";
import { startInbox, type Inbox } from "./fixtures/smtp";
import { unusedYear } from "./fixtures/years";

let inbox: Inbox;
beforeAll(async () => {
  inbox = await startInbox();
  // Files run one at a time: notices still pending now were left by files that have finished
  // (approvers' change e-mails, say). Set aside, they do not take the batches this file's clock delivers.
  await db.notification.updateMany({ where: { state: "PENDING" }, data: { state: "FAILED", lastError: "Left by another test file." } });
});
afterAll(() => inbox.close());

let f: Awaited<ReturnType<typeof makeFleet>>;
let contact: string;
beforeEach(async () => {
  f = await makeFleet();
  contact = `desk-${f.prefix}@customer.test`;
  await db.teamContact.create({ data: { teamId: f.teamA.id, name: "Desk", email: contact } });
});

const DAY = 86_400_000;
const MINUTE = 60_000;

/** A production party of our own, in a year nobody else uses. */
async function party() {
  const year = await unusedYear();
  const startsAt = new Date(Date.UTC(year, 2, 7, 5));
  return db.party.create({
    data: {
      tag: `${year}-Q1`,
      kind: "PRODUCTION",
      localDate: `${year}-03-07`,
      timeZone: "UTC",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 12 * 3_600_000),
    },
  });
}

async function tick(now: Date) {
  await planNotices(now);
  await deliverNotices(now, inbox.transport, "PatchParty <patchparty@example.test>");
}

const mine = () => inbox.to(contact);
const rows = (partyId: string) => db.notification.findMany({ where: { partyId, recipient: contact }, orderBy: { createdAt: "asc" } });

describe("customer notices", () => {
  it("announce a window on day −14, exactly once, by e-mail with the window as an invitation", async () => {
    const p = await party();
    const due = announceDueAt(p.startsAt);
    expect(p.startsAt.getTime() - due.getTime()).toBeGreaterThanOrEqual(14 * DAY);
    await tick(new Date(due.getTime() - MINUTE));
    expect(await rows(p.id)).toHaveLength(0);
    await Promise.all([tick(due), tick(due), tick(due)]);
    await tick(new Date(due.getTime() + MINUTE));
    await tick(new Date(due.getTime() + DAY));
    const notices = await rows(p.id);
    expect(notices).toMatchObject([{ kind: "announce", state: "SENT", attempts: 1, sentAt: due, windowStart: p.startsAt, sequence: 0 }]);
    const mails = mine().filter((m) => m.subject?.includes(p.tag));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(
      `Planned maintenance: Patch Party ${p.tag} (production) on ${p.startsAt.toUTCString().slice(0, 3)} 7 Mar ${p.tag.slice(0, 4)}, 05:00–17:00 UTC`,
    );
    const invite = mails[0]!.attachments.find((a) => a.contentType.startsWith("text/calendar")) ?? null;
    const text = invite ? invite.content.toString() : String((mails[0] as unknown as { text: string }).text);
    expect(invite, "an iCalendar attachment").not.toBeNull();
    expect(text).toContain("BEGIN:VEVENT");
    expect(text).toContain(`UID:party-${p.id}@patchparty`);
    expect(text).toContain("SEQUENCE:0");
  });

  it("tell customers again when the window moves, with a new sequence; a move to under 14 days away is short notice", async () => {
    const p = await party();
    const due = announceDueAt(p.startsAt);
    await tick(due);
    const movedTo = new Date(p.startsAt.getTime() + 7 * DAY);
    const movedAt = new Date(due.getTime() + 2 * DAY);
    await db.party.update({ where: { id: p.id }, data: { startsAt: movedTo, endsAt: new Date(movedTo.getTime() + 12 * 3_600_000), sequence: 1 } });
    await tick(movedAt);
    await tick(new Date(movedAt.getTime() + MINUTE));
    expect((await rows(p.id)).map((n) => [n.kind, n.sequence, n.state])).toEqual([
      ["announce", 0, "SENT"],
      ["moved", 1, "SENT"],
    ]);
    const moved = mine().find((m) => m.subject?.startsWith(`Maintenance moved: Patch Party ${p.tag}`));
    expect(moved?.attachments[0]?.content.toString()).toContain("SEQUENCE:1");
    expect(shortNotice(movedTo, movedAt)).toBe(false);
    expect(shortNotice(p.startsAt, new Date(p.startsAt.getTime() - 10 * DAY))).toBe(true);
  });

  it("a window moved away and back before anyone was told of the move says nothing; moved for good, it is told once (issue 16)", async () => {
    const p = await party();
    const due = announceDueAt(p.startsAt);
    await tick(due);
    const week = 7 * DAY;
    const at = (offset: number) => ({ startsAt: new Date(p.startsAt.getTime() + offset), endsAt: new Date(p.endsAt.getTime() + offset) });
    // A rule saved twenty times while trying zones: away and back, the last save where customers were told.
    for (let sequence = 1; sequence <= 20; sequence++) await db.party.update({ where: { id: p.id }, data: { ...at(sequence % 2 ? week : 0), sequence } });
    await tick(new Date(due.getTime() + DAY));
    await tick(new Date(due.getTime() + 2 * DAY));
    expect((await rows(p.id)).map((n) => [n.kind, n.sequence])).toEqual([["announce", 0]]);
    await db.party.update({ where: { id: p.id }, data: { ...at(week), sequence: 21 } });
    await tick(new Date(due.getTime() + 3 * DAY));
    await tick(new Date(due.getTime() + 4 * DAY));
    expect((await rows(p.id)).map((n) => [n.kind, n.sequence, n.state])).toEqual([
      ["announce", 0, "SENT"],
      ["moved", 21, "SENT"],
    ]);
    expect(mine().filter((m) => m.subject?.startsWith(`Maintenance moved: Patch Party ${p.tag}`))).toHaveLength(1);
  });

  it("a window cancelled before its notice is never announced; one cancelled after is cancelled once", async () => {
    const quiet = await party();
    await db.party.update({ where: { id: quiet.id }, data: { status: "CANCELLED", sequence: 1 } });
    await tick(announceDueAt(quiet.startsAt));
    await tick(new Date(quiet.startsAt.getTime() + DAY));
    expect(await rows(quiet.id)).toHaveLength(0);

    const told = await party();
    await tick(announceDueAt(told.startsAt));
    await db.party.update({ where: { id: told.id }, data: { status: "CANCELLED", sequence: 1 } });
    const later = new Date(announceDueAt(told.startsAt).getTime() + 3 * DAY);
    await tick(later);
    await tick(new Date(later.getTime() + DAY));
    expect((await rows(told.id)).map((n) => n.kind)).toEqual(["announce", "cancelled"]);
    const cancel = mine().find((m) => m.subject?.startsWith(`Maintenance cancelled: Patch Party ${told.tag}`));
    expect(cancel?.attachments[0]?.content.toString()).toContain("METHOD:CANCEL");
  });

  it("a refused send is retried later and delivered once; the completion is announced after the window", async () => {
    const p = await party();
    const due = announceDueAt(p.startsAt);
    const before = mine().length;
    inbox.refuseOnce(contact);
    await tick(due);
    expect(await rows(p.id)).toMatchObject([{ state: "PENDING", attempts: 1, lastError: expect.stringContaining("Mailbox busy") }]);
    await tick(new Date(due.getTime() + 30_000)); // not yet: it backs off a minute
    expect((await rows(p.id))[0]).toMatchObject({ state: "PENDING", attempts: 1 });
    await tick(new Date(due.getTime() + MINUTE));
    expect((await rows(p.id))[0]).toMatchObject({ state: "SENT", attempts: 2 });
    expect(mine().length - before).toBe(1);

    await tick(new Date(p.endsAt.getTime() + MINUTE));
    expect((await rows(p.id)).map((n) => [n.kind, n.state])).toEqual([
      ["announce", "SENT"],
      ["completed", "SENT"],
    ]);
  });

  it("without SMTP configured, notices are recorded and wait", async () => {
    const p = await party();
    const due = announceDueAt(p.startsAt);
    await planNotices(due);
    expect(await deliverNotices(due, null, "x")).toEqual({ sent: 0, failed: 0, retrying: 0 });
    expect(await rows(p.id)).toMatchObject([{ kind: "announce", state: "PENDING", attempts: 0 }]);
  });
});
