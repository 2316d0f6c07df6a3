import { describe, expect, it } from "vitest";
import { announceDueAt, noticesDue, type Recorded } from "@/lib/domain/notices";

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

  it("cancellation and completion are told only to customers who were told of the window", () => {
    expect(noticesDue({ ...party, cancelled: true }, [], at("2027-02-25T00:00:00Z"))).toEqual([]);
    expect(noticesDue({ ...party, cancelled: true }, [{ kind: "announce", sequence: 0 }], at("2027-02-25T00:00:00Z"))).toEqual(["cancelled"]);
    expect(noticesDue(party, [{ kind: "announce", sequence: 0 }], at("2027-03-07T12:00:00Z"))).toEqual([]); // running
    expect(noticesDue(party, [{ kind: "announce", sequence: 0 }], endsAt)).toEqual(["completed"]);
    expect(noticesDue(party, [], endsAt)).toEqual([]);
  });
});
