import { describe, expect, it } from "vitest";
import { announceDueAt, noticesDue, shortNoticeReason, templateNoticesDue, type Recorded, type TemplateRecorded } from "@/lib/domain/notices";
import { upgradeWindow } from "@/lib/domain/templates";

const startsAt = new Date("2027-03-07T05:00:00Z");
const endsAt = new Date("2027-03-07T17:00:00Z");
const party = { startsAt, endsAt, cancelled: false, sequence: 0 };
const at = (iso: string) => new Date(iso);

describe("which notices a window calls for", () => {
  it("announces at day −14 (with a lead, so it is at least 14 days), once", () => {
    expect(announceDueAt(startsAt).toISOString()).toBe("2027-02-20T23:00:00.000Z");
    expect(noticesDue(party, [], at("2027-02-20T22:59:59Z"))).toEqual([]);
    expect(noticesDue(party, [], at("2027-02-20T23:00:00Z"))).toEqual(["announce"]);
    expect(noticesDue(party, [{ kind: "announce", sequence: 0 }], at("2027-02-25T00:00:00Z"))).toEqual([]);
  });

  it("a move after the announcement is told once per new sequence; before it, only the new date is announced", () => {
    const told: Recorded[] = [{ kind: "announce", sequence: 0 }];
    expect(noticesDue({ ...party, sequence: 1 }, told, at("2027-02-25T00:00:00Z"))).toEqual(["moved"]);
    expect(noticesDue({ ...party, sequence: 1 }, [...told, { kind: "moved", sequence: 1 }], at("2027-02-25T00:00:00Z"))).toEqual([]);
    expect(noticesDue({ ...party, sequence: 2 }, [...told, { kind: "moved", sequence: 1 }], at("2027-02-26T00:00:00Z"))).toEqual(["moved"]);
    expect(noticesDue({ ...party, sequence: 3 }, [], at("2027-01-01T00:00:00Z"))).toEqual([]);
  });

  it("moves are coalesced: a moved notice waits for the last change to settle, and none goes out when the window is back where customers were told (issue 16)", () => {
    const told: Recorded[] = [{ kind: "announce", sequence: 0, windowStart: startsAt, windowEnd: endsAt }];
    const week = 7 * 86_400_000;
    const later = { ...party, startsAt: new Date(startsAt.getTime() + week), endsAt: new Date(endsAt.getTime() + week) };
    const changedAt = at("2027-02-25T00:00:00Z");
    // Saved 40 times in a few minutes: told once, 15 minutes after the last save, at the window as it stands.
    expect(noticesDue({ ...later, sequence: 39, changedAt }, told, at("2027-02-25T00:14:59Z"))).toEqual([]);
    expect(noticesDue({ ...later, sequence: 40, changedAt }, told, at("2027-02-25T00:15:00Z"))).toEqual(["moved"]);
    // Back where customers were told: nothing to say, however high the sequence.
    expect(noticesDue({ ...party, sequence: 41, changedAt }, told, at("2027-02-25T01:00:00Z"))).toEqual([]);
    // Only the end moved: that is a move.
    expect(noticesDue({ ...party, endsAt: new Date(endsAt.getTime() + 3_600_000), sequence: 2, changedAt }, told, at("2027-02-25T01:00:00Z"))).toEqual([
      "moved",
    ]);
    // After a moved notice, the window it told of is the one compared with.
    const movedTold: Recorded[] = [...told, { kind: "moved", sequence: 40, windowStart: later.startsAt, windowEnd: later.endsAt }];
    expect(noticesDue({ ...later, sequence: 42, changedAt }, movedTold, at("2027-02-25T01:00:00Z"))).toEqual([]);
    expect(noticesDue({ ...party, sequence: 42, changedAt }, movedTold, at("2027-02-25T01:00:00Z"))).toEqual(["moved"]);
  });

  it("cancellation and completion are told only to customers who were told of the window", () => {
    expect(noticesDue({ ...party, cancelled: true }, [], at("2027-02-25T00:00:00Z"))).toEqual([]);
    expect(noticesDue({ ...party, cancelled: true }, [{ kind: "announce", sequence: 0 }], at("2027-02-25T00:00:00Z"))).toEqual(["cancelled"]);
    expect(noticesDue(party, [{ kind: "announce", sequence: 0 }], at("2027-03-07T12:00:00Z"))).toEqual([]); // running
    expect(noticesDue(party, [{ kind: "announce", sequence: 0 }], endsAt)).toEqual(["completed"]);
    expect(noticesDue(party, [], endsAt)).toEqual([]);
  });
});

describe("which notices a template upgrade calls for", () => {
  const jan = { start: at("2027-01-01T00:00:00Z"), end: at("2027-01-01T04:00:00Z") };
  const feb = { start: at("2027-02-01T00:00:00Z"), end: at("2027-02-01T04:00:00Z") };
  const told = (kind: "announce" | "moved", version: string, sequence: number, w: { start: Date; end: Date }): TemplateRecorded => ({
    kind,
    version,
    sequence,
    windowStart: w.start,
    windowEnd: w.end,
  });
  const pending = { targetVersion: "2.0.0", inSync: false, planned: jan, runs: [] };

  it("announces the pending upgrade's window from day −14, once, and nothing when nothing is pending", () => {
    expect(templateNoticesDue(pending, [], at("2026-12-17T17:59:59Z"))).toEqual([]);
    expect(templateNoticesDue(pending, [], at("2026-12-17T18:00:00Z"))).toEqual([{ kind: "announce", version: "2.0.0", sequence: 0, ...jan }]);
    expect(templateNoticesDue(pending, [told("announce", "2.0.0", 0, jan)], at("2026-12-20T00:00:00Z"))).toEqual([]);
    expect(templateNoticesDue({ ...pending, inSync: true, planned: null }, [], at("2026-12-20T00:00:00Z"))).toEqual([]);
  });

  it("moves when the window changes, but not while the told window's run is under way", () => {
    const recorded = [told("announce", "2.0.0", 0, jan)];
    expect(templateNoticesDue({ ...pending, planned: feb }, recorded, at("2027-01-01T05:00:00Z"))).toEqual([
      { kind: "moved", version: "2.0.0", sequence: 1, ...feb },
    ]);
    const running = { ...pending, planned: feb, runs: [{ version: "2.0.0", windowStart: jan.start, state: "HALTED" as const }] };
    expect(templateNoticesDue(running, recorded, at("2027-01-01T05:00:00Z"))).toEqual([]);
    const fellShort = { ...running, runs: [{ version: "2.0.0", windowStart: jan.start, state: "PARTIAL" as const }] };
    expect(templateNoticesDue(fellShort, recorded, at("2027-01-01T05:00:00Z"))).toEqual([{ kind: "moved", version: "2.0.0", sequence: 1, ...feb }]);
  });

  it("completes once every member is on it; a changed target cancels an upgrade that never ran, or completes one that did", () => {
    const recorded = [told("announce", "2.0.0", 0, jan), told("moved", "2.0.0", 1, feb)];
    expect(templateNoticesDue({ ...pending, inSync: true, planned: null }, recorded, at("2027-02-01T05:00:00Z"))).toEqual([
      { kind: "completed", version: "2.0.0", sequence: 2, ...feb },
    ]);
    expect(templateNoticesDue({ ...pending, targetVersion: "3.0.0", planned: feb }, recorded, at("2027-01-05T00:00:00Z"))).toEqual([
      { kind: "cancelled", version: "2.0.0", sequence: 2, ...feb },
    ]);
    const applied = { targetVersion: "3.0.0", inSync: false, planned: null, runs: [{ version: "2.0.0", windowStart: feb.start, state: "COMPLETED" as const }] };
    expect(templateNoticesDue(applied, recorded, at("2027-02-02T00:00:00Z"))).toEqual([{ kind: "completed", version: "2.0.0", sequence: 2, ...feb }]);
    expect(
      templateNoticesDue(
        { ...pending, inSync: true, planned: null },
        [...recorded, { ...told("moved", "2.0.0", 2, feb), kind: "completed" }],
        at("2027-02-02T00:00:00Z"),
      ),
    ).toEqual([]);
  });

  it("the upgrade's window is the first that opened after the target was set and has not run", () => {
    const windows = [jan, feb];
    const target = { version: "2.0.0", setAt: at("2026-12-02T00:00:00Z") };
    expect(upgradeWindow(windows, target, [])).toBe(jan);
    expect(upgradeWindow(windows, { ...target, setAt: at("2027-01-01T01:00:00Z") }, [])).toBe(feb); // set during January's window
    expect(upgradeWindow(windows, target, [{ version: "2.0.0", windowStart: jan.start, state: "PARTIAL" }])).toBe(feb);
    // A run still open, or one for another version, does not use the window up.
    expect(
      upgradeWindow(windows, target, [
        { version: "2.0.0", windowStart: jan.start, state: "RUNNING" },
        { version: "1.9.0", windowStart: jan.start, state: "COMPLETED" },
      ]),
    ).toBe(jan);
    expect(upgradeWindow([], target, [])).toBeNull();
  });
});

describe("why customers were told late", () => {
  const start = new Date("2026-12-06T00:00:00Z");
  const at = (hours: number) => new Date(start.getTime() + hours * 3_600_000);
  it("counts the whole days between telling and the window", () => {
    expect(shortNoticeReason(start, at(-3 * 24 - 5), at(-24))).toBe("customers were told of this date only 3 day(s) before it");
    expect(shortNoticeReason(start, at(-20 * 24), at(-24))).toBeNull();
    expect(shortNoticeReason(start, null, at(-5 * 24))).toBe("the window is 5 day(s) away and customers have not been told yet");
  });
  it("says so when customers were told only once the window had begun, never a negative count", () => {
    expect(shortNoticeReason(start, at(4), at(5))).toBe("customers were told of this date only after it had begun");
    expect(shortNoticeReason(start, start, at(5))).toBe("customers were told of this date only after it had begun");
  });
});
