// Issue 20, point 3: deadlines by severity. Admins set them over the API (audited, a stale copy
// refused); compliance lists, per team and environment, the servers past a deadline (excluded ones
// too, with their reason: an exclusion does not stop the clock); a resolved update no longer
// counts; the trend gains the share of servers within deadline at each quarter's end.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as complianceRoute } from "@/app/api/v1/compliance/route";
import { GET as getRoute, PUT as putRoute } from "@/app/api/v1/compliance/deadlines/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { complianceTrend, overdueServers } from "@/lib/data/compliance";
import { getDeadlines } from "@/lib/data/deadlines";
import { recordScan } from "@/lib/data/updates";
import { db } from "@/lib/db";
import type { PendingUpdateReport } from "@/lib/domain/updates";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
const tokens: Record<string, string> = {};
const PATH = "/api/v1/compliance/deadlines";
const RULES = { criticalDays: 14, highDays: 30, mediumDays: 90, lowDays: null, unratedDays: 30 };

beforeAll(async () => {
  f = await makeFleet();
  for (const who of ["admin", "owner", "viewer"] as const)
    tokens[who] = (await createApiToken(f[who].id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
});

const request = (method: string, who: "admin" | "owner" | "viewer", body?: unknown, path = PATH) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: { Authorization: `Bearer ${tokens[who]}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
const put = async (who: "admin" | "owner", body: unknown) => {
  const response = await putRoute(request("PUT", who, body));
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};
const read = async () => (await (await getRoute(request("GET", "viewer"))).json()) as Record<string, unknown>;

describe("the deadline settings", () => {
  it("anyone signed in reads them; admins change them (audited); owners and bad input are refused and change nothing", async () => {
    const before = await read();
    expect(Object.keys(before).sort()).toEqual(["criticalDays", "highDays", "lowDays", "mediumDays", "revision", "unratedDays"]);

    expect(await put("owner", { criticalDays: 7 })).toEqual({ status: 403, json: { error: "Only admins change the update deadlines." } });
    const bad = "must be a whole number of days from 1 to 365; leave it empty (null) for no deadline.";
    expect(await put("admin", { criticalDays: 0 })).toEqual({ status: 400, json: { error: `criticalDays: ${bad}` } });
    expect(await put("admin", { highDays: 366 })).toEqual({ status: 400, json: { error: `highDays: ${bad}` } });
    expect(await put("admin", { lowDays: "soon" })).toEqual({ status: 400, json: { error: `lowDays: ${bad}` } });
    expect((await put("admin", { criticalDays: 7, urgentDays: 3 })).status).toBe(400);
    expect((await put("admin", "[1]")).status).toBe(400);
    expect(await read()).toEqual(before);

    const saved = await put("admin", { criticalDays: 7, lowDays: 180, revision: before.revision });
    expect(saved).toEqual({ status: 200, json: { ...before, criticalDays: 7, lowDays: 180, revision: (before.revision as number) + 1 } });
    expect(await read()).toEqual(saved.json);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "deadlines.update", actorId: f.admin.id }, orderBy: { at: "desc" } });
    expect(audit).toMatchObject({ entityType: "update-deadlines", entityId: "default", actorLabel: f.admin.email });
    expect(audit.before).toMatchObject({ criticalDays: before.criticalDays, lowDays: before.lowDays });
    expect(audit.after).toMatchObject({ criticalDays: 7, lowDays: 180 });

    // A copy read before that save is stale: refused, nothing saved.
    expect(await put("admin", { criticalDays: 3, revision: before.revision })).toMatchObject({ status: 409 });
    expect((await read()).criticalDays).toBe(7);
    // null clears one; the rest keep theirs.
    expect((await put("admin", { ...RULES })).json).toMatchObject(RULES);
  });
});

describe("servers past their deadline", () => {
  // Everything happens in 2025; the fleet existed from the start of 2024.
  const at = (iso: string) => new Date(iso);
  const now = at("2025-06-15T12:00:00Z");
  const update = (pkg: string, severity: PendingUpdateReport["severity"], security = true, advisories: string[] = []): PendingUpdateReport => ({
    package: pkg,
    installed: "1.0",
    candidate: "1.1",
    security,
    severity,
    advisories,
  });
  const report = (updates: PendingUpdateReport[]) => ({ packageManager: "apt", release: "debian 12", rebootRequired: false, updates });
  const teams = () => ({ teamIds: [f.teamA.id, f.teamB.id] });

  beforeAll(async () => {
    expect((await put("admin", RULES)).status).toBe(200);
    const [node1, node2, node3] = f.nodes;
    await db.resource.updateMany({ where: { id: { in: [...f.nodes, f.web, f.other].map((r) => r.id) } }, data: { createdAt: at("2024-01-01T00:00:00Z") } });
    await db.resource.update({
      where: { id: node1!.id },
      data: { excluded: true, exclusionReason: "Vendor freeze until the migration", excludedAt: at("2025-04-01T00:00:00Z") },
    });
    await db.pendingUpdate.createMany({
      data: [
        // node1, excluded: a critical update due 15 May; a medium one not due yet.
        {
          resourceId: node1!.id,
          package: "openssl",
          candidate: "3.0.16",
          security: true,
          severity: "CRITICAL",
          advisories: ["DSA-5800-1", "CVE-2025-0001"],
          firstSeenAt: at("2025-05-01T00:00:00Z"),
          lastSeenAt: now,
        },
        {
          resourceId: node1!.id,
          package: "curl",
          candidate: "8.0",
          security: true,
          severity: "MEDIUM",
          firstSeenAt: at("2025-06-01T00:00:00Z"),
          lastSeenAt: now,
        },
        // node3: a security update apt gives no severity, due 31 January, installed 1 May.
        {
          resourceId: node3!.id,
          package: "zlib1g",
          candidate: "1.3",
          security: true,
          firstSeenAt: at("2025-01-01T00:00:00Z"),
          lastSeenAt: at("2025-04-30T00:00:00Z"),
          resolvedAt: at("2025-05-01T00:00:00Z"),
        },
        // web: a high update due 31 May.
        {
          resourceId: f.web.id,
          package: "sudo",
          candidate: "1.9.16",
          security: true,
          severity: "HIGH",
          firstSeenAt: at("2025-05-01T00:00:00Z"),
          lastSeenAt: now,
        },
        // Team B: a low update (low has no deadline) and a plain bug fix (no deadline ever), both pending for ages.
        {
          resourceId: f.other.id,
          package: "less",
          candidate: "643",
          security: true,
          severity: "LOW",
          firstSeenAt: at("2024-01-01T00:00:00Z"),
          lastSeenAt: now,
        },
        { resourceId: f.other.id, package: "vim", candidate: "9.1", security: false, firstSeenAt: at("2024-01-01T00:00:00Z"), lastSeenAt: now },
      ],
    });
    // node2: a scan on 1 April finds a high update (due 1 May).
    await recordScan(node2!.id, report([update("bash", "high")]), "test", at("2025-04-01T00:00:00Z"));
  });

  it("lists a server past its deadline while excluded, with its reason and days overdue; a resolved update no longer counts", async () => {
    // 20 May: node2's bash is 19 days late, node1's openssl 5.
    const may = await overdueServers(at("2025-05-20T00:00:00Z"), teams());
    expect(may.map((g) => [g.team, g.environment, g.servers, g.excluded])).toEqual([[f.teamA.name, "PRODUCTION", 2, 1]]);
    expect(may[0]!.rows.map((r) => [r.name, r.package, r.daysOverdue])).toEqual([
      [f.nodes[1]!.name, "bash", 19],
      [f.nodes[0]!.name, "openssl", 5],
    ]);

    // On 1 June a scan of node2 no longer finds bash: installed, resolved.
    await recordScan(f.nodes[1]!.id, report([]), "test", at("2025-06-01T00:00:00Z"));
    const june = await overdueServers(now, teams());
    expect(june).toHaveLength(1);
    expect(june[0]).toMatchObject({ teamId: f.teamA.id, team: f.teamA.name, environment: "PRODUCTION", servers: 2, excluded: 1 });
    expect(june[0]!.rows).toEqual([
      {
        name: f.nodes[0]!.name,
        excluded: true,
        exclusionReason: "Vendor freeze until the migration",
        package: "openssl",
        severity: "critical",
        security: true,
        advisories: ["DSA-5800-1", "CVE-2025-0001"],
        due: at("2025-05-15T00:00:00Z"),
        daysOverdue: 31,
        overdueUpdates: 1,
      },
      expect.objectContaining({ name: f.web.name, excluded: false, exclusionReason: null, package: "sudo", severity: "high", daysOverdue: 15 }),
    ]);
    // A longer deadline for critical updates moves openssl's due date: nothing of node1 is late then.
    expect((await put("admin", { criticalDays: 60 })).status).toBe(200);
    expect((await overdueServers(now, teams()))[0]!.rows.map((r) => r.name)).toEqual([f.web.name]);
    expect((await put("admin", RULES)).status).toBe(200);
  });

  it("the trend has the share of servers within deadline at each quarter's end", async () => {
    const trend = await complianceTrend(now, teams());
    const points = Object.fromEntries(trend.withinDeadline.all.map((p) => [p.quarter, p]));
    // Before the fleet existed: no servers, no share.
    expect(points["2023-Q3"]).toMatchObject({ servers: 0, share: null });
    // End of 2024: nothing was late.
    expect(points["2024-Q4"]).toEqual({ quarter: "2024-Q4", at: at("2025-01-01T00:00:00Z"), servers: 5, withinDeadline: 5, share: 1 });
    // End of Q1: node3's zlib1g was two months late (bash on node2 was seen that very instant, due a month later).
    expect(points["2025-Q1"]).toEqual({ quarter: "2025-Q1", at: at("2025-04-01T00:00:00Z"), servers: 5, withinDeadline: 4, share: 0.8 });
    // Now (the quarter under way): node1 (excluded: it still counts) and web; zlib1g and bash were installed.
    expect(points["2025-Q2"]).toEqual({ quarter: "2025-Q2", at: now, servers: 5, withinDeadline: 3, share: 0.6 });
    expect(trend.withinDeadline.production.map((p) => p.share)).toEqual(trend.withinDeadline.all.map((p) => p.share));
    expect(trend.withinDeadline.nonProduction.every((p) => p.share === null)).toBe(true);
  });

  it("GET /api/v1/compliance carries the rules and the servers past their deadline", async () => {
    const response = await complianceRoute(request("GET", "viewer", undefined, "/api/v1/compliance"));
    expect(response.status).toBe(200);
    const json = (await response.json()) as {
      deadlines: {
        rules: Record<string, unknown>;
        overdue: { team: string; environment: string; servers: number; excluded: number; resources: Record<string, unknown>[] }[];
      };
      trend: { withinDeadline: { all: { quarter: string; share: number | null }[] } };
    };
    expect(json.deadlines.rules).toMatchObject(RULES);
    const mine = json.deadlines.overdue.find((g) => g.team === f.teamA.name);
    // Today, long after: openssl and sudo are still pending, so both servers are late.
    expect(mine).toMatchObject({ environment: "production", servers: 2, excluded: 1 });
    expect(mine!.resources[0]).toMatchObject({
      name: f.nodes[0]!.name,
      excluded: true,
      exclusionReason: "Vendor freeze until the migration",
      package: "openssl",
      severity: "critical",
      due: "2025-05-15T00:00:00.000Z",
    });
    expect(mine!.resources[0]!.daysOverdue).toBeGreaterThan(31);
    expect(json.deadlines.overdue.find((g) => g.team === f.teamB.name)).toBeUndefined();
    expect(json.trend.withinDeadline.all).toHaveLength(8);
    expect(await getDeadlines()).toMatchObject(RULES);
  });
});
