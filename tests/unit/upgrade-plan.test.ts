import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPlan, CLEANROOM_COMPONENTS, planStartOrder, type PlannedMember, type PlanProgress, type PlanServer } from "@/lib/domain";

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

describe("a rollout that follows a plan", () => {
  const at = (progress: Record<string, PlanProgress>): PlannedMember[] => fleet.map((s) => ({ ...s, progress: progress[s.name] ?? "waiting" }));
  const done = (...names: string[]) => Object.fromEntries(names.map((n) => [n, "done" as const]));

  it("starts only the earliest component with work left, members outside the plan last", () => {
    expect(planStartOrder(at({}), CLEANROOM_COMPONENTS)).toEqual(["laptop-17"]);
    expect(planStartOrder(at({ "laptop-17": "running" }), CLEANROOM_COMPONENTS)).toEqual([]); // agents wait for the clients
    expect(planStartOrder(at(done("laptop-17")), CLEANROOM_COMPONENTS)).toEqual(["agent-rdp-1", "agent-rdp-2"]);
    expect(
      planStartOrder(at(done("laptop-17", "agent-rdp-1", "agent-rdp-2", "mc-primary", "mc-secondary", "edge-gw-1", "html5-gw-1")), CLEANROOM_COMPONENTS),
    ).toEqual(["printer"]);
    expect(planStartOrder(at(done(...fleet.map((s) => s.name))), CLEANROOM_COMPONENTS)).toEqual([]);
  });

  it("upgrades a cluster one node at a time, secondary first, and independent server types side by side", () => {
    const before = done("laptop-17", "agent-rdp-1", "agent-rdp-2");
    expect(planStartOrder(at(before), CLEANROOM_COMPONENTS)).toEqual(["mc-secondary"]);
    expect(planStartOrder(at({ ...before, "mc-secondary": "running" }), CLEANROOM_COMPONENTS)).toEqual([]);
    expect(planStartOrder(at({ ...before, "mc-secondary": "done" }), CLEANROOM_COMPONENTS)).toEqual(["mc-primary"]);
    expect(planStartOrder(at({ ...before, ...done("mc-secondary", "mc-primary") }), CLEANROOM_COMPONENTS)).toEqual(["edge-gw-1", "html5-gw-1"]);
  });

  it("property: following the order, no cluster ever has two nodes running and no component starts before the earlier ones are done", () => {
    const server = fc.record({
      name: fc.string({ minLength: 1, maxLength: 6 }),
      component: fc.constantFrom("clients", "agents", "controllers", "gateways", "other"),
      serverType: fc.constantFrom("a", "b"),
      cluster: fc.option(fc.constantFrom("c1", "c2"), { nil: null }),
      role: fc.option(fc.constantFrom("primary" as const, "secondary" as const), { nil: null }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(server, { selector: (s) => s.name, maxLength: 25 }), fc.integer({ min: 1, max: 5 }), (servers, concurrency) => {
        const state = new Map(servers.map((s) => [s.name, "waiting" as PlanProgress]));
        const order = CLEANROOM_COMPONENTS.map((c) => c.name);
        const stage = (s: PlanServer) => (order.includes(s.component) ? order.indexOf(s.component) : order.length);
        for (let round = 0; round < 200 && [...state.values()].some((p) => p !== "done"); round++) {
          const members = servers.map((s) => ({ ...s, progress: state.get(s.name)! }));
          const running = members.filter((m) => m.progress === "running").length;
          for (const name of planStartOrder(members, CLEANROOM_COMPONENTS).slice(0, Math.max(0, concurrency - running))) state.set(name, "running");
          const now = servers.map((s) => ({ ...s, progress: state.get(s.name)! }));
          for (const c of ["c1", "c2"]) expect(now.filter((m) => m.cluster === c && m.progress === "running").length).toBeLessThanOrEqual(1);
          const active = now.filter((m) => m.progress === "running").map(stage);
          if (active.length) for (const m of now.filter((m) => stage(m) < Math.min(...active))) expect(m.progress).toBe("done");
          // Each round, what ran finishes.
          for (const m of now) if (m.progress === "running") state.set(m.name, "done");
        }
        expect([...state.values()].every((p) => p === "done")).toBe(true);
      }),
    );
  });
});
