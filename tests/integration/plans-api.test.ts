import { beforeEach, expect, it } from "vitest";
import { POST } from "@/app/api/v1/plans/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { makeFleet } from "./fixtures/fleet";

let token: string;
beforeEach(async () => {
  const f = await makeFleet();
  token = (await createApiToken(f.viewer.id, { name: "t", scope: "write", days: 90 }, { id: null, label: "t" })).secret;
});

const post = (body: unknown) =>
  POST(new Request("http://localhost/api/v1/plans", { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) }));

it("orders an upgrade plan over the API and refuses a bad one by name", async () => {
  const response = await post({
    components: [
      { name: "agents", downtimeMinutes: 5 },
      { name: "controllers", downtimeMinutes: 60 },
    ],
    servers: [
      { name: "c1", component: "controllers", serverType: "mc", cluster: "mc", role: "primary" },
      { name: "c2", component: "controllers", serverType: "mc", cluster: "mc", role: "secondary" },
      { name: "a1", component: "agents", serverType: "agent" },
    ],
  });
  expect(response.status).toBe(200);
  const plan = (await response.json()) as { stages: { component: string; lanes: { steps: { servers: string[] }[] }[] }[]; totalMinutes: number };
  expect(plan.stages.map((s) => s.component)).toEqual(["agents", "controllers"]);
  expect(plan.stages[1]!.lanes[0]!.steps.map((s) => s.servers)).toEqual([["c2"], ["c1"]]);
  expect(plan.totalMinutes).toBe(125);
  const bad = await post({ components: [], servers: [] });
  expect(bad.status).toBe(400);
  expect(await bad.json()).toEqual({ error: "components: Give at least one component." });
  expect(
    (await post({ components: [{ name: "a", downtimeMinutes: 1 }], servers: [{ name: "x", component: "a", serverType: "t", role: "leader" }] })).status,
  ).toBe(400);
});
