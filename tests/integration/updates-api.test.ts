// A server's pending updates over the API (issue 20, point 1): GET answers what the scans stored,
// PUT is the report of the webhook and manual executors' automations (or a person), and the
// resource list filters on the counts it keeps. Called as Next calls the handlers, with tokens.
import { beforeEach, describe, expect, it } from "vitest";
import { GET as getList } from "@/app/api/v1/resources/route";
import { GET, PUT } from "@/app/api/v1/resources/[name]/updates/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { recordScan, recordScanError } from "@/lib/data/updates";
import { db } from "@/lib/db";
import type { PendingUpdateReport } from "@/lib/domain/updates";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
const tokens: Record<string, string> = {};
let executorEmail = "";

beforeEach(async () => {
  f = await makeFleet();
  const machine = await db.user.create({ data: { email: `executor-${f.prefix}@updates.test`, name: "Automation", role: "EXECUTOR" } });
  executorEmail = machine.email;
  const people = { admin: f.admin.id, owner: f.owner.id, ownerB: f.ownerB.id, viewer: f.viewer.id, executor: machine.id };
  for (const [who, id] of Object.entries(people)) {
    tokens[who] = (await createApiToken(id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
  }
  tokens.stranger = "pp_wrong";
});

const call = (method: string, path: string, who?: string, body?: unknown) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: who ? { Authorization: `Bearer ${tokens[who]}` } : {},
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
const params = (name: string) => ({ params: Promise.resolve({ name }) });
const path = (name: string) => `/api/v1/resources/${encodeURIComponent(name)}/updates`;

const update = (pkg: string, extra: Partial<PendingUpdateReport> = {}): PendingUpdateReport => ({
  package: pkg,
  installed: "1.0-1",
  candidate: "1.1-1",
  security: false,
  severity: null,
  advisories: [],
  ...extra,
});

type Answer = {
  resource: string;
  scan: Record<string, unknown> | null;
  updates: {
    package: string;
    installed: string | null;
    candidate: string;
    security: boolean;
    severity: string | null;
    advisories: string[];
    firstSeenAt: string;
  }[];
};

describe("GET /api/v1/resources/{name}/updates", () => {
  it("answers what the last scan stored, security first, and null before any scan; 404 for an unknown server", async () => {
    const before = (await (await GET(call("GET", path(f.web.name), "viewer"), params(f.web.name))).json()) as Answer;
    expect(before).toEqual({ resource: f.web.name, scan: null, updates: [] });

    const at = new Date("2026-12-01T06:00:00Z");
    await recordScan(
      f.web.id,
      {
        packageManager: "dnf",
        release: "rhel 9.4",
        rebootRequired: true,
        updates: [
          update("tzdata"),
          update("glibc", { security: true, severity: "critical", advisories: ["RHSA-2025:0394", "CVE-2025-0395"] }),
          update("kernel", { installed: null, security: true, severity: "high" }),
        ],
      },
      "ssh",
      at,
    );
    const response = await GET(call("GET", path(f.web.name), "viewer"), params(f.web.name));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      resource: f.web.name,
      scan: { scannedAt: at.toISOString(), source: "ssh", packageManager: "dnf", release: "rhel 9.4", rebootRequired: true, error: null, erroredAt: null },
      updates: [
        { ...update("glibc", { security: true, severity: "critical", advisories: ["RHSA-2025:0394", "CVE-2025-0395"] }), firstSeenAt: at.toISOString() },
        { ...update("kernel", { installed: null, security: true, severity: "high" }), firstSeenAt: at.toISOString() },
        { ...update("tzdata"), firstSeenAt: at.toISOString() },
      ],
    });

    const failedAt = new Date("2026-12-02T06:00:00Z");
    await recordScanError(f.web.id, "ssh: connect to host: Connection refused", "ssh", failedAt);
    const failed = (await (await GET(call("GET", path(f.web.name), "viewer"), params(f.web.name))).json()) as Answer;
    expect(failed.scan).toMatchObject({ scannedAt: at.toISOString(), error: "ssh: connect to host: Connection refused", erroredAt: failedAt.toISOString() });
    expect(failed.updates).toHaveLength(3);

    const unknown = await GET(call("GET", path("nope"), "viewer"), params("nope"));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "No resource is named nope." });
    // Without any credentials needs a request scope for the session cookie: the authorization matrix covers it.
    expect((await GET(call("GET", path(f.web.name), "stranger"), params(f.web.name))).status).toBe(401);
  });
});

describe("PUT /api/v1/resources/{name}/updates", () => {
  const report = {
    packageManager: "apt",
    release: "debian 12",
    rebootRequired: true,
    updates: [
      { package: "openssl", installed: "3.0.14-1~deb12u2", candidate: "3.0.15-1~deb12u1", security: true, advisories: ["DSA-5786-1", "CVE-2024-5535"] },
      { package: "tzdata", installed: "2024a-0+deb12u1", candidate: "2025a-0+deb12u1" },
    ],
  };

  it("stores an executor's report, with the caller as the source and one audit event of the counts", async () => {
    const response = await PUT(call("PUT", path(f.web.name), "executor", report), params(f.web.name));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Answer;
    expect(body.scan).toMatchObject({ source: executorEmail, packageManager: "apt", release: "debian 12", rebootRequired: true, error: null });
    expect(body.updates.map((u) => [u.package, u.security, u.severity, u.advisories])).toEqual([
      ["openssl", true, null, ["DSA-5786-1", "CVE-2024-5535"]],
      ["tzdata", false, null, []],
    ]);
    // What GET answers is what PUT answered.
    expect(await (await GET(call("GET", path(f.web.name), "viewer"), params(f.web.name))).json()).toEqual(body);
    expect(
      await db.resource.findUniqueOrThrow({ where: { id: f.web.id }, select: { pendingUpdates: true, securityUpdates: true, rebootPending: true } }),
    ).toEqual({ pendingUpdates: 2, securityUpdates: 1, rebootPending: true });
    const audit = await db.auditEvent.findMany({ where: { entityId: f.web.id, action: "resource.updates.report" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorLabel: executorEmail, entityType: "resource", entityLabel: f.web.name });
    expect(audit[0]!.after).toEqual({ packageManager: "apt", release: "debian 12", rebootRequired: true, pendingUpdates: 2, securityUpdates: 1 });
  });

  it("lets the server's team owners and admins report; another team's owner and a viewer get 403 and nothing changes", async () => {
    expect((await PUT(call("PUT", path(f.web.name), "owner", report), params(f.web.name))).status).toBe(200);
    expect((await PUT(call("PUT", path(f.other.name), "admin", report), params(f.other.name))).status).toBe(200);
    for (const who of ["ownerB", "viewer"]) {
      const refused = await PUT(call("PUT", path(f.nodes[0]!.name), who, report), params(f.nodes[0]!.name));
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: string }).error).toMatch(/may not report/);
    }
    expect(await db.updateScan.count({ where: { resourceId: f.nodes[0]!.id } })).toBe(0);
    expect((await db.resource.findUniqueOrThrow({ where: { id: f.nodes[0]!.id } })).pendingUpdates).toBe(0);
    expect((await PUT(call("PUT", path("nope"), "admin", report), params("nope"))).status).toBe(404);
    expect((await PUT(call("PUT", path(f.web.name), "stranger", report), params(f.web.name))).status).toBe(401);
  });

  it("refuses bad input with a message naming the field, and changes nothing", async () => {
    await PUT(call("PUT", path(f.web.name), "executor", report), params(f.web.name));
    const stored = await (await GET(call("GET", path(f.web.name), "viewer"), params(f.web.name))).json();
    const many = Array.from({ length: 5_001 }, (_, i) => ({ package: `pkg${i}`, candidate: "1.0" }));
    const cases: [unknown, string][] = [
      [
        { ...report, updates: [...report.updates, { package: "curl" }, { package: "git", candidate: "1" }, { package: "vim" }] },
        "updates.2.candidate: required",
      ],
      [{ updates: [] }, "rebootRequired: required"],
      [{ rebootRequired: false }, "updates: required"],
      [{ rebootRequired: false, updates: many }, "updates: must be at most 5,000 updates"],
      [
        { rebootRequired: false, updates: [{ package: "rm -rf /", candidate: "1" }] },
        "updates.0.package: must be a package name: letters, digits and + . _ : @ ~ - only",
      ],
      [
        { rebootRequired: false, updates: [{ package: "curl", candidate: "1;reboot" }] },
        "updates.0.candidate: must be a version: letters, digits and + . _ : @ ~ - only",
      ],
      [
        { rebootRequired: false, updates: [{ package: "curl", candidate: "1", severity: "important" }] },
        "updates.0.severity: must be one of critical, high, medium, low, or null",
      ],
      [
        { rebootRequired: false, updates: [{ package: "curl", candidate: "1", advisories: Array.from({ length: 51 }, (_, i) => `CVE-2026-${1000 + i}`) }] },
        "updates.0.advisories: must be at most 50 ids",
      ],
      [
        { rebootRequired: false, updates: [{ package: "curl", candidate: "1", advisories: ["<script>"] }] },
        "updates.0.advisories.0: must be an advisory or CVE id such as CVE-2026-1234 or DSA-5678-1",
      ],
      [{ rebootRequired: "yes", updates: [] }, "rebootRequired: must be true, false or null (unknown)"],
      [{ rebootRequired: false, updates: [], colour: "red" }, 'Unrecognized key: "colour"'],
      [[], "body: must be a JSON object"],
    ];
    for (const [body, message] of cases) {
      const response = await PUT(call("PUT", path(f.web.name), "executor", body), params(f.web.name));
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: { error: message } });
    }
    expect(await (await GET(call("GET", path(f.web.name), "viewer"), params(f.web.name))).json()).toEqual(stored);
    expect(await db.auditEvent.count({ where: { entityId: f.web.id, action: "resource.updates.report" } })).toBe(1);
  });

  it("keeps when a still-pending package was first seen, and closes one no longer reported", async () => {
    const first = (await (await PUT(call("PUT", path(f.web.name), "executor", report), params(f.web.name))).json()) as Answer;
    const openssl = first.updates.find((u) => u.package === "openssl")!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = (await (
      await PUT(
        call("PUT", path(f.web.name), "owner", {
          rebootRequired: false,
          updates: [
            { ...report.updates[0], candidate: "3.0.16-1~deb12u1" },
            { package: "curl", installed: "7.88.1-10", candidate: "7.88.1-12", security: true },
          ],
        }),
        params(f.web.name),
      )
    ).json()) as Answer;
    expect(second.scan).toMatchObject({ source: f.owner.email, packageManager: null, release: null, rebootRequired: false });
    expect(second.updates.map((u) => u.package)).toEqual(["curl", "openssl"]);
    const again = second.updates.find((u) => u.package === "openssl")!;
    expect(again.firstSeenAt).toBe(openssl.firstSeenAt);
    expect(again.candidate).toBe("3.0.16-1~deb12u1");
    expect(second.updates.find((u) => u.package === "curl")!.firstSeenAt > openssl.firstSeenAt).toBe(true);
    const tzdata = await db.pendingUpdate.findMany({ where: { resourceId: f.web.id, package: "tzdata" } });
    expect(tzdata).toHaveLength(1);
    expect(tzdata[0]!.resolvedAt?.toISOString()).toBe(second.scan!.scannedAt);
    expect(
      await db.resource.findUniqueOrThrow({ where: { id: f.web.id }, select: { pendingUpdates: true, securityUpdates: true, rebootPending: true } }),
    ).toEqual({ pendingUpdates: 2, securityUpdates: 2, rebootPending: false });
  });
});

describe("the resource list's update filters", () => {
  it("find exactly the servers with security updates pending, and those waiting for a reboot", async () => {
    const now = new Date();
    // web: security updates, no reboot; node1: a reboot, nothing of security; node2: both; node3 and other: nothing pending.
    await recordScan(
      f.web.id,
      { packageManager: "apt", release: "debian 12", rebootRequired: false, updates: [update("openssl", { security: true })] },
      "ssh",
      now,
    );
    await recordScan(f.nodes[0]!.id, { packageManager: "apt", release: "debian 12", rebootRequired: true, updates: [update("tzdata")] }, "ssh", now);
    await recordScan(
      f.nodes[1]!.id,
      { packageManager: "dnf", release: "rhel 9", rebootRequired: true, updates: [update("kernel", { severity: "high" })] },
      "ssh",
      now,
    );
    await recordScan(f.nodes[2]!.id, { packageManager: "apt", release: "debian 12", rebootRequired: null, updates: [] }, "ssh", now);
    const names = async (query: string) => {
      const response = await getList(call("GET", `/api/v1/resources?q=${f.prefix}&${query}`, "viewer"));
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: { name: string; securityUpdates: number; rebootPending: boolean }[] }).items;
    };
    const security = await names("security=1");
    expect(security.map((r) => r.name)).toEqual([f.nodes[1]!.name, f.web.name].sort());
    expect(security.map((r) => r.securityUpdates)).toEqual([1, 1]);
    expect((await names("reboot=1")).map((r) => r.name)).toEqual([f.nodes[0]!.name, f.nodes[1]!.name].sort());
    expect((await names("reboot=1&security=1&sort=-name")).map((r) => r.name)).toEqual([f.nodes[1]!.name]);
    // Keyset pages through the filtered list.
    const page1 = await getList(call("GET", `/api/v1/resources?q=${f.prefix}&security=1&limit=1`, "viewer"));
    const { nextCursor } = (await page1.json()) as { nextCursor: string };
    const page2 = (await (await getList(call("GET", `/api/v1/resources?q=${f.prefix}&security=1&limit=1&cursor=${nextCursor}`, "viewer"))).json()) as {
      items: { name: string }[];
      nextCursor: string | null;
    };
    expect(page2).toEqual({ items: [expect.objectContaining({ name: [f.nodes[1]!.name, f.web.name].sort()[1] })], nextCursor: null });
    expect(await (await getList(call("GET", "/api/v1/resources?reboot=pending", "viewer"))).json()).toEqual({ error: "reboot: must be 1 or true" });
  });
});
