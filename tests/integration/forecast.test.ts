// Issue 20 point 4: a forecast of each patch day, from each server's past durations, through the API.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { beforeAll, describe, expect, inject, it, vi } from "vitest";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next/headers", async () => {
  const { cookieStore, sessionCookies } = await import("./fixtures/session");
  return { cookies: async () => cookieStore(await sessionCookies(session.userId)), headers: async () => new Headers() };
});

import * as forecastModule from "@/app/api/v1/parties/[tag]/[kind]/forecast/route";
import { versionedStore } from "@/lib/cache/versioned";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";
import { keepPartyRule, setSlotSettings } from "./fixtures/party-rule";
import { caller, route } from "./fixtures/requests";
import { unusedYear } from "./fixtures/years";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const call = caller(session, "http://localhost");
const forecastRoute = route(forecastModule, "GET");

type Forecast = {
  party: { tag: string; kind: string };
  settings: { concurrency: number; cutoffMinutes: number; memberTimeoutMinutes: number };
  slots: {
    group: number;
    startsAt: string;
    cutoffAt: string;
    resources: number;
    fits: boolean;
    spill: { notStarted: number; overrun: number };
    spillOver: {
      resource: string;
      service: string | null;
      reason: string;
      expectedStartAt: string;
      expectedFinishAt: string;
      minutes: number;
      source: string;
    }[];
    services: { name: string; servers: number; wholeService: boolean }[];
  }[];
  services: { name: string; servers: number; downMinutes: number; anyDownMinutes: number; allDownMinutes: number; wholeServiceInGroup: number | null }[];
};

let f: Awaited<ReturnType<typeof makeFleet>>;
let tag: string;
let slot1: Date;
let wholeService: string;

/** A finished execution of `resourceId` that took `minutes`, finishing `ago` before the party. */
function execution(resourceId: string, name: string, minutes: number, finishedAt: Date, state: "SUCCEEDED" | "FAILED" = "SUCCEEDED") {
  return {
    key: `forecast-${randomBytes(6).toString("hex")}`,
    executor: "ssh",
    state,
    resourceId,
    memberName: name,
    fromVersion: "",
    toVersion: "old",
    request: {},
    startedAt: new Date(finishedAt.getTime() - minutes * MINUTE),
    finishedAt,
    deadline: finishedAt,
  };
}

keepPartyRule();

beforeAll(async () => {
  // Everyone at once and no canary: each server starts at its slot's start, whatever else the
  // shared test database holds in the same groups.
  await setSlotSettings({ slotConcurrency: 100_000, slotConcurrencyPercent: null, slotCanaryPercent: 0, slotCutoffMinutes: 30, slotMemberTimeoutMinutes: 60 });
  f = await makeFleet();
  const year = await unusedYear();
  tag = `${year}-Q1`;
  slot1 = new Date(Date.UTC(year, 2, 7, 5));
  const slot2 = new Date(slot1.getTime() + 4 * HOUR);
  const party = await db.party.create({
    data: {
      tag,
      kind: "PRODUCTION",
      localDate: `${year}-03-07`,
      timeZone: "UTC",
      startsAt: slot1,
      endsAt: new Date(slot2.getTime() + 4 * HOUR),
      slots: {
        create: [
          { group: 1, startsAt: slot1, endsAt: slot2 },
          { group: 2, startsAt: slot2, endsAt: new Date(slot2.getTime() + 4 * HOUR) },
        ],
      },
    },
  });
  // A service whose two production servers are both in group 1.
  wholeService = `${f.prefix}-whole`;
  const service = await db.service.create({ data: { name: wholeService, teamId: f.teamA.id } });
  const [whole1, whole2] = await Promise.all(
    [1, 2].map((i) =>
      db.resource.create({
        data: { name: `${f.prefix}-whole${i}`, kind: "VM", environment: "PRODUCTION", teamId: f.teamA.id, serviceId: service.id, patchGroup: 1 },
      }),
    ),
  );
  const day = (d: number) => new Date(Date.UTC(2026, 0, d, 12));
  await db.execution.createMany({
    data: [
      // whole1: its last ten took 20 or 40 minutes (median 30); an older one of 1,000 minutes and a
      // failed one of 500 do not count.
      ...[20, 40, 20, 40, 20, 40, 20, 40, 20, 40].map((m, i) => execution(whole1!.id, whole1!.name, m, day(10 + i))),
      execution(whole1!.id, whole1!.name, 1000, day(1)),
      execution(whole1!.id, whole1!.name, 500, day(25), "FAILED"),
      // whole2: 50 and 70 (median 60).
      execution(whole2!.id, whole2!.name, 50, day(3)),
      execution(whole2!.id, whole2!.name, 70, day(4)),
      // other (group 1): five hours, past its 4-hour slot.
      execution(f.other.id, f.other.name, 300, day(5)),
      // web (group 2): ten minutes. node1 has no history: half the 60-minute timeout.
      execution(f.web.id, f.web.name, 10, day(6)),
    ],
  });
  // node2 has no execution but a patch history (a party slot's outcome): 45 minutes. whole2's
  // outcome is not used: it has executions.
  const outcome = (resourceId: string, minutes: number) => ({
    resourceId,
    partyId: party.id,
    group: 1,
    status: "PATCHED" as const,
    startedAt: day(7),
    finishedAt: new Date(day(7).getTime() + minutes * MINUTE),
  });
  await db.patchOutcome.createMany({ data: [outcome(f.nodes[1]!.id, 45), outcome(whole2!.id, 500)] });
});

describe("GET /api/v1/parties/{tag}/{kind}/forecast", () => {
  it("forecasts each slot from the servers' past durations: who spills over, and the downtime per service", async () => {
    const response = await call(forecastRoute, "GET", `/api/v1/parties/${tag}/production/forecast`, { as: f.viewer.id, params: { tag, kind: "production" } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Forecast;
    expect(body.party).toMatchObject({ tag, kind: "production" });
    expect(body.settings).toMatchObject({ concurrency: 100_000, cutoffMinutes: 30, memberTimeoutMinutes: 60 });
    const [g1, g2] = body.slots;
    expect(g1).toMatchObject({ group: 1, startsAt: slot1.toISOString(), cutoffAt: new Date(slot1.getTime() + 3.5 * HOUR).toISOString(), fits: false });
    expect(g1!.resources).toBeGreaterThanOrEqual(4); // node1, other, whole1, whole2 (and other files' servers)
    const mine = (w: Forecast["slots"][number]) => w.spillOver.filter((s) => s.resource.startsWith(`${f.prefix}-`));
    expect(mine(g1!)).toEqual([
      {
        resource: f.other.name,
        service: `${f.prefix}-svc`,
        reason: "overrun",
        expectedStartAt: slot1.toISOString(),
        expectedFinishAt: new Date(slot1.getTime() + 5 * HOUR).toISOString(),
        minutes: 300,
        source: "history",
      },
    ]);
    expect(mine(g2!)).toEqual([]);
    // Every spilled server is counted; at most the first 100 are named.
    expect(g1!.spill.overrun).toBeGreaterThanOrEqual(1);
    expect(g1!.spillOver.length).toBe(Math.min(100, g1!.spill.notStarted + g1!.spill.overrun));
    expect(g1!.services).toContainEqual({ name: wholeService, servers: 2, wholeService: true });
    expect(g1!.services).toContainEqual({ name: `${f.prefix}-svc`, servers: 2, wholeService: false });
    expect(g2!.services).toContainEqual({ name: `${f.prefix}-svc`, servers: 2, wholeService: false });

    const service = (name: string) => body.services.find((s) => s.name === name);
    // whole1 05:00–05:30 and whole2 05:00–06:00: both down together for 30 minutes.
    expect(service(wholeService)).toEqual({ name: wholeService, servers: 2, downMinutes: 90, anyDownMinutes: 60, allDownMinutes: 30, wholeServiceInGroup: 1 });
    // other 05:00–10:00 (300) and node1 05:00–05:30 (30) in group 1; web 09:00–09:10 (10) and
    // node2 09:00–09:45 (45) in group 2, while other still runs: some server is down 05:00–10:00.
    // node3 (group 3) has no slot in this party.
    expect(service(`${f.prefix}-svc`)).toEqual({
      name: `${f.prefix}-svc`,
      servers: 4,
      downMinutes: 385,
      anyDownMinutes: 300,
      allDownMinutes: 0,
      wholeServiceInGroup: null,
    });
  });

  it("refuses a bad kind or tag with its reason, and anyone signed out", async () => {
    const bad = await call(forecastRoute, "GET", `/api/v1/parties/${tag}/staging/forecast`, { as: f.viewer.id, params: { tag, kind: "staging" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "kind: must be qa or production" });
    const badTag = await call(forecastRoute, "GET", `/api/v1/parties/Q1/production/forecast`, { as: f.viewer.id, params: { tag: "Q1", kind: "production" } });
    expect(badTag.status).toBe(400);
    expect(((await badTag.json()) as { error: string }).error).toMatch(/^tag: /);
    const signedOut = await call(forecastRoute, "GET", `/api/v1/parties/${tag}/production/forecast`, { params: { tag, kind: "production" } });
    expect(signedOut.status).toBe(401);
  });

  it("forecasts a party still projected from the rule (not stored) from the servers as they are now", async () => {
    const year = await unusedYear({ latest: true });
    const projected = `${year}-Q2`;
    const response = await call(forecastRoute, "GET", `/api/v1/parties/${projected}/qa/forecast`, { as: f.viewer.id, params: { tag: projected, kind: "qa" } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Forecast;
    expect(body.party).toMatchObject({ tag: projected, kind: "qa" });
    expect(body.slots.length).toBeGreaterThan(0);
    // A QA party patches non-production servers: no service is marked as wholly down in it.
    expect(body.services.every((s) => s.wholeServiceInGroup === null)).toBe(true);
  });
});

describe("the forecast as each process keeps it (lib/cache/stores.ts partyForecasts)", () => {
  const slot1 = async () => {
    const response = await call(forecastRoute, "GET", `/api/v1/parties/${tag}/production/forecast`, { as: f.viewer.id, params: { tag, kind: "production" } });
    const body = (await response.json()) as Forecast;
    return body.slots.find((s) => s.group === 1)!;
  };
  const wholeIn = (slot: Forecast["slots"][number]) => slot.services.find((s) => s.name === wholeService);
  /** Moves whole1 to `group` with the database's triggers off: no token moves. */
  async function moveBehindTheTokensBack(group: number) {
    const owner = new pg.Client({ connectionString: inject("databaseMigrationUrl") });
    await owner.connect();
    try {
      await owner.query("BEGIN");
      await owner.query("SET LOCAL session_replication_role = replica");
      await owner.query(`UPDATE "Resource" SET "patchGroup" = $1 WHERE name = $2`, [group, `${f.prefix}-whole1`]);
      await owner.query("COMMIT");
    } finally {
      await owner.end();
    }
  }

  it("follows a change at once: a server moved out of the party's groups leaves its slot, and comes back", async () => {
    const before = await slot1();
    expect(wholeIn(before)).toEqual({ name: wholeService, servers: 2, wholeService: true });
    await db.resource.update({ where: { name: `${f.prefix}-whole1` }, data: { patchGroup: 3 } });
    const moved = await slot1();
    expect(moved.resources).toBe(before.resources - 1);
    expect(wholeIn(moved)).toEqual({ name: wholeService, servers: 1, wholeService: false });
    await db.resource.update({ where: { name: `${f.prefix}-whole1` }, data: { patchGroup: 1 } });
    expect(await slot1()).toEqual(before);
  });

  it("keeps what it worked out until the token moves (a change made without the triggers is not seen)", async () => {
    const before = await slot1();
    await moveBehindTheTokensBack(3);
    try {
      expect(await slot1()).toEqual(before);
      await db.dataVersion.update({ where: { name: "forecast" }, data: { token: crypto.randomUUID() } });
      expect((await slot1()).resources).toBe(before.resources - 1);
    } finally {
      await moveBehindTheTokensBack(1);
      await db.dataVersion.update({ where: { name: "forecast" }, data: { token: crypto.randomUUID() } });
    }
    expect(await slot1()).toEqual(before);
  });

  it("two transactions that move both tokens, in opposite orders, do not deadlock (each locks every version row first, in one order)", async () => {
    // No row in common (else the rows themselves would deadlock): a slot and a server each.
    const party = await db.party.findUniqueOrThrow({ where: { tag_kind: { tag, kind: "PRODUCTION" } }, select: { slots: { select: { id: true } } } });
    const [slotA, slotB] = party.slots.map((s) => s.id);
    const touchSlot = `UPDATE "PartySlot" SET "group" = "group" WHERE id = $1`;
    const touchServer = `UPDATE "Resource" SET "patchGroup" = "patchGroup" WHERE name = $1`;
    const [t1, t2] = [new pg.Client({ connectionString: inject("databaseUrl") }), new pg.Client({ connectionString: inject("databaseUrl") })];
    await Promise.all([t1.connect(), t2.connect()]);
    try {
      // T1 moves "parties" first, T2 "forecast" first; each then moves the other. SET CONSTRAINTS
      // fires a transaction's deferred triggers at once, so the order is the test's, not luck's.
      await t1.query("BEGIN");
      await t1.query(touchSlot, [slotA]);
      await t1.query("SET CONSTRAINTS ALL IMMEDIATE");
      await t2.query("BEGIN");
      await t2.query(touchServer, [`${f.prefix}-whole2`]);
      const t2First = t2.query("SET CONSTRAINTS ALL IMMEDIATE"); // waits for T1 if T1 holds every version row
      await new Promise((resolve) => setTimeout(resolve, 200));
      await t1.query(touchServer, [`${f.prefix}-whole1`]);
      const t1Commit = t1.query("COMMIT");
      const t2Rest = t2First.then(() => t2.query(touchSlot, [slotB])).then(() => t2.query("COMMIT"));
      await expect(Promise.all([t1Commit, t2Rest])).resolves.toHaveLength(2);
    } finally {
      await Promise.all([t1.end(), t2.end()]);
    }
  });

  it("moves the token for a successful execution and a patched outcome, not for one that starts or fails", async () => {
    const token = async () => (await db.dataVersion.findUniqueOrThrow({ where: { name: "forecast" } })).token;
    const whole1 = await db.resource.findUniqueOrThrow({ where: { name: `${f.prefix}-whole1` } });
    const started = await token();
    const run = await db.execution.create({ data: { ...execution(whole1.id, whole1.name, 10, new Date()), state: "RUNNING" } });
    await db.execution.update({ where: { id: run.id }, data: { state: "FAILED" } });
    expect(await token()).toBe(started);
    await db.execution.update({ where: { id: run.id }, data: { state: "SUCCEEDED" } });
    const succeeded = await token();
    expect(succeeded).not.toBe(started);
    await db.execution.delete({ where: { id: run.id } }); // as it was, for the other tests
    expect(await token()).not.toBe(succeeded);
  });

  it("works out one key's loads one at a time, whatever their tokens (a process holds one copy at once)", async () => {
    const store = versionedStore<number>("forecast", 5);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const load = (value: number) => async () => {
      started.push(value);
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 200));
      running--;
      return value;
    };
    const move = () => db.dataVersion.update({ where: { name: "forecast" }, data: { token: crypto.randomUUID() } });
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    // Each read has read its token before the next move: the first's load has started, and the
    // second has been chained behind it (it is kept at once, under its token).
    const first = store.read(load(1), "k");
    await until(() => started.includes(1));
    await move();
    const second = store.read(load(2), "k");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started).toEqual([1]); // waits for the first
    await move();
    const third = store.read(load(3), "k");
    const other = store.read(load(4), "other key");
    expect(await Promise.all([first, second, third, other])).toEqual([1, 2, 3, 4]);
    expect(most).toBe(2); // "k" one at a time, beside "other key"
    expect(await store.read(load(5), "k")).toBe(3); // kept under the token it was read with
  });
});
