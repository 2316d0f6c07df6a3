// Bad input (issue 8): malformed, oversized and hostile values — wrong types, huge strings,
// unicode, SQL and HTML fragments, dates out of range — sent to every API route and server action
// that takes input, as an admin (so that nothing but the input can be refused). Never a 5xx or a
// thrown error; a refusal is a 4xx with a clear message and leaves the database as it was; a
// value that happens to be acceptable is stored as sent (SQL fragments are data, not SQL).
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => {
  const { cookieStore, sessionCookies } = await import("./fixtures/session");
  return { cookies: async () => cookieStore(await sessionCookies(session.userId)), headers: async () => new Headers() };
});

import * as resourcesActions from "@/lib/actions/resources";
import * as policiesActions from "@/lib/actions/policies";
import * as templatesActions from "@/lib/actions/templates";
import * as changesActions from "@/lib/actions/changes";
import * as calendarActions from "@/lib/actions/calendar";
import * as holdActions from "@/lib/actions/party-hold";
import * as tokenActions from "@/lib/actions/api-tokens";
import * as slotActions from "@/lib/actions/slot-rollout";
import * as manualActions from "@/lib/actions/manual-outcomes";
import * as resourcesRoute from "@/app/api/v1/resources/route";
import * as resourceRoute from "@/app/api/v1/resources/[name]/route";
import * as exclusionRoute from "@/app/api/v1/resources/[name]/exclusion/route";
import * as csvRoute from "@/app/api/v1/resources.csv/route";
import * as partiesRoute from "@/app/api/v1/parties/route";
import * as partyRoute from "@/app/api/v1/parties/[tag]/[kind]/route";
import * as changesRoute from "@/app/api/v1/changes/route";
import * as approveRoute from "@/app/api/v1/changes/[id]/approve/route";
import * as policiesRoute from "@/app/api/v1/policies/route";
import * as policyRoute from "@/app/api/v1/policies/[id]/route";
import * as windowsRoute from "@/app/api/v1/policies/[id]/windows/route";
import * as templatesRoute from "@/app/api/v1/templates/route";
import * as templateRoute from "@/app/api/v1/templates/[id]/route";
import * as planRoute from "@/app/api/v1/templates/[id]/plan/route";
import * as plansRoute from "@/app/api/v1/plans/route";
import * as partyRuleRoute from "@/app/api/v1/party-rule/route";
import * as rolloutsRoute from "@/app/api/v1/party-rule/rollouts/route";
import * as slotExecutionRoute from "@/app/api/v1/party-rule/execution/route";
import * as feedRoute from "@/app/api/v1/calendar.ics/route";
import * as notificationsRoute from "@/app/api/v1/notifications/route";
import * as executionsRoute from "@/app/api/v1/executions/route";
import * as executionRoute from "@/app/api/v1/executions/[key]/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { recordExecutions } from "@/lib/data/executions";
import { openPartyChange, decideChange } from "@/lib/data/change-requests";
import { createPolicy } from "@/lib/data/policies";
import { getSlotRollout, saveSlotRollout } from "@/lib/data/slot-rollout";
import { createTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { BODY_LIMITS } from "@/lib/validation/limits";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { ExecutionSettingsSchema, SlotRolloutSchema, TemplateCreateSchema } from "@/lib/validation/templates";
import { makeFleet } from "./fixtures/fleet";
import { unusedYear } from "./fixtures/years";

// FUZZ_RUNS=200 for a longer hunt than CI runs.
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

/** Values nobody should send: wrong types, edges, huge, hostile text. */
const HOSTILE = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  "",
  " ",
  "\u0000",
  "\t\n",
  "x".repeat(70_000),
  "😀".repeat(5_000),
  "名前".repeat(300),
  "\u202Eevil\u202C",
  "ＡＤＭＩＮ",
  '\'; DROP TABLE "Resource"; --',
  "1' OR '1'='1",
  '") OR 1=1 --',
  "%_\\",
  "$1",
  "${7*7}",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "9999-99-99",
  "0000-00-00",
  "2026-02-30",
  "+275760-09-13T00:00:00.001Z",
  "-271821-04-20",
  "1970-01-01T00:00:00Z",
  "NaN",
  "Infinity",
  "-0",
  [],
  [1, 2],
  {},
  { $ne: null },
  { __proto__: { admin: true } },
  ["a".repeat(10_000)],
] as const;
const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);
/** A refused body's status: 413 when it is over the JSON body limit (the 70,000-character value, say), 400 otherwise. */
const refusedAs = (body: string) => (new TextEncoder().encode(body).byteLength > BODY_LIMITS.json ? 413 : 400);
const hostileText = hostile.map((v) => (typeof v === "string" ? v : (JSON.stringify(v) ?? "null")));

let f: Awaited<ReturnType<typeof makeFleet>>;
let token: string;
const fixtures = {} as { resource: string; resourceId: string; policyId: string; templateId: string; partyTag: string; changeId: string; executionKey: string };

/** What an accepted or refused call may have changed, in one query. */
async function snapshot() {
  const [row] = await db.$queryRaw<Record<string, bigint | number | string | null>[]>`
    SELECT (SELECT count(*) FROM "Resource") AS resources, (SELECT count(*) FROM "AuditEvent") AS audit, (SELECT count(*) FROM "ExclusionEvent") AS exclusions,
           (SELECT count(*) FROM "MaintenancePolicy") AS policies, (SELECT count(*) FROM "UpgradeSchedule") AS schedules, (SELECT count(*) FROM "Template") AS templates,
           (SELECT count(*) FROM "ChangeRequest") AS changes, (SELECT count(*) FROM "ApiToken") AS tokens, (SELECT count(*) FROM "CalendarFeed") AS feeds,
           (SELECT count(*) FROM "Party") AS parties, (SELECT coalesce(sum(revision), 0) FROM "Resource") AS revisions,
           (SELECT coalesce(sum(revision), 0) FROM "Template") AS "templateRevisions", (SELECT coalesce(sum(revision), 0) FROM "MaintenancePolicy") AS "policyRevisions",
           (SELECT revision FROM "PartyRule" WHERE id = 'default') AS rule, (SELECT count(*) FROM "Cluster") AS clusters,
           (SELECT count(*) FROM "Execution" WHERE state IN ('SUCCEEDED', 'FAILED', 'SKIPPED')) AS "executionsFinished", (SELECT max("updatedAt") FROM "Execution") AS "executionChanged"`;
  return JSON.parse(JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? Number(v) : v)));
}

/** Calls a route as the admin; checks the answer, and that a refusal changed nothing. */
async function expectCleanAnswer<C>(
  handler: (request: Request, context: C) => Promise<Response> | Response,
  method: string,
  url: string,
  params: Record<string, string>,
  body?: string,
) {
  const before = await snapshot();
  const request = new Request(`http://localhost${url}`, { method, headers: { Authorization: `Bearer ${token}` }, body });
  const response = await handler(request, { params: Promise.resolve(params) } as C);
  expect(response.status, `${method} ${url}`).toBeLessThan(500);
  if (response.status >= 400) {
    const answer = (await response.json()) as { error?: unknown };
    expect(
      typeof answer.error === "string" && answer.error.length > 0 && answer.error.length < 1_000,
      `a clear message: ${JSON.stringify(answer).slice(0, 200)}`,
    ).toBe(true);
    expect(await snapshot()).toEqual(before);
  } else {
    await response.arrayBuffer();
  }
  return response.status;
}

/** Calls an action as the admin; it answers (never throws) and a refusal changes nothing. */
async function expectCleanAction(
  action: (prev: never, form: FormData) => Promise<unknown>,
  fields: Record<string, string | Blob>,
  options: { refused?: boolean } = {},
) {
  const before = await snapshot();
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  session.userId = f.admin.id;
  try {
    const result = (await action({ ok: false } as never, form)) as { ok: boolean; message?: string };
    if (options.refused) expect(result.ok, "refused").toBe(false);
    if (!result.ok) {
      expect(typeof result.message === "string" && result.message.length > 0, "a message").toBe(true);
      expect(await snapshot()).toEqual(before);
    }
  } catch (error) {
    // A redirect is how a successful action ends; anything else escaped the action.
    expect((error as { digest?: string }).digest ?? String(error)).toMatch(/^NEXT_REDIRECT/);
  } finally {
    session.userId = null;
  }
}

const json = (value: unknown) => JSON.stringify(value) ?? "null";
/** Any value as the text a URL or a form would carry. */
const text = (value: unknown) => (typeof value === "string" ? value : json(value));
const put = (base: Record<string, unknown>, key: string, value: unknown) => json({ ...base, [key]: value });

beforeAll(async () => {
  f = await makeFleet();
  token = (await createApiToken(f.admin.id, { name: "bad-input", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
  const policy = await createPolicy(
    f.admin,
    PolicyInputSchema.parse({ name: `${f.prefix}-fuzz`, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }] }),
    new Date(),
  );
  if (!policy.ok) throw new Error(policy.message);
  const cluster = await db.cluster.create({ data: { name: `${f.prefix}-fuzzc` } });
  const template = await createTemplate(
    f.admin,
    TemplateCreateSchema.parse({ name: `${f.prefix}-fuzzt`, policyId: policy.value.id, targetVersion: "1.0.0", members: [cluster.name] }),
    new Date(),
  );
  if (!template.ok) throw new Error(template.message);
  const year = await unusedYear();
  const startsAt = new Date(Date.UTC(year, 2, 7, 5));
  const party = await db.party.create({
    data: {
      tag: `${year}-Q1`,
      kind: "PRODUCTION",
      localDate: `${year}-03-07`,
      timeZone: "UTC",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      slots: { create: [{ group: 1, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) }] },
    },
  });
  const change = await openPartyChange(f.admin, party.tag, new Date());
  if (!change.ok) throw new Error(change.message);
  await decideChange(f.admin, change.value.id, "submit", {}, new Date());
  // An upgrade the fuzz reports on: only as running, so that it stays open for the next value.
  const executionKey = `fuzz-${f.prefix}:${f.web.id}`;
  const upgrade = {
    key: executionKey,
    resourceId: f.web.id,
    memberName: f.web.name,
    address: null,
    port: null,
    user: null,
    kind: "VM",
    tags: [],
    cluster: null,
    fromVersion: "1.0",
    toVersion: "1.1",
    party: null,
    template: { id: template.value.id, name: `${f.prefix}-fuzzt` },
    deadline: new Date(Date.now() + 86_400_000),
    hooks: { pre: null, post: null },
  };
  await db.$transaction((tx) => recordExecutions(tx, "webhook", [upgrade], "QUEUED", new Date()));
  Object.assign(fixtures, {
    resource: f.web.name,
    resourceId: f.web.id,
    policyId: policy.value.id,
    templateId: template.value.id,
    partyTag: party.tag,
    changeId: change.value.id,
    executionKey,
  });
});

describe("API routes answer bad input with a clear 4xx and change nothing", () => {
  const cases: [string, (v: unknown) => Promise<unknown>][] = [
    [
      "GET /resources ?q,group,sort,cursor,limit",
      (v) =>
        expectCleanAnswer(
          resourcesRoute.GET,
          "GET",
          `/api/v1/resources?${new URLSearchParams({ q: text(v), group: text(v), sort: text(v), cursor: text(v).slice(0, 700), limit: text(v) })}`,
          {},
        ),
    ],
    ["GET /resources/{name}", (v) => expectCleanAnswer(resourceRoute.GET, "GET", "/api/v1/resources/x", { name: text(v) })],
    [
      "PATCH /resources/{name} group",
      (v) => expectCleanAnswer(resourceRoute.PATCH, "PATCH", "/api/v1/resources/x", { name: fixtures.resource }, put({}, "group", v)),
    ],
    [
      "PATCH /resources/{name} connection",
      (v) => expectCleanAnswer(resourceRoute.PATCH, "PATCH", "/api/v1/resources/x", { name: fixtures.resource }, json({ address: v, sshPort: v, sshUser: v })),
    ],
    [
      "PATCH /resources/{name} address",
      (v) => expectCleanAnswer(resourceRoute.PATCH, "PATCH", "/api/v1/resources/x", { name: fixtures.resource }, put({ sshPort: 2222 }, "address", v)),
    ],
    [
      "PATCH /resources/{name} revision",
      (v) => expectCleanAnswer(resourceRoute.PATCH, "PATCH", "/api/v1/resources/x", { name: fixtures.resource }, put({ group: 1 }, "revision", v)),
    ],
    [
      "PUT /resources/{name}/exclusion until",
      (v) =>
        expectCleanAnswer(exclusionRoute.PUT, "PUT", "/api/v1/resources/x/exclusion", { name: fixtures.resource }, put({ reason: "Vendor case" }, "until", v)),
    ],
    [
      "PUT /resources/{name}/exclusion body",
      (v) => expectCleanAnswer(exclusionRoute.PUT, "PUT", "/api/v1/resources/x/exclusion", { name: fixtures.resource }, typeof v === "string" ? v : json(v)),
    ],
    [
      "DELETE /resources/{name}/exclusion group",
      (v) =>
        expectCleanAnswer(
          exclusionRoute.DELETE,
          "DELETE",
          "/api/v1/resources/x/exclusion",
          { name: fixtures.resource },
          put({ overrideReason: v }, "group", v),
        ),
    ],
    [
      "POST /resources.csv",
      (v) =>
        expectCleanAnswer(
          csvRoute.POST,
          "POST",
          "/api/v1/resources.csv",
          {},
          `name,kind,environment,team,service,patchGroup\n${text(v)},${text(v)},production,${text(v)},x,${text(v)}\n`,
        ),
    ],
    ["GET /parties ?from,to", (v) => expectCleanAnswer(partiesRoute.GET, "GET", `/api/v1/parties?from=${encodeURIComponent(text(v))}&to=2026-12-31`, {})],
    ["GET /parties/{tag}/{kind}", (v) => expectCleanAnswer(partyRoute.GET, "GET", "/api/v1/parties/x/y", { tag: text(v), kind: text(v) })],
    ["POST /changes", (v) => expectCleanAnswer(changesRoute.POST, "POST", "/api/v1/changes", {}, put({}, "partyTag", v))],
    [
      "GET /changes ?state,cursor",
      (v) =>
        expectCleanAnswer(
          changesRoute.GET,
          "GET",
          `/api/v1/changes?state=${encodeURIComponent(text(v))}&cursor=${encodeURIComponent(text(v).slice(0, 200))}`,
          {},
        ),
    ],
    [
      "POST /changes/{id}/approve comment",
      (v) =>
        expectCleanAnswer(
          approveRoute.POST,
          "POST",
          "/api/v1/changes/x/approve",
          { id: fixtures.changeId },
          put({}, "comment", typeof v === "string" && v.length >= 3 && v.length < 2000 ? 42 : v),
        ),
    ],
    [
      "POST /policies schedules",
      (v) =>
        expectCleanAnswer(
          policiesRoute.POST,
          "POST",
          "/api/v1/policies",
          {},
          json({ name: `${f.prefix}-p`, tags: [], schedules: [{ name: "S", windowHours: v, preset: "weekly-sunday" }] }),
        ),
    ],
    [
      "POST /policies custom",
      (v) =>
        expectCleanAnswer(
          policiesRoute.POST,
          "POST",
          "/api/v1/policies",
          {},
          json({
            name: `${f.prefix}-p`,
            tags: [],
            schedules: [{ name: "S", windowHours: 2, custom: { minutes: v, hours: [0], daysOfWeek: "every", daysOfMonth: "every", months: "every" } }],
          }),
        ),
    ],
    ["PATCH /policies/{id}", (v) => expectCleanAnswer(policyRoute.PATCH, "PATCH", "/api/v1/policies/x", { id: fixtures.policyId }, put({}, "schedules", v))],
    [
      "GET /policies/{id}/windows ?from,to",
      (v) =>
        expectCleanAnswer(windowsRoute.GET, "GET", `/api/v1/policies/x/windows?from=${encodeURIComponent(text(v))}&to=${encodeURIComponent(text(v))}`, {
          id: fixtures.policyId,
        }),
    ],
    [
      "POST /templates members",
      (v) =>
        expectCleanAnswer(
          templatesRoute.POST,
          "POST",
          "/api/v1/templates",
          {},
          json({ name: `${f.prefix}-t`, policyId: fixtures.policyId, targetVersion: "1.0.0", members: v }),
        ),
    ],
    [
      "PATCH /templates/{id} targetVersion",
      (v) => expectCleanAnswer(templateRoute.PATCH, "PATCH", "/api/v1/templates/x", { id: fixtures.templateId }, put({}, "targetVersion", v)),
    ],
    [
      "PATCH /templates/{id} concurrency",
      (v) => expectCleanAnswer(templateRoute.PATCH, "PATCH", "/api/v1/templates/x", { id: fixtures.templateId }, put({}, "concurrency", v)),
    ],
    [
      "PUT /templates/{id}/plan",
      (v) =>
        expectCleanAnswer(
          planRoute.PUT,
          "PUT",
          "/api/v1/templates/x/plan",
          { id: fixtures.templateId },
          json({ components: [{ name: v, downtimeMinutes: v }] }),
        ),
    ],
    [
      "POST /plans",
      (v) => expectCleanAnswer(plansRoute.POST, "POST", "/api/v1/plans", {}, json({ components: [{ name: "a", downtimeMinutes: 1 }], servers: v })),
    ],
    ["PUT /party-rule", (v) => expectCleanAnswer(partyRuleRoute.PUT, "PUT", "/api/v1/party-rule", {}, put({ timeZone: "UTC" }, "qaSlots", v))],
    // Global settings: only values the schema refuses, so that other tests keep theirs; and refused
    // they must be (NaN went out as JSON null, which z.coerce once saved as "no canary").
    [
      "PUT /party-rule/rollouts",
      async (v) => {
        const body = put({}, "canaryPercent", SlotRolloutSchema.safeParse({ canaryPercent: v }).success ? -5 : v);
        expect(await expectCleanAnswer(rolloutsRoute.PUT, "PUT", "/api/v1/party-rule/rollouts", {}, body)).toBe(refusedAs(body));
      },
    ],
    [
      "GET /calendar.ics ?team,resource,group",
      (v) => expectCleanAnswer(feedRoute.GET, "GET", `/api/v1/calendar.ics?${new URLSearchParams({ team: text(v), group: text(v) })}`, {}),
    ],
    ["GET /notifications ?state", (v) => expectCleanAnswer(notificationsRoute.GET, "GET", `/api/v1/notifications?state=${encodeURIComponent(text(v))}`, {})],
    // How slots are executed: global, so only refused values (a cutoff out of range, or a value the schema refuses).
    [
      "PUT /party-rule/execution",
      async (v) =>
        expect(
          await expectCleanAnswer(
            slotExecutionRoute.PUT,
            "PUT",
            "/api/v1/party-rule/execution",
            {},
            json({ executor: v, preHook: v, postHook: v, cutoffMinutes: 721 }),
          ),
        ).toBe(refusedAs(json({ executor: v, preHook: v, postHook: v, cutoffMinutes: 721 }))),
    ],
    [
      "PUT /party-rule/execution memberTimeoutMinutes",
      async (v) =>
        expect(
          await expectCleanAnswer(
            slotExecutionRoute.PUT,
            "PUT",
            "/api/v1/party-rule/execution",
            {},
            put({}, "memberTimeoutMinutes", ExecutionSettingsSchema.safeParse({ memberTimeoutMinutes: v }).success ? 0 : v),
          ),
        ).toBe(refusedAs(put({}, "memberTimeoutMinutes", ExecutionSettingsSchema.safeParse({ memberTimeoutMinutes: v }).success ? 0 : v))),
    ],
    [
      "PATCH /templates/{id} execution",
      (v) =>
        expectCleanAnswer(
          templateRoute.PATCH,
          "PATCH",
          "/api/v1/templates/x",
          { id: fixtures.templateId },
          json({ executor: v, preHook: v, postHook: v, cutoffMinutes: v, memberTimeoutMinutes: v }),
        ),
    ],
    // Reports: "running" keeps the execution open; a final state would end the fuzz after one value.
    [
      "POST /executions/{key} state",
      (v) =>
        expectCleanAnswer(
          executionRoute.POST,
          "POST",
          "/api/v1/executions/x",
          { key: fixtures.executionKey },
          put({}, "state", ["succeeded", "failed"].includes(v as string) ? 42 : v),
        ),
    ],
    [
      "POST /executions/{key} message,output",
      (v) =>
        expectCleanAnswer(
          executionRoute.POST,
          "POST",
          "/api/v1/executions/x",
          { key: fixtures.executionKey },
          json({ state: "running", message: v, output: v }),
        ),
    ],
    [
      "POST /executions/{key} packages",
      (v) =>
        expectCleanAnswer(
          executionRoute.POST,
          "POST",
          "/api/v1/executions/x",
          { key: fixtures.executionKey },
          json({ state: "running", packages: [{ name: v, from: v, to: v }, v] }),
        ),
    ],
    [
      "POST /executions/{key} flags",
      (v) =>
        expectCleanAnswer(
          executionRoute.POST,
          "POST",
          "/api/v1/executions/x",
          { key: fixtures.executionKey },
          json({ state: "running", rebootRequired: v, rebooted: v, healthCheck: v, exitStatus: v }),
        ),
    ],
    [
      "POST /executions/{key} key and body",
      (v) => expectCleanAnswer(executionRoute.POST, "POST", "/api/v1/executions/x", { key: text(v) }, typeof v === "string" ? v : json(v)),
    ],
    ["GET /executions/{key}", (v) => expectCleanAnswer(executionRoute.GET, "GET", "/api/v1/executions/x", { key: text(v) })],
    [
      "GET /executions ?party,kind,group,template,state,cursor,limit",
      (v) =>
        expectCleanAnswer(
          executionsRoute.GET,
          "GET",
          `/api/v1/executions?${new URLSearchParams({ party: fixtures.partyTag, kind: text(v), group: text(v), state: text(v), cursor: text(v).slice(0, 700), limit: text(v) })}`,
          {},
        ),
    ],
    [
      "GET /executions ?template,cursor",
      (v) =>
        expectCleanAnswer(executionsRoute.GET, "GET", `/api/v1/executions?${new URLSearchParams({ template: text(v), cursor: text(v).slice(0, 700) })}`, {}),
    ],
  ];
  it.each(cases)("%s", { timeout: 120_000 }, async (_name, call) => {
    await fc.assert(
      fc.asyncProperty(hostile, async (v) => void (await call(v))),
      { numRuns: RUNS },
    );
  });

  it("broken bodies: not JSON, not an object, too large", async () => {
    for (const body of ["{", "null", "[]", '"text"', '{"reason":']) {
      expect(await expectCleanAnswer(exclusionRoute.PUT, "PUT", "/api/v1/resources/x/exclusion", { name: fixtures.resource }, body)).toBe(400);
    }
    // Too large is its own status (413), refused at the cap (tests/integration/request-guards.test.ts).
    expect(await expectCleanAnswer(exclusionRoute.PUT, "PUT", "/api/v1/resources/x/exclusion", { name: fixtures.resource }, "x".repeat(200_000))).toBe(413);
  });

  it("an acceptable hostile value is stored as sent: SQL and HTML fragments are data", async () => {
    for (const [i, reason] of ['\'; DROP TABLE "Resource"; --', "<img src=x onerror=alert(1)>", "名前 😀 \u202Eevil"].entries()) {
      const r = await db.resource.create({
        data: { name: `${f.prefix}-store-${i}`, kind: "VM", environment: "PRODUCTION", teamId: f.teamA.id, serviceId: f.web.serviceId, patchGroup: 1 },
      });
      expect(await expectCleanAnswer(exclusionRoute.PUT, "PUT", "/api/v1/resources/x/exclusion", { name: r.name }, json({ reason }))).toBe(200);
      expect((await db.resource.findUniqueOrThrow({ where: { id: r.id } })).exclusionReason).toBe(reason);
    }
    expect(await db.resource.count()).toBeGreaterThan(0);
  });
});

describe("server actions answer bad input with a message and change nothing", () => {
  const cases: [string, (v: string) => Promise<void>][] = [
    [
      "excludeResourceAction",
      (v) =>
        expectCleanAction(resourcesActions.excludeResourceAction as never, {
          name: fixtures.resource,
          reason: v.length >= 3 && v.length <= 500 ? "" : v,
          until: v,
          revision: v,
        }),
    ],
    ["setResourceGroupAction", (v) => expectCleanAction(resourcesActions.setResourceGroupAction as never, { name: v, group: v, revision: v, mode: v })],
    [
      "updateResourceConnectionAction",
      (v) =>
        expectCleanAction(resourcesActions.updateResourceConnectionAction as never, {
          name: fixtures.resource,
          address: v,
          sshPort: v,
          sshUser: v,
          revision: v,
        }),
    ],
    [
      "updateResourceConnectionAction name",
      (v) => expectCleanAction(resourcesActions.updateResourceConnectionAction as never, { name: v, address: "web-01.example.com", sshPort: "", sshUser: "" }),
    ],
    ["bulkResourcesAction", (v) => expectCleanAction(resourcesActions.bulkResourcesAction as never, { payload: v, reason: v, group: v })],
    [
      "savePolicyAction",
      (v) => expectCleanAction(policiesActions.savePolicyAction as never, { intent: "save", name: v.trim() ? "" : v, tags: v, schedules: v }),
    ],
    ["deletePolicyAction", (v) => expectCleanAction(policiesActions.deletePolicyAction as never, { id: v })],
    [
      "createTemplateAction",
      (v) => expectCleanAction(templatesActions.createTemplateAction as never, { name: v, policyId: v, targetVersion: v, concurrency: v, members: v }),
    ],
    [
      "updateTemplateAction",
      (v) =>
        expectCleanAction(templatesActions.updateTemplateAction as never, {
          id: fixtures.templateId,
          targetVersion: /^\d/.test(v) ? `${v}!` : v,
          concurrency: v,
        }),
    ],
    [
      "saveTemplatePlanAction",
      (v) => expectCleanAction(templatesActions.saveTemplatePlanAction as never, { id: fixtures.templateId, components: `${v}\n${v}`, revision: "999999" }),
    ],
    ["changeDecisionAction", (v) => expectCleanAction(changesActions.changeDecisionAction as never, { id: v, intent: v, comment: v })],
    ["openChangeAction", (v) => expectCleanAction(changesActions.openChangeAction as never, { partyTag: v, templateId: v })],
    [
      "movePartyAction",
      (v) =>
        expectCleanAction(calendarActions.movePartyAction as never, { tag: fixtures.partyTag, kind: "production", date: v, reason: v.length >= 3 ? "" : v }),
    ],
    [
      "partyRuleAction",
      (v) => expectCleanAction(calendarActions.partyRuleAction as never, { intent: "save", timeZone: v, qaMonthOfQuarter: v, businessStart: v }),
    ],
    ["createFeedAction", (v) => expectCleanAction(calendarActions.createFeedAction as never, { name: v.trim() ? "" : v, team: v, resource: v })],
    ["partyHoldAction", (v) => expectCleanAction(holdActions.partyHoldAction as never, { tag: v, intent: v, holdReason: v })],
    ["createApiTokenAction", (v) => expectCleanAction(tokenActions.createApiTokenAction as never, { email: v, name: v, scope: v, days: v })],
    // canaryPercent is always out of range, so the action is always refused: an accepted fuzz value
    // (" 5" coerces) once changed the fleet-wide settings under the party-rollout tests.
    [
      "saveSlotRolloutAction",
      (v) => expectCleanAction(slotActions.saveSlotRolloutAction as never, { concurrency: v, concurrencyPercent: v, canaryPercent: "101" }, { refused: true }),
    ],
    // Likewise: the cutoff is always out of range.
    [
      "saveSlotExecutionAction",
      (v) =>
        expectCleanAction(
          slotActions.saveSlotExecutionAction as never,
          { executor: v, preHook: v, postHook: v, cutoffMinutes: "721", memberTimeoutMinutes: v },
          { refused: true },
        ),
    ],
    // The fixture's upgrade must stay open for the next value: the outcome is never one the schema takes.
    [
      "recordManualOutcomesAction",
      (v) =>
        expectCleanAction(
          manualActions.recordManualOutcomesAction as never,
          { scope: "template", templateId: fixtures.templateId, key: fixtures.executionKey, outcome: ["patched", "failed"].includes(v) ? "x" : v, reason: v },
          { refused: true },
        ),
    ],
    [
      "recordManualOutcomesAction target",
      (v) =>
        expectCleanAction(
          manualActions.recordManualOutcomesAction as never,
          { scope: v, tag: v, kind: v, group: v, templateId: v, key: v, outcome: "patched" },
          { refused: true },
        ),
    ],
    // A second row names no upgrade, so the file is refused whole, whatever the first row says.
    [
      "importManualOutcomesAction",
      (v) =>
        expectCleanAction(
          manualActions.importManualOutcomesAction as never,
          {
            scope: "template",
            templateId: fixtures.templateId,
            file: new File([`key,state,message\n${fixtures.executionKey},${v},${v}\nno-such-key-${v},${v},${v}\n`], "x.csv"),
          },
          { refused: true },
        ),
    ],
  ];
  it.each(cases)("%s", { timeout: 120_000 }, async (_name, call) => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (v) => call(v)),
      { numRuns: RUNS },
    );
  });
});

describe("the slot-rollout form", () => {
  it("keeps a setting the request leaves out, and refuses one that holds a NUL", async () => {
    const before = await getSlotRollout();
    session.userId = f.admin.id;
    try {
      // Only concurrency sent: the failure thresholds stay (a missing field once meant "no limit").
      expect(await slotActions.saveSlotRolloutAction({ ok: false }, form({ concurrency: String(before.concurrency + 1) }))).toMatchObject({ ok: true });
      expect(await getSlotRollout()).toEqual({ ...before, concurrency: before.concurrency + 1 });
      const refused = await slotActions.saveSlotRolloutAction({ ok: false }, form({ maxFailurePercent: "5\u0000" }));
      expect(refused).toMatchObject({ ok: false, fieldErrors: { maxFailurePercent: ["The failure share is a whole number from 1 to 100."] } });
      expect(await getSlotRollout()).toEqual({ ...before, concurrency: before.concurrency + 1 });
    } finally {
      await saveSlotRollout(f.admin, before, new Date());
      session.userId = null;
    }
  });
});

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}
