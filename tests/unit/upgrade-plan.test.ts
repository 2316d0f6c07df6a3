import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPlan, CLEANROOM_COMPONENTS, type PlanServer } from "@/lib/domain";

const fleet: PlanServer[] = [
  { name: "edge-gw-1", component: "gateways", serverType: "edge-gateway" },
  { name: "html5-gw-1", component: "gateways", serverType: "html5-gateway" },
  { name: "mc-primary", component: "controllers", serverType: "mediation-controller", cluster: "mc", role: "primary" },
  { name: "mc-secondary", component: "controllers", serverType: "mediation-controller", cluster: "mc", role: "secondary" },
  { name: "agent-rdp-1", component: "agents", serverType: "recording-agent" },
  { name: "agent-rdp-2", component: "agents", serverType: "recording-agent" },
  { name: "laptop-17", component: "clients", serverType: "client" },
  { name: "printer", component: "printers", serverType: "printer" },
];

describe("ordered upgrade plans", () => {
  it("clients, then agents, then controllers (one node at a time, secondary first), then gateways in parallel", () => {
    const plan = buildPlan(fleet, CLEANROOM_COMPONENTS);
    expect(plan.stages.map((s) => [s.component, s.startsAtMinute, s.minutes])).toEqual([
      ["clients", 0, 5],
      ["agents", 5, 5],
      ["controllers", 10, 120],
      ["gateways", 130, 60],
    ]);
    expect(plan.stages[2]!.lanes[0]!.steps.map((s) => s.servers)).toEqual([["mc-secondary"], ["mc-primary"]]);
    expect(plan.stages[3]!.lanes.map((l) => l.serverType)).toEqual(["edge-gateway", "html5-gateway"]); // side by side
    expect(plan.stages[1]!.lanes[0]!.steps).toEqual([{ servers: ["agent-rdp-1", "agent-rdp-2"], cluster: null, minutes: 5 }]);
    expect(plan.totalMinutes).toBe(190);
    expect(plan.unplanned).toEqual(["printer"]);
  });

  it("every server is planned once, components keep their order, and no cluster has two nodes down at once (property)", () => {
    const server = fc.record({
      component: fc.constantFrom("clients", "agents", "controllers", "gateways"),
      serverType: fc.constantFrom("a", "b", "c"),
      cluster: fc.option(fc.constantFrom("k1", "k2", "k3"), { nil: null }),
      role: fc.constantFrom("primary", "secondary", null),
    });
    fc.assert(
      fc.property(fc.array(server, { maxLength: 40 }), (specs) => {
        const servers = specs.map((s, i) => ({ ...s, name: `s${i}`, cluster: s.cluster ? `${s.component}-${s.serverType}-${s.cluster}` : null }));
        const plan = buildPlan(servers, CLEANROOM_COMPONENTS);
        const planned = plan.stages.flatMap((st) => st.lanes.flatMap((l) => l.steps.flatMap((s) => s.servers)));
        expect(planned.sort()).toEqual(servers.map((s) => s.name).sort());
        const order = plan.stages.map((s) => CLEANROOM_COMPONENTS.findIndex((c) => c.name === s.component));
        expect(order).toEqual([...order].sort((a, b) => a - b));
        for (const step of plan.stages.flatMap((st) => st.lanes.flatMap((l) => l.steps))) {
          const clusters = step.servers.map((n) => servers.find((s) => s.name === n)!.cluster).filter(Boolean);
          expect(new Set(clusters).size).toBe(clusters.length);
        }
        expect(plan.totalMinutes).toBe(plan.stages.reduce((sum, s) => sum + s.minutes, 0));
      }),
      { numRuns: 200 },
    );
  });
});
