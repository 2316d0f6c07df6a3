// How members are executed (issue 15, point 2): the party slots' executor, hooks, cutoff and
// member timeout on the party rule (page and GET/PUT /api/v1/party-rule/execution), and the same
// per template (its settings form and PATCH /api/v1/templates/{id}). The simulated executor makes
// outcomes up: it may be chosen only on the demo data or when PATCHPARTY_EXECUTOR names it.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => {
  const { cookieStore, sessionCookies } = await import("./fixtures/session");
  return { cookies: async () => cookieStore(await sessionCookies(session.userId)), headers: async () => new Headers() };
});

import * as slotExecutionRoute from "@/app/api/v1/party-rule/execution/route";
import * as templateRoute from "@/app/api/v1/templates/[id]/route";
import { saveSlotExecutionAction } from "@/lib/actions/slot-rollout";
import { updateTemplateAction } from "@/lib/actions/templates";
import { createApiToken } from "@/lib/data/api-tokens";
import { createPolicy } from "@/lib/data/policies";
import { getSlotExecution, type SlotExecution } from "@/lib/data/slot-rollout";
import { createTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
let adminToken: string;
let ownerToken: string;
let saved: SlotExecution;
let demoData: boolean | null;

beforeAll(async () => {
  f = await makeFleet();
  adminToken = (await createApiToken(f.admin.id, { name: "execution-settings", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
  ownerToken = (await createApiToken(f.owner.id, { name: "execution-settings", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
});

beforeEach(async () => {
  saved = await getSlotExecution();
  demoData = (await db.installation.findUnique({ where: { id: "default" } }))?.demoData ?? null;
  await setDemoData(false);
});

afterEach(async () => {
  await db.partyRule.updateMany({
    where: { id: "default" },
    data: {
      slotExecutor: saved.executor,
      slotPreHook: saved.preHook,
      slotPostHook: saved.postHook,
      slotCutoffMinutes: saved.cutoffMinutes,
      slotMemberTimeoutMinutes: saved.memberTimeoutMinutes,
    },
  });
  if (demoData === null) await db.installation.deleteMany({ where: { id: "default" } });
  else await setDemoData(demoData);
});

const setDemoData = (value: boolean) =>
  db.installation.upsert({ where: { id: "default" }, create: { id: "default", demoData: value }, update: { demoData: value } });

async function call(
  handler: (r: Request, c: never) => Promise<Response>,
  method: string,
  body?: unknown,
  options: { token?: string; params?: Record<string, string> } = {},
) {
  const response = await handler(
    new Request("http://localhost/api/v1/x", {
      method,
      headers: { Authorization: `Bearer ${options.token ?? adminToken}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { params: Promise.resolve(options.params ?? {}) } as never,
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

async function template() {
  const policy = await createPolicy(
    f.admin,
    PolicyInputSchema.parse({ name: `${f.prefix}-p${Math.random()}`, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }] }),
    new Date(),
  );
  if (!policy.ok) throw new Error(policy.message);
  const cluster = await db.cluster.create({ data: { name: `${f.prefix}-c${Math.random()}` } });
  const made = await createTemplate(
    f.admin,
    TemplateCreateSchema.parse({ name: `${f.prefix}-t${Math.random()}`, policyId: policy.value.id, targetVersion: "1.0.0", members: [cluster.name] }),
    new Date(),
  );
  if (!made.ok) throw new Error(made.message);
  return made.value.id;
}

describe("the party slots' execution settings", () => {
  it("PUT saves what is sent, keeps what is left out, and is audited; GET answers it", async () => {
    const put = await call(slotExecutionRoute.PUT as never, "PUT", { executor: "manual", preHook: '  lb-drain "$PATCHPARTY_MEMBER"  ', cutoffMinutes: 45 });
    expect(put).toEqual({
      status: 200,
      body: {
        executor: "manual",
        preHook: 'lb-drain "$PATCHPARTY_MEMBER"',
        postHook: saved.postHook,
        cutoffMinutes: 45,
        memberTimeoutMinutes: saved.memberTimeoutMinutes,
      },
    });
    expect((await call(slotExecutionRoute.GET as never, "GET", undefined, { token: ownerToken })).body).toEqual(put.body);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "party-rule.execution", actorId: f.admin.id }, orderBy: { id: "desc" } });
    expect(audit.after).toMatchObject({ executor: "manual", cutoffMinutes: 45 });

    // null and "" go back to the default executor and no hook.
    expect((await call(slotExecutionRoute.PUT as never, "PUT", { executor: null, preHook: "", memberTimeoutMinutes: 90 })).body).toMatchObject({
      executor: null,
      preHook: null,
      cutoffMinutes: 45,
      memberTimeoutMinutes: 90,
    });
  });

  it("refuses bad values by name, and owners", async () => {
    for (const [body, message] of [
      [{ executor: "puppet" }, /^executor: executor is one of manual, ssh, ansible, webhook, simulated/],
      [{ cutoffMinutes: 721 }, /^cutoffMinutes: The start cutoff is a whole number of minutes from 0 to 720/],
      [{ memberTimeoutMinutes: 0 }, /^memberTimeoutMinutes: The member timeout is a whole number of minutes from 1 to 1,440/],
      [{ preHook: "x".repeat(1001) }, /^preHook: The pre-hook: at most 1,000 characters/],
      [{ postHook: "echo \u0000" }, /^postHook: The post-hook must not hold a NUL character/],
      [{ preHook: 42 }, /^preHook: The pre-hook is a shell command/],
      [{ concurrency: 3 }, /concurrency/],
    ] as const) {
      const answer = await call(slotExecutionRoute.PUT as never, "PUT", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toMatch(message);
    }
    expect((await call(slotExecutionRoute.PUT as never, "PUT", { cutoffMinutes: 10 }, { token: ownerToken })).status).toBe(403);
    expect(await getSlotExecution()).toEqual(saved);
  });

  it("simulated only on the demo data", async () => {
    const refused = await call(slotExecutionRoute.PUT as never, "PUT", { executor: "simulated" });
    expect(refused).toEqual({
      status: 400,
      body: {
        error: expect.stringMatching(/^The simulated executor makes outcomes up: it may be chosen only on the demo data or when PATCHPARTY_EXECUTOR=simulated/),
      },
    });
    await setDemoData(true);
    expect(await call(slotExecutionRoute.PUT as never, "PUT", { executor: "simulated" })).toMatchObject({ status: 200, body: { executor: "simulated" } });
  });

  it("the party rule page's form: empty fields mean the default and no hook; errors come back by field", async () => {
    session.userId = f.admin.id;
    try {
      const ok = await saveSlotExecutionAction(
        { ok: false },
        form({ executor: "", preHook: "", postHook: "/usr/local/bin/health-check", cutoffMinutes: "20", memberTimeoutMinutes: "30" }),
      );
      expect(ok).toMatchObject({ ok: true });
      expect(await getSlotExecution()).toEqual({
        executor: null,
        preHook: null,
        postHook: "/usr/local/bin/health-check",
        cutoffMinutes: 20,
        memberTimeoutMinutes: 30,
      });
      const bad = await saveSlotExecutionAction({ ok: false }, form({ executor: "simulated", cutoffMinutes: "20", memberTimeoutMinutes: "30" }));
      expect(bad).toMatchObject({ ok: false, fieldErrors: { executor: [expect.stringMatching(/^The simulated executor makes outcomes up/)] } });
      const worse = await saveSlotExecutionAction({ ok: false }, form({ cutoffMinutes: "-1", memberTimeoutMinutes: "abc" }));
      expect(worse).toMatchObject({ ok: false, fieldErrors: { cutoffMinutes: [expect.any(String)], memberTimeoutMinutes: [expect.any(String)] } });
      expect(await getSlotExecution()).toMatchObject({ cutoffMinutes: 20, memberTimeoutMinutes: 30 });
    } finally {
      session.userId = null;
    }
  });
});

describe("a template's execution settings", () => {
  it("PATCH saves them and the template's JSON shows them; simulated and bad values are refused", async () => {
    const id = await template();
    const patched = await call(
      templateRoute.PATCH as never,
      "PATCH",
      { executor: "ssh", preHook: "snapshot-vm", postHook: null, cutoffMinutes: 0, memberTimeoutMinutes: 1440 },
      { params: { id } },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.execution).toEqual({ executor: "ssh", preHook: "snapshot-vm", postHook: null, cutoffMinutes: 0, memberTimeoutMinutes: 1440 });
    expect((await call(templateRoute.GET as never, "GET", undefined, { params: { id }, token: ownerToken })).body.execution).toEqual(patched.body.execution);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "template.update", entityId: id }, orderBy: { id: "desc" } });
    expect(audit.before).toMatchObject({ executor: null, preHook: null, cutoffMinutes: 15, memberTimeoutMinutes: 60 });
    expect(audit.after).toMatchObject({ executor: "ssh", preHook: "snapshot-vm", cutoffMinutes: 0, memberTimeoutMinutes: 1440 });

    expect((await call(templateRoute.PATCH as never, "PATCH", { executor: null }, { params: { id } })).body.execution).toMatchObject({
      executor: null,
      preHook: "snapshot-vm",
    });
    expect(await call(templateRoute.PATCH as never, "PATCH", { executor: "simulated" }, { params: { id } })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^The simulated executor/) },
    });
    expect(await call(templateRoute.PATCH as never, "PATCH", { cutoffMinutes: 721 }, { params: { id } })).toMatchObject({ status: 400 });
    expect(await call(templateRoute.PATCH as never, "PATCH", { memberTimeoutMinutes: 5 }, { params: { id }, token: ownerToken })).toMatchObject({
      status: 403,
    });
    await setDemoData(true);
    expect((await call(templateRoute.PATCH as never, "PATCH", { executor: "simulated" }, { params: { id } })).body.execution).toMatchObject({
      executor: "simulated",
    });
  });

  it("the template page's form sends every field; empty means the default and no hook", async () => {
    const id = await template();
    const revision = (await db.template.findUniqueOrThrow({ where: { id } })).revision;
    session.userId = f.admin.id;
    try {
      const saved = await updateTemplateAction(
        { ok: false },
        form({
          id,
          revision: String(revision),
          executor: "webhook",
          preHook: "",
          postHook: "curl -fsS https://lb.example/enable",
          cutoffMinutes: "5",
          memberTimeoutMinutes: "15",
        }),
      );
      expect(saved).toMatchObject({ ok: true });
      expect(
        await db.template.findUniqueOrThrow({
          where: { id },
          select: { executor: true, preHook: true, postHook: true, cutoffMinutes: true, memberTimeoutMinutes: true },
        }),
      ).toEqual({
        executor: "webhook",
        preHook: null,
        postHook: "curl -fsS https://lb.example/enable",
        cutoffMinutes: 5,
        memberTimeoutMinutes: 15,
      });
      const refused = await updateTemplateAction({ ok: false }, form({ id, executor: "simulated", cutoffMinutes: "5", memberTimeoutMinutes: "15" }));
      expect(refused).toMatchObject({ ok: false, fieldErrors: { executor: [expect.stringMatching(/^The simulated executor/)] } });
    } finally {
      session.userId = null;
    }
  });
});
