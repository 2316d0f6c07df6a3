// Issue 18, point 4: CSV exports (audit log with its filters, compliance figures, a party's
// resources with outcomes, the inventory's exclusion and last-patch columns), and the compliance
// trend read with one aggregate statement.
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as auditCsv } from "@/app/api/v1/audit.csv/route";
import { GET as complianceCsv } from "@/app/api/v1/compliance.csv/route";
import { GET as complianceJson } from "@/app/api/v1/compliance/route";
import { GET as partyCsv } from "@/app/api/v1/parties/[tag]/[kind]/resources.csv/route";
import { GET as resourcesCsv, POST as importCsv } from "@/app/api/v1/resources.csv/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { complianceTrend } from "@/lib/data/compliance";
import { csvCell } from "@/lib/data/csv";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";
import { unusedYear } from "./fixtures/years";

let f: Awaited<ReturnType<typeof makeFleet>>;
const tokens: Record<"admin" | "approver" | "owner" | "viewer", string> = { admin: "", approver: "", owner: "", viewer: "" };

beforeAll(async () => {
  f = await makeFleet();
  for (const who of ["admin", "approver", "owner", "viewer"] as const)
    tokens[who] = (await createApiToken(f[who].id, { name: "exports", scope: "read", days: 90 }, { id: null, label: "test" })).secret;
});

const get = (path: string, who?: keyof typeof tokens) =>
  new Request(`http://localhost${path}`, { headers: who ? { Authorization: `Bearer ${tokens[who]}` } : {} });
const rowsOf = (text: string) => parse(text, { columns: true, bom: true }) as Record<string, string>[];

describe("the CSV writer", () => {
  it("keeps a spreadsheet from running a cell as a formula, and leaves numbers and other text alone", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('\'=HYPERLINK("http://x")');
    for (const lead of ["+", "-", "@", "\t", "\r"]) expect(csvCell(`${lead}1`)).toBe(`'${lead}1`);
    expect(csvCell(-3)).toBe(-3);
    expect(csvCell("web-01")).toBe("web-01");
    expect(csvCell(null)).toBe("");
    expect(csvCell(true)).toBe("yes");
    expect(csvCell(new Date("2026-12-05T06:00:00Z"))).toBe("2026-12-05T06:00:00.000Z");
  });
});

describe("GET /api/v1/audit.csv", () => {
  const actor = () => `auditor@${f.prefix}.test`;

  beforeAll(async () => {
    const at = new Date("2026-11-20T10:00:00Z");
    // More than one batch (2,000), all at the same instant: the keyset must order ties by id.
    await db.auditEvent.createMany({
      data: Array.from({ length: 2_101 }, (_, i) => ({
        at,
        actorLabel: actor(),
        action: "resource.exclude",
        entityType: "resource",
        entityId: `r${i}`,
        entityLabel: `${f.prefix}-r${i}`,
        before: { excluded: false },
        after: { excluded: true },
        reason: i === 0 ? '=HYPERLINK("http://evil.example")' : "Kernel hold",
      })),
    });
    await db.auditEvent.create({
      data: { at, actorLabel: actor(), action: "resource.include", entityType: "resource", entityId: "r0", entityLabel: `${f.prefix}-r0`, reason: "Back in" },
    });
    await db.auditEvent.create({
      data: {
        at: new Date("2026-10-01T10:00:00Z"),
        actorLabel: actor(),
        action: "resource.include",
        entityType: "resource",
        entityId: "r1",
        entityLabel: `${f.prefix}-r1`,
      },
    });
  });

  it("streams every event the page's filters match, newest first, with its columns, as an attachment", async () => {
    const response = await auditCsv(get(`/api/v1/audit.csv?actor=${encodeURIComponent(actor())}&action=resource.exclude`, "approver"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="patchparty-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await response.text();
    expect(text.split("\n", 1)[0]).toBe("at,actor,action,entity_type,entity_id,entity,before,after,reason");
    const rows = rowsOf(text);
    expect(rows).toHaveLength(2_101);
    expect(new Set(rows.map((r) => r.entity_id)).size).toBe(2_101);
    expect(rows.every((r) => r.action === "resource.exclude" && r.actor === actor())).toBe(true);
    const first = rows.find((r) => r.entity_id === "r0")!;
    expect(first).toMatchObject({ at: "2026-11-20T10:00:00.000Z", entity_type: "resource", before: '{"excluded":false}', after: '{"excluded":true}' });
    expect(first.reason).toBe('\'=HYPERLINK("http://evil.example")');
  });

  it("honours the date filter (UTC days, both included)", async () => {
    const rows = rowsOf(await (await auditCsv(get(`/api/v1/audit.csv?actor=${encodeURIComponent(actor())}&to=2026-10-31`, "admin"))).text());
    expect(rows.map((r) => [r.action, r.entity_id])).toEqual([["resource.include", "r1"]]);
    const since = rowsOf(
      await (await auditCsv(get(`/api/v1/audit.csv?actor=${encodeURIComponent(actor())}&action=resource.include&from=2026-11-01`, "admin"))).text(),
    );
    expect(since.map((r) => r.reason)).toEqual(["Back in"]);
  });

  // Signed out: the authorization matrix.
  it("is the approvers' and admins' alone, as the Audit page, and names a bad parameter", async () => {
    for (const who of ["owner", "viewer"] as const) {
      const refused = await auditCsv(get("/api/v1/audit.csv", who));
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ error: "Only approvers and admins can read the audit log." });
    }
    const bad = await auditCsv(get("/api/v1/audit.csv?action=resource.explode", "admin"));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^action: /);
    expect((await auditCsv(get("/api/v1/audit.csv?from=2026-02-30", "admin"))).status).toBe(400);
    expect((await auditCsv(get("/api/v1/audit.csv?cursor=1", "admin"))).status).toBe(400);
  });
});

describe("the compliance trend and its exports", () => {
  let year: number;
  let prodQ2: string;
  let extra: { id: string; name: string };

  beforeAll(async () => {
    year = await unusedYear();
    const at = (month: number, day: number, hour = 6) => new Date(Date.UTC(year, month - 1, day, hour));
    const party = (tag: string, kind: "PRODUCTION" | "QA", startsAt: Date, status: "COMPLETED" | "CANCELLED" | "PLANNED" = "COMPLETED") =>
      db.party.create({
        data: {
          tag,
          kind,
          status,
          localDate: startsAt.toISOString().slice(0, 10),
          timeZone: "UTC",
          startsAt,
          endsAt: new Date(startsAt.getTime() + 6 * 3_600_000),
          slots: { create: [1, 2, 3].map((group) => ({ group, startsAt, endsAt: new Date(startsAt.getTime() + 6 * 3_600_000) })) },
        },
      });
    const service = await db.service.findFirstOrThrow({ where: { teamId: f.teamA.id } });
    // A non-production resource, and a production one added after the second quarter's party: it does not count for it.
    const qaBox = await db.resource.create({
      data: { name: `${f.prefix}-qa-box`, kind: "VM", environment: "NON_PRODUCTION", teamId: f.teamA.id, serviceId: service.id, patchGroup: 1 },
    });
    extra = await db.resource.create({
      data: { name: `${f.prefix}-late`, kind: "VM", environment: "PRODUCTION", teamId: f.teamA.id, serviceId: service.id, patchGroup: 2, createdAt: at(8, 1) },
    });
    const prod = await party(`${year}-Q2`, "PRODUCTION", at(6, 7));
    prodQ2 = prod.tag;
    const qa = await party(`${year}-Q2`, "QA", at(5, 14));
    await party(`${year}-Q3`, "PRODUCTION", at(9, 6), "CANCELLED");
    await party(`${year}-Q4`, "PRODUCTION", at(12, 31, 20), "PLANNED"); // still running at "now"
    const outcome = (resourceId: string, partyId: string, group: number, status: "PATCHED" | "FAILED", message: string | null = null) => ({
      resourceId,
      partyId,
      group,
      status,
      message,
      startedAt: at(6, 7),
      finishedAt: at(6, 7, 7),
    });
    await db.patchOutcome.createMany({
      data: [
        ...f.nodes.map((n, i) => outcome(n.id, prod.id, i + 1, "PATCHED")),
        outcome(f.web.id, prod.id, 2, "FAILED", "=cmd|' /C calc'!A0"),
        outcome(qaBox.id, qa.id, 1, "PATCHED"),
      ],
    });
  });

  const now = () => new Date(Date.UTC(year, 11, 31, 22));

  it("is the share patched per quarter and environment over eight quarters, from one aggregate read", async () => {
    const trend = await complianceTrend(now(), { teamIds: [f.teamA.id] });
    expect(trend.quarters).toEqual([1, 2, 3, 4].map((q) => `${year - 1}-Q${q}`).concat([1, 2, 3, 4].map((q) => `${year}-Q${q}`)));
    // Team A's production: three nodes and web existed at the party (the late one did not); three patched.
    expect(trend.production[5]).toEqual({ quarter: `${year}-Q2`, resources: 4, patched: 3, share: 0.75 });
    expect(trend.nonProduction[5]).toEqual({ quarter: `${year}-Q2`, resources: 1, patched: 1, share: 1 });
    // A cancelled party, and one not over yet, are no figure; nor is a quarter without a party.
    expect(trend.production[6]!.share).toBeNull();
    expect(trend.production[7]!.share).toBeNull();
    expect(trend.production.slice(0, 5).every((p) => p.share === null)).toBe(true);
    // Team B had no resource in those parties' outcomes: 0 of its 1.
    expect((await complianceTrend(now(), { teamIds: [f.teamB.id] })).production[5]).toEqual({ quarter: `${year}-Q2`, resources: 1, patched: 0, share: 0 });
  });

  it("GET /api/v1/compliance carries the trend; /api/v1/compliance.csv has the figures and the trend as rows", async () => {
    const json = (await (await complianceJson(get("/api/v1/compliance", "viewer"))).json()) as {
      trend: { quarters: string[]; production: { quarter: string; share: number | null }[]; nonProduction: unknown[] };
    };
    expect(json.trend.quarters).toHaveLength(8);
    expect(json.trend.production.map((p) => p.quarter)).toEqual(json.trend.quarters);
    expect(json.trend.nonProduction).toHaveLength(8);

    const response = await complianceCsv(get("/api/v1/compliance.csv", "viewer"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="patchparty-compliance-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await response.text();
    expect(text.split("\n", 1)[0]).toBe("section,quarter,team,environment,resources,patched,share,overdue,withinDeadline");
    const rows = rowsOf(text);
    const mine = rows.filter((r) => r.section === "by-team" && r.team === f.teamA.name);
    expect(mine.map((r) => r.environment).sort()).toEqual(["non-production", "production"]);
    for (const r of mine) expect(Number(r.patched)).toBeLessThanOrEqual(Number(r.resources));
    const trendRows = rows.filter((r) => r.section === "trend");
    expect(trendRows).toHaveLength(16);
    expect(trendRows.filter((r) => r.environment === "production").map((r) => r.quarter)).toEqual(json.trend.quarters);

    const bad = await complianceCsv(get("/api/v1/compliance.csv?team=payments", "viewer"));
    expect(bad.status).toBe(400);
  });

  it("a party's resources with their outcomes: every resource of its environment, one group when asked", async () => {
    const params = { params: Promise.resolve({ tag: prodQ2, kind: "production" }) };
    const response = await partyCsv(get(`/api/v1/parties/${prodQ2}/production/resources.csv`, "owner"), params);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(
      new RegExp(`^attachment; filename="patchparty-${prodQ2}-production-\\d{4}-\\d{2}-\\d{2}\\.csv"$`),
    );
    const text = await response.text();
    expect(text.split("\n", 1)[0]).toBe(
      "party,kind,resource,team,resource_kind,cluster,group,excluded,exclusion_reason,outcome,message,started_at,finished_at",
    );
    const mine = rowsOf(text).filter((r) => (r.resource ?? "").startsWith(`${f.prefix}-`));
    expect(mine.map((r) => [r.resource, r.group, r.outcome])).toEqual([
      [extra.name, "2", ""],
      [`${f.prefix}-node1`, "1", "patched"],
      [`${f.prefix}-node2`, "2", "patched"],
      [`${f.prefix}-node3`, "3", "patched"],
      [`${f.prefix}-web`, "2", "failed"],
    ]);
    // Issue 21: team A's owner reads team A's servers only; team B's ("other") is for its own owner and the operators.
    const all = rowsOf(await (await partyCsv(get(`/api/v1/parties/${prodQ2}/production/resources.csv`, "viewer"), params)).text());
    expect(all.filter((r) => r.resource === `${f.prefix}-other`).map((r) => [r.group, r.outcome])).toEqual([["1", ""]]);
    const web = mine.find((r) => r.resource === `${f.prefix}-web`)!;
    expect(web).toMatchObject({ party: prodQ2, kind: "production", team: f.teamA.slug, resource_kind: "vm", excluded: "no", message: "'=cmd|' /C calc'!A0" });
    expect(web.finished_at).toBe(new Date(Date.UTC(year, 5, 7, 7)).toISOString());
    expect(mine.find((r) => r.resource === `${f.prefix}-node1`)!.cluster).toBe(f.cluster.name);

    const group2 = rowsOf(await (await partyCsv(get(`/api/v1/parties/${prodQ2}/production/resources.csv?group=2`, "viewer"), params)).text());
    expect(group2.every((r) => r.group === "2")).toBe(true);
    expect(group2.filter((r) => (r.resource ?? "").startsWith(`${f.prefix}-`)).map((r) => r.resource)).toEqual([
      extra.name,
      `${f.prefix}-node2`,
      `${f.prefix}-web`,
    ]);

    expect((await partyCsv(get(`/api/v1/parties/${prodQ2}/production/resources.csv?group=4`, "viewer"), params)).status).toBe(400);
    const badTag = await partyCsv(get(`/api/v1/parties/x/production/resources.csv`, "viewer"), {
      params: Promise.resolve({ tag: "1999-Q5", kind: "production" }),
    });
    expect(badTag.status).toBe(400);
  });
});

describe("GET /api/v1/resources.csv", () => {
  it("carries exclusion state, reason, expiry and last patch; the file imports back unchanged", async () => {
    await db.resource.update({
      where: { id: f.web.id },
      data: {
        excluded: true,
        excludedAt: new Date("2026-11-01T00:00:00Z"),
        exclusionReason: "=1+1 vendor freeze",
        exclusionUntil: new Date("2027-01-31T00:00:00Z"),
        lastPatchedAt: new Date("2026-09-06T09:00:00Z"),
        lastPatchTag: "2026-Q3",
        lastOutcome: "FAILED",
      },
    });
    const response = await resourcesCsv(get(`/api/v1/resources.csv?q=${f.prefix}&team=${f.teamA.slug}`, "viewer"));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.split("\n", 1)[0]).toBe(
      "name,kind,environment,team,service,cluster,group,tags,address,ssh_port,ssh_user,excluded,exclusion_reason,exclusion_until,last_patched_at,last_patch_tag,last_outcome,pending_updates,security_updates,reboot_pending",
    );
    const rows = rowsOf(text);
    expect(rows.every((r) => r.team === f.teamA.slug)).toBe(true);
    expect(rows.find((r) => r.name === f.web.name)).toMatchObject({
      excluded: "yes",
      exclusion_reason: "'=1+1 vendor freeze",
      exclusion_until: "2027-01-31T00:00:00.000Z",
      last_patched_at: "2026-09-06T09:00:00.000Z",
      last_patch_tag: "2026-Q3",
      last_outcome: "failed",
    });
    expect(rows.find((r) => r.name === f.nodes[0]!.name)).toMatchObject({ excluded: "no", exclusion_reason: "", last_outcome: "" });

    const adminToken = (await createApiToken(f.admin.id, { name: "import", scope: "write", days: 1 }, { id: null, label: "test" })).secret;
    const imported = await importCsv(
      new Request("http://localhost/api/v1/resources.csv", {
        method: "POST",
        headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "text/csv" },
        body: text,
      }),
    );
    expect(imported.status).toBe(200);
    expect(await imported.json()).toEqual({ created: 0, updated: 0, unchanged: rows.length });
    // The export-only columns change nothing: the exclusion stays as it was.
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.web.id }, select: { excluded: true, exclusionReason: true } })).toEqual({
      excluded: true,
      exclusionReason: "=1+1 vendor freeze",
    });
  });
});
