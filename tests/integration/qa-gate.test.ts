// QA gates production: the quarter's QA outcome against the threshold, and an admin's hold that
// blocks the production party (page, API) until it is released.
import { beforeEach, describe, expect, it } from "vitest";
import { GET as getParty } from "@/app/api/v1/parties/[tag]/[kind]/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { holdParty, qaOutcomeOf, releaseParty } from "@/lib/data/party-hold";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";
import { unusedYear } from "./fixtures/years";

let f: Awaited<ReturnType<typeof makeFleet>>;
let tag: string;
const NOW = new Date("2026-11-25T10:00:00Z");

beforeEach(async () => {
  f = await makeFleet();
  // A tag of our own (other tests use other far years); the parties' dates are what matter.
  tag = `${await unusedYear()}-Q1`;
  // A QA party that has run (in the past of NOW) and its production party still ahead.
  const qa = await db.party.create({
    data: { tag, kind: "QA", localDate: "2026-11-05", timeZone: "UTC", startsAt: new Date("2026-11-05T08:00:00Z"), endsAt: new Date("2026-11-05T17:00:00Z") },
  });
  await db.party.create({
    data: {
      tag,
      kind: "PRODUCTION",
      localDate: "2026-12-06",
      timeZone: "UTC",
      startsAt: new Date("2026-12-06T05:00:00Z"),
      endsAt: new Date("2026-12-06T17:00:00Z"),
    },
  });
  const outcome = (resourceId: string, status: "PATCHED" | "FAILED") =>
    db.patchOutcome.create({ data: { resourceId, partyId: qa.id, group: 1, status, startedAt: qa.startsAt, finishedAt: qa.endsAt } });
  await Promise.all([outcome(f.web.id, "PATCHED"), outcome(f.other.id, "FAILED"), ...f.nodes.map((n) => outcome(n.id, "PATCHED"))]);
});

describe("QA gates production", () => {
  it("reports the QA outcome of the quarter against the threshold", async () => {
    expect(await qaOutcomeOf(tag, NOW)).toMatchObject({ patched: 4, failed: 1, tried: 5, failureRate: 0.2, overThreshold: true });
    expect(await qaOutcomeOf(tag, new Date("2026-11-05T12:00:00Z"))).toBeNull(); // still running then
  });

  it("an admin holds the production party with a reason; the API says it is blocked until released", async () => {
    expect(await holdParty(f.owner, tag, "QA failed", NOW)).toMatchObject({ ok: false, status: 403 });
    expect((await holdParty(f.admin, tag, "QA failures 20 %: waiting for the vendor's fix", NOW)).ok).toBe(true);
    expect(await holdParty(f.admin, tag, "again", NOW)).toMatchObject({ ok: false, status: 409, code: "held" });
    const token = (await createApiToken(f.viewer.id, { name: "t", scope: "write", days: 90 }, { id: null, label: "t" })).secret;
    const read = async () =>
      (await (
        await getParty(new Request(`http://localhost/api/v1/parties/${tag}/production`, { headers: { Authorization: `Bearer ${token}` } }), {
          params: Promise.resolve({ tag, kind: "production" }),
        })
      ).json()) as Record<string, unknown>;
    expect(await read()).toMatchObject({
      blocked: true,
      blockedReason: `Held by ${f.admin.email}: QA failures 20 %: waiting for the vendor's fix`,
      held: { by: f.admin.email },
    });
    expect((await releaseParty(f.admin, tag, NOW)).ok).toBe(true);
    expect(await read()).toMatchObject({ blocked: true, blockedReason: "It has no change request yet.", held: null });
    expect(await db.auditEvent.count({ where: { action: { in: ["party.hold", "party.release"] }, entityLabel: `${tag} production` } })).toBe(2);
    expect(await holdParty(f.admin, tag, "late", new Date("2026-12-06T06:00:00Z"))).toMatchObject({ ok: false, status: 409, code: "started" });
  });
});
