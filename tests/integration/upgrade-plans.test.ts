// Ordered upgrade plans followed by the rollout engine (seeds/004), on a clock the test moves:
// clients, then agents, then controllers one node at a time (secondary first), then the gateways,
// two server types side by side; members outside the plan last. And the plan over the API.
import { beforeEach, describe, expect, it } from "vitest";
import { GET, PUT } from "@/app/api/v1/templates/[id]/plan/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate, updateTemplate } from "@/lib/data/templates";
import { getTemplatePlan, saveTemplatePlan } from "@/lib/data/upgrade-plans";
import { db } from "@/lib/db";
import { CLEANROOM_COMPONENTS, type UpgradePlan } from "@/lib/domain";
import { tick } from "@/lib/rollout/engine";
import { simulatedExecutor } from "@/lib/rollout/simulated";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { approveUpgrade } from "./fixtures/changes";
import { makeFleet } from "./fixtures/fleet";

const MINUTE = 60_000;
const NOW = new Date("2026-11-25T10:00:00Z");
const WINDOW = new Date("2026-11-29T00:00:00Z"); // the first Sunday-midnight window after NOW

let f: Awaited<ReturnType<typeof makeFleet>>;
let templateId: string;
const name = (short: string) => `${f.prefix}-${short}`;

beforeEach(async () => {
  f = await makeFleet();
  const services = Object.fromEntries(
    await Promise.all(
      ["client", "agent", "controller", "edge", "html5", "printer"].map(
        async (s) => [s, (await db.service.create({ data: { name: `${f.prefix}-${s}`, teamId: f.teamA.id } })).id] as const,
      ),
    ),
  );
  const [mc, edge] = await Promise.all([db.cluster.create({ data: { name: name("mc") } }), db.cluster.create({ data: { name: name("edge") } })]);
  const fleet: { short: string; service: string; component?: string; clusterId?: string; role?: string }[] = [
    { short: "laptop-1", service: "client", component: "clients" },
    { short: "laptop-2", service: "client", component: "clients" },
    { short: "agent-1", service: "agent", component: "agents" },
    { short: "agent-2", service: "agent", component: "agents" },
    { short: "mc-a", service: "controller", component: "controllers", clusterId: mc.id, role: "primary" },
    { short: "mc-b", service: "controller", component: "controllers", clusterId: mc.id, role: "secondary" },
    { short: "edge-a", service: "edge", component: "gateways", clusterId: edge.id, role: "primary" },
    { short: "edge-b", service: "edge", component: "gateways", clusterId: edge.id, role: "secondary" },
    { short: "html5-1", service: "html5", component: "gateways" },
    { short: "printer", service: "printer" },
  ];
  await db.resource.createMany({
    data: fleet.map((r, i) => ({
      name: name(r.short),
      kind: "VM" as const,
      environment: "PRODUCTION" as const,
      teamId: f.teamA.id,
      serviceId: services[r.service]!,
      patchGroup: (i % 3) + 1,
      clusterId: r.clusterId,
      clusterRole: r.role,
      tags: r.component ? [`component:${r.component}`, "cleanroom"] : ["cleanroom"],
    })),
  });
  const policy = await createPolicy(
    f.admin,
    PolicyInputSchema.parse({ name: `${f.prefix}-sundays`, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 6 }] }),
    NOW,
  );
  if (!policy.ok) throw new Error(policy.message);
  const template = await createTemplate(
    f.admin,
    TemplateCreateSchema.parse({
      name: `${f.prefix}-cleanroom`,
      policyId: policy.value.id,
      targetVersion: "1.0.0",
      concurrency: 10,
      members: fleet.map((r) => name(r.short)),
    }),
    NOW,
  );
  if (!template.ok) throw new Error(template.message);
  templateId = template.value.id;
});

describe("an upgrade that follows its plan", () => {
  it("runs the components in order, clusters one node at a time secondary first, server types side by side, the rest last", async () => {
    expect((await saveTemplatePlan(f.admin, templateId, CLEANROOM_COMPONENTS, undefined, NOW)).ok).toBe(true);
    expect((await updateTemplate(f.admin, templateId, { targetVersion: "2.0.0" }, NOW)).ok).toBe(true);
    await approveUpgrade(f, templateId, NOW);
    const executor = simulatedExecutor({ durationSeconds: 60, failureRate: 0, jitter: 0 });
    for (let t = 0; t <= 20; t++) await tick(new Date(WINDOW.getTime() + t * MINUTE), executor, { templateIds: [templateId] });

    const attempts = await db.upgradeAttempt.findMany({
      where: { run: { templateId } },
      select: { startedAt: true, finishedAt: true, status: true, member: { select: { resource: { select: { name: true } } } } },
    });
    const minute = Object.fromEntries(
      attempts.map((a) => [a.member.resource!.name.slice(f.prefix.length + 1), (a.startedAt.getTime() - WINDOW.getTime()) / MINUTE]),
    );
    expect(attempts.every((a) => a.status === "SUCCEEDED")).toBe(true);
    // Each upgrade takes a minute and is seen finished on the next tick.
    expect(minute).toEqual({
      "laptop-1": 0,
      "laptop-2": 0,
      "agent-1": 1,
      "agent-2": 1,
      "mc-b": 2,
      "mc-a": 3, // secondary first, then the primary, never both
      "edge-b": 4,
      "html5-1": 4,
      "edge-a": 5, // the HTML5 gateway beside the edge cluster's first node
      printer: 6, // not in the plan: after it
    });
    expect(await db.templateMember.count({ where: { templateId, currentVersion: "2.0.0" } })).toBe(10);
    expect(await db.upgradeRun.findFirst({ where: { templateId }, select: { state: true } })).toEqual({ state: "COMPLETED" });
  });

  it("without a plan the same fleet goes up to the concurrency at once, but a cluster's nodes still one at a time", async () => {
    await updateTemplate(f.admin, templateId, { targetVersion: "2.0.0" }, NOW);
    await approveUpgrade(f, templateId, NOW);
    const [first] = await tick(WINDOW, simulatedExecutor({ durationSeconds: 60, failureRate: 0, jitter: 0 }), { templateIds: [templateId] });
    // Ten members, concurrency 10: all but the second node of each of the two clusters.
    expect(first).toMatchObject({ started: 8 });
    const started = await db.upgradeAttempt.findMany({
      where: { run: { templateId } },
      select: { member: { select: { resource: { select: { clusterId: true } } } } },
    });
    const perCluster = started.map((a) => a.member.resource!.clusterId).filter(Boolean);
    expect(new Set(perCluster).size).toBe(perCluster.length);
  });

  it("the plan page's data: stages with their lanes and steps, and the total against the window", async () => {
    await saveTemplatePlan(f.admin, templateId, CLEANROOM_COMPONENTS, undefined, NOW);
    const plan = (await getTemplatePlan(templateId, NOW, null))!;
    expect(plan.plan!.stages.map((s) => [s.component, s.startsAtMinute, s.minutes])).toEqual([
      ["clients", 0, 5],
      ["agents", 5, 5],
      ["controllers", 10, 120],
      ["gateways", 130, 120],
      ["not in the plan", 250, 0],
    ]);
    expect(plan.plan!.stages[2]!.lanes[0]!.steps.map((s) => s.servers)).toEqual([[name("mc-b")], [name("mc-a")]]);
    expect(plan.plan!.stages[3]!.lanes.map((l) => l.serverType)).toEqual([`${f.prefix}-edge`, `${f.prefix}-html5`]);
    expect(plan).toMatchObject({ windowMinutes: 360 });
    expect(plan.plan!.totalMinutes).toBe(250);
  });

  it("an owner reads the plan with their team's servers named and the others only counted (issue 21)", async () => {
    await saveTemplatePlan(f.admin, templateId, CLEANROOM_COMPONENTS, undefined, NOW);
    // Team B holds one controller node and the whole edge cluster.
    await db.resource.updateMany({ where: { name: { in: [name("mc-a"), name("edge-a"), name("edge-b")] } }, data: { teamId: f.teamB.id } });
    const whole = (await getTemplatePlan(templateId, NOW, null))!;
    const seen = (await getTemplatePlan(templateId, NOW, [f.teamA.id]))!;
    // The timings are the template's, whoever reads them.
    expect(seen.plan!.totalMinutes).toBe(whole.plan!.totalMinutes);
    expect(seen.plan!.stages[2]!.lanes[0]!.steps).toEqual([
      { servers: [name("mc-b")], cluster: name("mc"), minutes: 60 },
      { servers: [], cluster: name("mc"), minutes: 60, others: 1 },
    ]);
    const edge = seen.plan!.stages[3]!.lanes.find((l) => l.serverType === `${f.prefix}-edge`)!;
    expect(edge.steps).toEqual([
      { servers: [], cluster: "other teams' cluster", minutes: 60, others: 1 },
      { servers: [], cluster: "other teams' cluster", minutes: 60, others: 1 },
    ]);
    expect(Object.keys(seen.members).sort()).toEqual(["laptop-1", "laptop-2", "agent-1", "agent-2", "mc-b", "html5-1", "printer"].map(name).sort());
    const text = JSON.stringify(seen);
    for (const hidden of ["mc-a", "edge-a", "edge-b"].map(name)) expect(text).not.toContain(hidden);
    // Team B's owner, over the API: their three servers and their clusters, none of team A's servers.
    const token = (await createApiToken(f.ownerB.id, { name: "t", scope: "read", days: 90 }, { id: null, label: "t" })).secret;
    const answer = await GET(new Request(`http://localhost/api/v1/templates/${templateId}/plan`, { headers: { Authorization: `Bearer ${token}` } }), {
      params: Promise.resolve({ id: templateId }),
    });
    const stages = ((await answer.json()) as { plan: UpgradePlan }).plan.stages;
    const steps = stages.flatMap((stage) => stage.lanes.flatMap((lane) => lane.steps));
    expect(steps.flatMap((step) => step.servers).sort()).toEqual(["edge-a", "edge-b", "mc-a"].map(name));
    expect(steps.reduce((sum, step) => sum + (step.others ?? 0), 0)).toBe(7);
    expect(steps.filter((step) => step.cluster).map((step) => step.cluster)).toEqual([name("mc"), name("mc"), name("edge"), name("edge")]);
  });
});

describe("the plan over the API", () => {
  it("admins set and clear it (If-Match guards it); others read it; bad plans are refused by name and change nothing", async () => {
    const tokens = {
      admin: (await createApiToken(f.admin.id, { name: "t", scope: "write", days: 90 }, { id: null, label: "t" })).secret,
      owner: (await createApiToken(f.owner.id, { name: "t", scope: "write", days: 90 }, { id: null, label: "t" })).secret,
    };
    const url = `http://localhost/api/v1/templates/${templateId}/plan`;
    const params = { params: Promise.resolve({ id: templateId }) };
    const put = (who: keyof typeof tokens, body: unknown, headers: Record<string, string> = {}) =>
      PUT(new Request(url, { method: "PUT", headers: { Authorization: `Bearer ${tokens[who]}`, ...headers }, body: JSON.stringify(body) }), {
        params: Promise.resolve({ id: templateId }),
      });
    const read = async () => (await GET(new Request(url, { headers: { Authorization: `Bearer ${tokens.owner}` } }), params)).json();

    expect(await read()).toMatchObject({ components: null, plan: null, fitsWindow: null });
    expect((await put("owner", { components: CLEANROOM_COMPONENTS })).status).toBe(403);
    for (const [body, error] of [
      [{ components: [] }, "components: Give at least one component."],
      [
        { components: [{ name: "clients", downtimeMinutes: -1 }] },
        "components.0.downtimeMinutes: downtimeMinutes is a whole number of minutes from 0 to 1,440.",
      ],
      [
        {
          components: [
            { name: "a", downtimeMinutes: 1 },
            { name: "A", downtimeMinutes: 2 },
          ],
        },
        "components: Name each component once.",
      ],
      [{ components: [{ name: "a, b", downtimeMinutes: 1 }] }, "components.0.name: A component's name has no commas or colons."],
      [{ plan: [] }, "components: a list of { name, downtimeMinutes } in upgrade order, or null for no plan"],
    ] as const) {
      const response = await put("admin", body);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toContain(error);
    }
    expect(await read()).toMatchObject({ components: null });

    const saved = await put("admin", { components: CLEANROOM_COMPONENTS });
    expect(saved.status).toBe(200);
    const body = await saved.json();
    expect(body).toMatchObject({ components: CLEANROOM_COMPONENTS, windowMinutes: 360, fitsWindow: true, plan: { totalMinutes: 250 } });
    expect((await put("admin", { components: null }, { "If-Match": `"${body.template.revision - 1}"` })).status).toBe(409);
    expect((await put("admin", { components: null }, { "If-Match": `"${body.template.revision}"` })).status).toBe(200);
    expect(await read()).toMatchObject({ components: null, plan: null });
    expect(await db.auditEvent.count({ where: { entityId: templateId, action: "template.plan" } })).toBe(2);
  });
});
