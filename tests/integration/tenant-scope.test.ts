// Customers see only their own (issue 21, point 3): a resource owner is a customer of the
// provider, and the answers that list or name servers hold only their teams' servers. Operators
// (viewers), approvers and admins read every team's: each check below is made for a viewer too,
// so a check that could not fail would show.
import { beforeAll, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => {
  const { cookieStore, sessionCookies } = await import("./fixtures/session");
  return { cookies: async () => cookieStore(await sessionCookies(session.userId)), headers: async () => new Headers() };
});

import * as resourcesRoute from "@/app/api/v1/resources/route";
import * as resourcesCsvRoute from "@/app/api/v1/resources.csv/route";
import * as resourceRoute from "@/app/api/v1/resources/[name]/route";
import * as updatesRoute from "@/app/api/v1/resources/[name]/updates/route";
import * as complianceRoute from "@/app/api/v1/compliance/route";
import * as complianceCsvRoute from "@/app/api/v1/compliance.csv/route";
import { readableTeams } from "@/lib/auth/permissions";
import { createApiToken } from "@/lib/data/api-tokens";
import { createFeed, feedEvents, feedWindows } from "@/lib/data/calendar-feed";
import { longExclusions } from "@/lib/data/exclusion-report";
import { getFleetSummary } from "@/lib/data/fleet";
import { countIncludedByGroup } from "@/lib/data/parties";
import { exportPartyCsv } from "@/lib/data/party-csv";
import { listPartyExcluded, listPartyResources } from "@/lib/data/party-detail";
import { countMatching, listResourcePage } from "@/lib/data/resource-list";
import { getResource } from "@/lib/data/resource-detail";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";
import { caller, route } from "./fixtures/requests";

let f: Awaited<ReturnType<typeof makeFleet>>;
const tokens = { ownerB: "", viewer: "", owner: "" };
const call = caller(session, "http://localhost");

beforeAll(async () => {
  f = await makeFleet();
  const token = async (userId: string) => (await createApiToken(userId, { name: "scope", scope: "read", days: 1 }, { id: null, label: "test" })).secret;
  [tokens.ownerB, tokens.viewer, tokens.owner] = await Promise.all([token(f.ownerB.id), token(f.viewer.id), token(f.owner.id)]);
  // Excluded for half a year: on the long-exclusions report (of any length here) of whoever may read it.
  await db.resource.update({
    where: { id: f.web.id },
    data: { excluded: true, exclusionReason: `Scope test ${f.prefix}`, excludedAt: new Date(Date.now() - 200 * 86_400_000) },
  });
});

/** The body of a GET as the token's person. */
async function read(module: unknown, path: string, token: string, params?: Record<string, string>) {
  const response = await call(route(module, "GET"), "GET", path, { token, params });
  return { status: response.status, body: await response.text() };
}

describe("an owner of another team", () => {
  it("finds none of team A's servers in the resource list, its count, its CSV and the API", async () => {
    for (const who of ["ownerB", "viewer"] as const) {
      const sees = who === "viewer";
      const list = await read(resourcesRoute, `/api/v1/resources?q=${f.prefix}&limit=200`, tokens[who]);
      expect([who, list.status, list.body.includes(f.web.name)]).toEqual([who, 200, sees]);
      const csv = await read(resourcesCsvRoute, `/api/v1/resources.csv?q=${f.prefix}`, tokens[who]);
      expect([who, csv.status, csv.body.includes(f.web.name)]).toEqual([who, 200, sees]);
    }
    // Team B's own server is there for its owner: the scope narrows, it does not hide everything.
    expect((await read(resourcesRoute, `/api/v1/resources?q=${f.prefix}`, tokens.ownerB)).body).toContain(f.other.name);
    const scope = readableTeams(f.ownerB);
    expect(await countMatching({ q: f.prefix }, scope)).toEqual({ count: 1, capped: false });
    expect(await countMatching({ q: f.prefix }, readableTeams(f.viewer))).toEqual({ count: 2 + f.nodes.length, capped: false });
    const page = await listResourcePage({ q: f.prefix }, scope, "name", undefined, 200);
    expect("rows" in page && page.rows.map((r) => r.name)).toEqual([f.other.name]);
  });

  it("is told a server of team A does not exist, on its page's read and in the API", async () => {
    expect(await getResource(f.web.name, readableTeams(f.ownerB))).toBeNull();
    expect((await getResource(f.web.name, readableTeams(f.owner)))?.name).toBe(f.web.name);
    for (const [who, status] of [
      ["ownerB", 404],
      ["owner", 200],
      ["viewer", 200],
    ] as const) {
      const one = await read(resourceRoute, "/api/v1/resources/x", tokens[who], { name: f.web.name });
      expect([who, one.status]).toEqual([who, status]);
      const updates = await read(updatesRoute, "/api/v1/resources/x/updates", tokens[who], { name: f.web.name });
      expect([who, updates.status]).toEqual([who, status]);
      if (status === 404) expect(one.body + updates.body).not.toContain(f.teamA.name);
    }
  });

  it("reads only their teams on the compliance figures and the long-exclusions report", async () => {
    for (const who of ["ownerB", "viewer"] as const) {
      const sees = who === "viewer";
      const figures = await read(complianceRoute, "/api/v1/compliance", tokens[who]);
      const csv = await read(complianceCsvRoute, "/api/v1/compliance.csv", tokens[who]);
      expect([who, figures.status, csv.status]).toEqual([who, 200, 200]);
      // Other teams of the database (the demo's, other files') are not team B's either.
      const teams = (JSON.parse(figures.body) as { byTeam: { team: string }[] }).byTeam.map((t) => t.team);
      if (!sees) expect(teams.every((t) => t === f.teamB.name)).toBe(true);
      if (!sees) expect(csv.body).not.toContain(f.teamA.name);
    }
    const report = async (user: typeof f.viewer) => {
      const scope = readableTeams(user);
      return (await longExclusions(new Date(), { teamIds: scope ? [...scope] : undefined, atLeast: 0, limit: 5000 })).map((r) => r.name);
    };
    expect(await report(f.viewer)).toContain(f.web.name);
    expect(await report(f.owner)).toContain(f.web.name);
    expect(await report(f.ownerB)).not.toContain(f.web.name);
  });

  it("reads a party's resources, excluded servers and counts of their teams only: the schedule is shared, its lists are not", async () => {
    const node = f.nodes[0]!;
    const names = async (who: typeof f.viewer) =>
      (await listPartyResources("production", node.patchGroup as 1 | 2 | 3, f.prefix, readableTeams(who))).rows.map((r) => r.name);
    expect(await names(f.viewer)).toContain(node.name);
    expect(await names(f.owner)).toContain(node.name);
    expect(await names(f.ownerB)).not.toContain(node.name);
    const excluded = async (who: typeof f.viewer) => listPartyExcluded("production", readableTeams(who));
    expect((await excluded(f.owner)).rows.map((r) => r.name)).toContain(f.web.name);
    expect((await excluded(f.ownerB)).rows.map((r) => r.name)).not.toContain(f.web.name);
    expect((await excluded(f.ownerB)).total).toBe(0);
    expect((await excluded(f.owner)).total).toBe(1);
    // The party's CSV (a projected party here: the schedule is everyone's, its rows are not).
    const party = { id: null, tag: "7990-Q1", kind: "production" } as unknown as Parameters<typeof exportPartyCsv>[0];
    const csv = async (who: typeof f.viewer) => {
      let text = "";
      for await (const chunk of exportPartyCsv(party, { group: node.patchGroup }, readableTeams(who))) text += chunk;
      return text;
    };
    expect(await csv(f.viewer)).toContain(node.name);
    expect(await csv(f.ownerB)).not.toContain(node.name);
    expect(await csv(f.ownerB)).toContain(f.other.name); // group 1, as the node
  });

  it("reads the home page's figures of their teams only: their servers, and those in the next parties' slots", async () => {
    // Team A: three cluster nodes (groups 1–3) and the web server (group 2, excluded); team B: one server (group 1).
    expect(await getFleetSummary(readableTeams(f.owner))).toEqual({ production: 4, nonProduction: 0, excluded: 1, total: 4 });
    expect(await getFleetSummary(readableTeams(f.ownerB))).toEqual({ production: 1, nonProduction: 0, excluded: 0, total: 1 });
    expect(await countIncludedByGroup("production", readableTeams(f.owner))).toEqual({ 1: 1, 2: 1, 3: 1 });
    expect(await countIncludedByGroup("production", readableTeams(f.ownerB))).toEqual({ 1: 1, 2: 0, 3: 0 });
    expect(await countIncludedByGroup("qa", readableTeams(f.ownerB))).toEqual({ 1: 0, 2: 0, 3: 0 });
    // The viewer's are the whole fleet's: these two teams' five and any other test's.
    expect((await getFleetSummary(readableTeams(f.viewer))).total).toBeGreaterThanOrEqual(5);
  });

  it("cannot follow a server or a team of team A in a calendar feed: they are not there for them", async () => {
    const now = new Date();
    for (const who of [f.viewer, f.owner, f.ownerB]) {
      const sees = who !== f.ownerB;
      const byServer = await feedEvents({ resource: f.web.name }, readableTeams(who), now);
      expect([who.email, byServer.ok]).toEqual([who.email, sees]);
      const byTeam = await feedEvents({ team: f.teamA.slug }, readableTeams(who), now);
      expect([who.email, byTeam.ok]).toEqual([who.email, sees]);
      const feed = await createFeed(who, `scope ${who.email}`, { resource: f.web.name }, now);
      expect([who.email, feed.ok]).toEqual([who.email, sees]);
    }
    // The same answer as for a server that does not exist.
    const refusal = async (resource: string) => {
      const answer = await feedEvents({ resource }, readableTeams(f.ownerB), now);
      return answer.ok ? null : { status: answer.status, message: answer.message.replace(resource, "X") };
    };
    expect(await refusal(f.web.name)).toEqual(await refusal(`${f.prefix}-no-such-server`));
    // A team filter of another team gives no windows away either.
    expect(await feedWindows({ team: f.teamA.slug, windows: true }, readableTeams(f.ownerB), now)).toEqual([]);
  });
});
