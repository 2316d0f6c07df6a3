// Issue 16, point 4: freeze periods through the API, flagged on parties, and honoured by the engine.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/freezes/route";
import { DELETE as deleteRoute, GET as getRoute, PATCH as patchRoute } from "@/app/api/v1/freezes/[id]/route";
import { GET as partyRoute } from "@/app/api/v1/parties/[tag]/[kind]/route";
import { GET as icsRoute } from "@/app/api/v1/calendar.ics/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { decideChange, openPartyChange } from "@/lib/data/change-requests";
import { db } from "@/lib/db";
import { tickParties } from "@/lib/rollout/party-engine";
import { simulatedExecutor } from "@/lib/rollout/simulated";
import { makeFleet } from "./fixtures/fleet";
import { lonelyParty } from "./fixtures/requests";

const MINUTE = 60_000;
let f: Awaited<ReturnType<typeof makeFleet>>;
const tokens: Record<string, string> = {};
const made: string[] = [];

beforeEach(async () => {
  f = await makeFleet();
  for (const who of ["admin", "owner"] as const)
    tokens[who] = (await createApiToken(f[who].id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
});
afterEach(async () => {
  await db.freeze.deleteMany({ where: { id: { in: made.splice(0) } } });
});

const call = (method: string, path: string, who: "admin" | "owner", body?: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: { Authorization: `Bearer ${tokens[who]}`, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

async function createFreeze(body: Record<string, unknown>) {
  const response = await createRoute(call("POST", "/api/v1/freezes", "admin", body));
  const json = await response.json();
  if (response.status !== 201) throw new Error(JSON.stringify(json));
  made.push(json.id);
  return json as { id: string; name: string; revision: number };
}

describe("freeze periods", () => {
  it("admins define them over the API; bad input is refused with its reason and changes nothing", async () => {
    const body = {
      name: `${f.prefix} year end`,
      startsAt: "2031-12-20T00:00:00Z",
      endsAt: "2032-01-03T00:00:00+01:00",
      reason: "Trading peak: no changes",
      scope: "production",
      teams: [f.teamA.slug],
    };
    expect((await createRoute(call("POST", "/api/v1/freezes", "owner", body))).status).toBe(403);
    const refused = async (patch: Record<string, unknown>) => {
      const response = await createRoute(call("POST", "/api/v1/freezes", "admin", { ...body, ...patch }));
      return { status: response.status, error: ((await response.json()) as { error: string }).error };
    };
    expect(await refused({ endsAt: "2031-12-19T00:00:00Z" })).toEqual({ status: 400, error: "endsAt: The end must be after the start." });
    expect(await refused({ startsAt: "2031-12-20" })).toMatchObject({
      status: 400,
      error: expect.stringMatching(/^startsAt: The start must be an ISO-8601 instant/),
    });
    expect(await refused({ scope: "everything" })).toEqual({ status: 400, error: "scope: must be all, production or non-production" });
    expect(await refused({ teams: ["no-such-team"] })).toEqual({ status: 400, error: 'teams: there is no team "no-such-team"' });
    expect(await db.freeze.count({ where: { name: body.name } })).toBe(0);

    const created = await createFreeze(body);
    expect(created).toMatchObject({
      name: body.name,
      startsAt: "2031-12-20T00:00:00.000Z",
      endsAt: "2032-01-02T23:00:00.000Z",
      scope: "production",
      teams: [f.teamA.slug],
      revision: 1,
    });
    const listed = (await (await listRoute(call("GET", "/api/v1/freezes", "owner"))).json()) as { items: { id: string }[] };
    expect(listed.items.map((i) => i.id)).toContain(created.id);

    const stale = await patchRoute(call("PATCH", `/api/v1/freezes/${created.id}`, "admin", { name: "Renamed" }, { "If-Match": '"7"' }), idParams(created.id));
    expect(stale.status).toBe(409);
    const renamed = await patchRoute(
      call("PATCH", `/api/v1/freezes/${created.id}`, "admin", { name: `${f.prefix} renamed`, teams: [] }, { "If-Match": '"1"' }),
      idParams(created.id),
    );
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: `${f.prefix} renamed`, teams: [], revision: 2, startsAt: "2031-12-20T00:00:00.000Z" });
    expect((await patchRoute(call("PATCH", `/api/v1/freezes/${created.id}`, "admin", { endsAt: "2030-01-01T00:00:00Z" }), idParams(created.id))).status).toBe(
      400,
    );
    expect((await deleteRoute(call("DELETE", `/api/v1/freezes/${created.id}`, "owner"), idParams(created.id))).status).toBe(403);
    expect((await deleteRoute(call("DELETE", `/api/v1/freezes/${created.id}`, "admin"), idParams(created.id))).status).toBe(204);
    expect((await getRoute(call("GET", `/api/v1/freezes/${created.id}`, "admin"), idParams(created.id))).status).toBe(404);
    expect(await db.auditEvent.findMany({ where: { entityId: created.id }, orderBy: { at: "asc" }, select: { action: true } })).toEqual([
      { action: "freeze.create" },
      { action: "freeze.update" },
      { action: "freeze.delete" },
    ]);
  });

  it("a party whose slot overlaps a freeze says so in the API and the feed", async () => {
    const party = await lonelyParty();
    const year = Number(party.tag.slice(0, 4));
    const ice = await createFreeze({
      name: `${f.prefix} audit`,
      startsAt: new Date(Date.UTC(year, 2, 7, 8)).toISOString(),
      endsAt: new Date(Date.UTC(year, 2, 8)).toISOString(),
      reason: "External audit",
      scope: "all",
    });
    const json = await (await partyRoute(call("GET", "/x", "admin"), { params: Promise.resolve({ tag: party.tag, kind: "production" }) })).json();
    expect(json.conflicts).toEqual([{ kind: "freeze", id: ice.id, name: `${f.prefix} audit` }]);
    // The feed shows freezes in its range (a year ago to two years ahead) as events of their own.
    const soon = Date.now() + 500 * 86_400_000;
    const nearby = await createFreeze({
      name: `${f.prefix} launch`,
      startsAt: new Date(soon).toISOString(),
      endsAt: new Date(soon + 86_400_000).toISOString(),
      reason: "Product launch",
      scope: "non-production",
    });
    const ics = await (await icsRoute(call("GET", "/api/v1/calendar.ics", "admin"))).text();
    expect(ics).toContain(`UID:freeze-${nearby.id}@patchparty`);
    expect(ics).toContain(`SUMMARY:Freeze: ${f.prefix} launch`);
    expect(ics).not.toContain(`UID:freeze-${ice.id}@patchparty`); // far beyond the feed's two years
    const production = await (await icsRoute(call("GET", "/api/v1/calendar.ics?environment=production", "admin"))).text();
    expect(production).not.toContain(`UID:freeze-${nearby.id}@patchparty`);
  });

  it("the engine starts nothing inside a freeze: a freeze of everything keeps the slot waiting, a team's freeze holds only that team", async () => {
    const party = await lonelyParty();
    const opened = await openPartyChange(f.admin, party.tag, new Date(party.startsAt.getTime() - 86_400_000));
    if (!opened.ok) throw new Error(opened.message);
    await decideChange(f.admin, opened.value.id, "submit", {}, party.startsAt);
    await decideChange(f.approver, opened.value.id, "approve", { comment: "CAB: go" }, party.startsAt);
    const sim = simulatedExecutor({ durationSeconds: 60, failureRate: 0, jitter: 0 });
    const tick = (minutes: number) =>
      tickParties(new Date(party.startsAt.getTime() + minutes * MINUTE), sim, { partyIds: [party.id], teamIds: [f.teamA.id, f.teamB.id] });
    // Everything frozen for the slot's first 30 minutes.
    await createFreeze({
      name: `${f.prefix} all`,
      startsAt: party.startsAt.toISOString(),
      endsAt: new Date(party.startsAt.getTime() + 30 * MINUTE).toISOString(),
      reason: "Incident review",
      scope: "all",
    });
    // Team A's production servers frozen for the whole slot.
    await createFreeze({
      name: `${f.prefix} team A`,
      startsAt: party.startsAt.toISOString(),
      endsAt: party.endsAt.toISOString(),
      reason: "Team A's launch",
      scope: "production",
      teams: [f.teamA.slug],
    });
    const [waiting] = await tick(1);
    expect(waiting).toMatchObject({ state: "SCHEDULED", started: 0, blocked: expect.stringMatching(new RegExp(`^Frozen: "${f.prefix} all" until `)) });
    for (let m = 31; m <= 60; m++) await tick(m);
    const run = await db.partyRun.findUniqueOrThrow({ where: { partyId_group: { partyId: party.id, group: 1 } } });
    const tried = await db.patchAttempt.findMany({ where: { runId: run.id }, select: { resource: { select: { teamId: true } } } });
    // Team B's group-1 server ("other") was patched; team A's (node1) never started.
    expect(tried.map((t) => t.resource.teamId)).toEqual([f.teamB.id]);
    expect(run.state).toBe("RUNNING"); // not done while team A's servers could still start
    // After the slot: it fell short, with node1 never tried.
    for (let m = 235; m <= 241; m++) await tick(m);
    expect((await db.partyRun.findUniqueOrThrow({ where: { id: run.id } })).state).toBe("PARTIAL");
  });
});
