// /api/v1/policies and /api/v1/templates, called as Next calls them, with bearer tokens.
import { beforeEach, describe, expect, it } from "vitest";
import { GET as listPolicies, POST as postPolicy } from "@/app/api/v1/policies/route";
import { DELETE as deletePolicy, GET as getPolicy, PATCH as patchPolicy } from "@/app/api/v1/policies/[id]/route";
import { GET as getWindows } from "@/app/api/v1/policies/[id]/windows/route";
import { GET as listTemplates, POST as postTemplate } from "@/app/api/v1/templates/route";
import { GET as getTemplate, PATCH as patchTemplate } from "@/app/api/v1/templates/[id]/route";
import { GET as getMembers } from "@/app/api/v1/templates/[id]/members/route";
import { POST as upgradeNow } from "@/app/api/v1/templates/[id]/upgrade-now/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { db } from "@/lib/db";
import { approveUpgrade } from "./fixtures/changes";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
const tokens: Record<string, string> = {};

beforeEach(async () => {
  f = await makeFleet();
  for (const who of ["admin", "owner", "viewer", "approver"] as const) {
    tokens[who] = (await createApiToken(f[who].id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
  }
});

const call = (method: string, path: string, who?: string, body?: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: { ...(who ? { Authorization: `Bearer ${tokens[who]}` } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
const params = (id: string) => ({ params: Promise.resolve({ id }) });
const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

const customSchedule = {
  name: "Weekdays 02:30",
  windowHours: 3,
  custom: { minutes: [30], hours: [2], daysOfWeek: [1, 2, 3, 4, 5], daysOfMonth: "every", months: "every" },
};

async function newPolicy(name = `${f.prefix}-policy`) {
  const response = await postPolicy(
    call("POST", "/api/v1/policies", "admin", {
      name,
      tags: ["k8s", "emea"],
      schedules: [{ name: "Sundays", windowHours: 4, preset: "weekly-sunday" }, customSchedule],
    }),
  );
  expect(response.status).toBe(201);
  return (await json(response)) as { id: string; revision: number; schedules: unknown[] };
}

describe("/api/v1/policies", () => {
  it("creates, reads, lists, edits with a revision, and deletes a policy", async () => {
    const created = await newPolicy();
    expect(created).toMatchObject({
      name: `${f.prefix}-policy`,
      tags: ["k8s", "emea"],
      revision: 1,
      schedules: [
        { name: "Sundays", windowHours: 4, preset: "weekly-sunday", rrule: [expect.stringContaining("FREQ=WEEKLY;BYDAY=SU")] },
        { name: "Weekdays 02:30", windowHours: 3, custom: customSchedule.custom },
      ],
    });
    expect(await json(await getPolicy(call("GET", `/api/v1/policies/${created.id}`, "viewer"), params(created.id)))).toEqual(created);
    const all = (await (await listPolicies(call("GET", "/api/v1/policies", "viewer"))).json()) as { id: string }[];
    expect(all.map((p) => p.id)).toContain(created.id);

    const renamed = await patchPolicy(
      call("PATCH", `/api/v1/policies/${created.id}`, "admin", { name: `${f.prefix}-renamed` }, { "If-Match": '"1"' }),
      params(created.id),
    );
    expect(renamed.status).toBe(200);
    expect(await json(renamed)).toMatchObject({ name: `${f.prefix}-renamed`, revision: 2, schedules: created.schedules });
    const stale = await patchPolicy(call("PATCH", `/api/v1/policies/${created.id}`, "admin", { tags: [] }, { "If-Match": '"1"' }), params(created.id));
    expect(stale.status).toBe(409);
    expect((await json(stale)).error).toMatch(/changed this policy since you loaded it/);

    expect((await deletePolicy(call("DELETE", `/api/v1/policies/${created.id}`, "admin"), params(created.id))).status).toBe(204);
    expect((await getPolicy(call("GET", `/api/v1/policies/${created.id}`, "viewer"), params(created.id))).status).toBe(404);
  });

  it("create, edit and delete are admin permissions; a bad token gets 401", async () => {
    const body = { name: `${f.prefix}-x`, tags: [], schedules: [] };
    for (const who of ["viewer", "owner", "approver"]) expect((await postPolicy(call("POST", "/api/v1/policies", who, body))).status).toBe(403);
    expect((await postPolicy(call("POST", "/api/v1/policies", undefined, body, { Authorization: "Bearer pp_wrong" }))).status).toBe(401);
    const created = await newPolicy();
    expect((await patchPolicy(call("PATCH", `/api/v1/policies/${created.id}`, "owner", { name: "y" }), params(created.id))).status).toBe(403);
    expect((await deletePolicy(call("DELETE", `/api/v1/policies/${created.id}`, "approver"), params(created.id))).status).toBe(403);
    expect(
      (
        await getWindows(
          call("GET", `/api/v1/policies/${created.id}/windows?from=2026-12-01&to=2026-12-08`, undefined, undefined, { Authorization: "Bearer pp_wrong" }),
          params(created.id),
        )
      ).status,
    ).toBe(401);
    expect(await db.maintenancePolicy.count({ where: { name: { startsWith: f.prefix } } })).toBe(1);
  });

  it("refuses bad input by name and changes nothing", async () => {
    const bad: [unknown, RegExp][] = [
      [{ name: "", schedules: [] }, /^name: Give the policy a name\./],
      [{ name: "p", schedules: [{ name: "a", windowHours: 25, preset: "weekly-sunday" }] }, /^schedules\.0\.windowHours: The window is at most 24 hours\./],
      [
        { name: "p", schedules: [{ name: "a", windowHours: 2, preset: "daily" }] },
        /^schedules\.0\.preset: preset is one of weekly-sunday, biweekly-sunday, monthly-1st, bimonthly-1st/,
      ],
      [{ name: "p", schedules: [{ name: "a", windowHours: 2 }] }, /^schedules\.0: Give a schedule either a preset or a custom recurrence\./],
      [
        { name: "p", schedules: [{ ...customSchedule, custom: { ...customSchedule.custom, hours: [24] } }] },
        /^schedules\.0\.custom\.hours\.0: must be a whole number from 0 to 23/,
      ],
      [
        {
          name: "p",
          schedules: [
            { name: "A", windowHours: 1, preset: "monthly-1st" },
            { name: "a", windowHours: 1, preset: "monthly-1st" },
          ],
        },
        /^schedules\.1\.name: Another schedule of this policy is already named "a"\./,
      ],
      [{ name: "p", schedules: [], colour: "red" }, /colour/],
      ["[1,2]", /^body: must be a JSON object/],
      ["{", /^body: must be JSON/],
    ];
    for (const [body, message] of bad) {
      const response = await postPolicy(call("POST", "/api/v1/policies", "admin", body));
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await json(response)).error).toMatch(message);
    }
    expect(await db.maintenancePolicy.count({ where: { name: "p" } })).toBe(0);
    await newPolicy();
    const duplicate = await postPolicy(call("POST", "/api/v1/policies", "admin", { name: `${f.prefix}-policy`, schedules: [] }));
    expect(duplicate.status).toBe(409);
    expect(await json(duplicate)).toEqual({ error: `A policy named "${f.prefix}-policy" already exists.` });
  });

  it("lists every window in a range in UTC", async () => {
    const created = await newPolicy();
    const response = await getWindows(
      call("GET", `/api/v1/policies/${created.id}/windows?from=2026-12-05T00:00:00Z&to=2026-12-08T00:00:00Z`, "viewer"),
      params(created.id),
    );
    expect(await response.json()).toEqual([
      { schedule: "Sundays", startsAt: "2026-12-06T00:00:00.000Z", endsAt: "2026-12-06T04:00:00.000Z" },
      { schedule: "Weekdays 02:30", startsAt: "2026-12-07T02:30:00.000Z", endsAt: "2026-12-07T05:30:00.000Z" },
    ]);
    for (const query of ["from=2026-12-05", "from=2026-12-08&to=2026-12-05", "from=yesterday&to=2026-12-05", "from=2026-01-01&to=2028-01-01"]) {
      expect((await getWindows(call("GET", `/api/v1/policies/${created.id}/windows?${query}`, "viewer"), params(created.id))).status, query).toBe(400);
    }
  });
});

describe("/api/v1/templates", () => {
  async function newTemplate(policyId: string) {
    const response = await postTemplate(
      call("POST", "/api/v1/templates", "admin", { name: `${f.prefix}-fleet`, policyId, targetVersion: "1.0.0", members: [f.web.name, f.cluster.name] }),
    );
    expect(response.status).toBe(201);
    return (await json(response)) as { id: string; revision: number };
  }

  it("creates a template of resources and clusters, bumps it, refuses what the rules refuse, and upgrades now", async () => {
    const policy = await newPolicy();
    const template = await newTemplate(policy.id);
    expect(template).toMatchObject({
      name: `${f.prefix}-fleet`,
      policy: { id: policy.id },
      targetVersion: "1.0.0",
      state: "IN_SYNC",
      members: { total: 2, byVersion: [{ version: "1.0.0", members: 2 }] },
    });
    const members = await json(await getMembers(call("GET", `/api/v1/templates/${template.id}/members`, "viewer"), params(template.id)));
    expect(members).toEqual({
      members: [
        expect.objectContaining({ name: f.cluster.name, kind: "cluster", currentVersion: "1.0.0", state: "IN_SYNC" }),
        expect.objectContaining({ name: f.web.name, kind: "resource" }),
      ].sort((a, b) => String(a.name).localeCompare(String(b.name))),
      next: null,
    });
    expect((await listTemplates(call("GET", "/api/v1/templates", "viewer"))).status).toBe(200);

    const nothing = await upgradeNow(call("POST", `/api/v1/templates/${template.id}/upgrade-now`, "admin"), params(template.id));
    expect(nothing.status).toBe(409);
    expect((await json(nothing)).error).toBe("Every member is already on 1.0.0: there is nothing to upgrade.");

    const bumped = await patchTemplate(
      call("PATCH", `/api/v1/templates/${template.id}`, "admin", { targetVersion: "2.0.0" }, { "If-Match": '"1"' }),
      params(template.id),
    );
    expect(bumped.status).toBe(200);
    expect(await json(bumped)).toMatchObject({ targetVersion: "2.0.0", state: "PENDING", revision: 2, members: { byState: { PENDING: 2 } } });
    expect(
      (await patchTemplate(call("PATCH", `/api/v1/templates/${template.id}`, "admin", { targetVersion: "2.1.0", revision: 1 }), params(template.id))).status,
    ).toBe(409);

    expect((await upgradeNow(call("POST", `/api/v1/templates/${template.id}/upgrade-now`, "owner"), params(template.id))).status).toBe(403);
    const unapproved = await upgradeNow(call("POST", `/api/v1/templates/${template.id}/upgrade-now`, "admin"), params(template.id));
    expect(unapproved.status).toBe(409);
    expect((await json(unapproved)).error).toBe("The upgrade to 2.0.0 has no approved change request: open one, have an approver approve it, then upgrade.");
    expect(await json(await getTemplate(call("GET", `/api/v1/templates/${template.id}`, "viewer"), params(template.id)))).toMatchObject({
      change: null,
      blocked: true,
      blockedReason: "It has no change request yet.",
    });
    const changeId = await approveUpgrade(f, template.id, new Date());
    expect(await json(await getTemplate(call("GET", `/api/v1/templates/${template.id}`, "viewer"), params(template.id)))).toMatchObject({
      change: { id: changeId, state: "APPROVED" },
      blocked: false,
    });
    const forced = await upgradeNow(call("POST", `/api/v1/templates/${template.id}/upgrade-now`, "admin"), params(template.id));
    expect(forced.status).toBe(202);
    expect(await json(forced)).toMatchObject({ state: "UPGRADING", runs: [{ version: "2.0.0", forced: true, state: "RUNNING" }] });
    const duringRun = await patchTemplate(call("PATCH", `/api/v1/templates/${template.id}`, "admin", { targetVersion: "3.0.0" }), params(template.id));
    expect(duringRun.status).toBe(409);
    expect((await json(duringRun)).error).toBe("An upgrade to 2.0.0 is running. Set a new version once it has finished.");
    // Concurrency may change while it runs.
    expect(await json(await patchTemplate(call("PATCH", `/api/v1/templates/${template.id}`, "admin", { concurrency: 25 }), params(template.id)))).toMatchObject(
      { concurrency: 25, targetVersion: "2.0.0" },
    );
  });

  it("refuses bad input, unknown or taken members, a policy without schedules, and non-admins", async () => {
    const policy = await newPolicy();
    const empty = await postPolicy(call("POST", "/api/v1/policies", "admin", { name: `${f.prefix}-empty`, schedules: [] }));
    const emptyId = ((await json(empty)) as { id: string }).id;
    const base = { name: `${f.prefix}-t`, policyId: policy.id, targetVersion: "1.0.0", members: [f.web.name] };
    const cases: [string, unknown, number, RegExp][] = [
      ["viewer", base, 403, /may not manage fleet templates/],
      ["admin", { ...base, targetVersion: "one" }, 400, /^targetVersion: Write a version such as 2\.0\.0/],
      ["admin", { ...base, members: [] }, 400, /^members: Add at least one member\./],
      ["admin", { ...base, members: "web" }, 400, /^members: /],
      ["admin", { ...base, concurrency: 0 }, 400, /^concurrency: Upgrade at least 1 member at a time\./],
      ["admin", { ...base, members: [f.web.name, "no-such-thing"] }, 400, /No resource or cluster is named "no-such-thing"\./],
      ["admin", { ...base, policyId: "nope" }, 400, /That maintenance policy does not exist\./],
      ["admin", { ...base, policyId: emptyId }, 400, /has no upgrade schedule/],
    ];
    for (const [who, body, status, message] of cases) {
      const response = await postTemplate(call("POST", "/api/v1/templates", who, body));
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await json(response)).error).toMatch(message);
    }
    expect(await db.template.count({ where: { name: { startsWith: f.prefix } } })).toBe(0);
    await newTemplate(policy.id);
    const taken = await postTemplate(call("POST", "/api/v1/templates", "admin", { ...base, members: [f.web.name] }));
    expect(taken.status).toBe(409);
    expect((await json(taken)).error).toBe(`A member belongs to one template only: ${f.web.name} is in "${f.prefix}-fleet".`);
    // The linked policy keeps a schedule and cannot be deleted.
    const emptied = await patchPolicy(call("PATCH", `/api/v1/policies/${policy.id}`, "admin", { schedules: [] }), params(policy.id));
    expect(emptied.status).toBe(409);
    expect((await json(emptied)).error).toBe("This policy is linked to 1 template(s), so it must keep at least one schedule.");
    expect((await deletePolicy(call("DELETE", `/api/v1/policies/${policy.id}`, "admin"), params(policy.id))).status).toBe(409);
    expect((await getTemplate(call("GET", "/api/v1/templates/nope", "viewer"), params("nope"))).status).toBe(404);
  });
});
