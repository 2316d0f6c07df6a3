// Ordered upgrade plans (seeds/004): components in order (clients, then agents, then controllers,
// then gateways); within a component, independent server types run in parallel; a cluster is
// upgraded one node at a time, secondary first; standalone servers of a type go together.
// Each step has an expected downtime; the plan's window is the sum of its stages' longest lanes.

export type PlanServer = { name: string; component: string; serverType: string; cluster?: string | null; role?: "primary" | "secondary" | null };
export type PlanComponent = { name: string; downtimeMinutes: number };

/** `others`: servers of the step the reader may not see (planSeenBy), counted, not named. */
export type PlanStep = { servers: string[]; cluster: string | null; minutes: number; others?: number };
export type PlanLane = { serverType: string; steps: PlanStep[]; minutes: number };
export type PlanStage = { component: string; lanes: PlanLane[]; startsAtMinute: number; minutes: number };
export type UpgradePlan = { stages: PlanStage[]; totalMinutes: number; unplanned: string[] };

const roleRank = (role?: string | null) => (role === "secondary" ? 0 : role === "primary" ? 2 : 1);

export function buildPlan(servers: PlanServer[], components: PlanComponent[]): UpgradePlan {
  const known = new Map(components.map((c) => [c.name, c]));
  const unplanned = servers
    .filter((s) => !known.has(s.component))
    .map((s) => s.name)
    .sort();
  const stages: PlanStage[] = [];
  let clock = 0;
  for (const component of components) {
    const members = servers.filter((s) => s.component === component.name);
    if (members.length === 0) continue;
    const types = [...new Set(members.map((s) => s.serverType))].sort();
    const lanes = types.map((serverType): PlanLane => {
      const ofType = members.filter((s) => s.serverType === serverType);
      const standalone = ofType
        .filter((s) => !s.cluster)
        .map((s) => s.name)
        .sort();
      const clusters = [...new Set(ofType.filter((s) => s.cluster).map((s) => s.cluster!))].sort();
      const steps: PlanStep[] = [];
      if (standalone.length) steps.push({ servers: standalone, cluster: null, minutes: component.downtimeMinutes });
      // Clusters of one type are upgraded side by side, each one node at a time, secondary first.
      const byCluster = clusters.map((c) =>
        ofType.filter((s) => s.cluster === c).sort((a, b) => roleRank(a.role) - roleRank(b.role) || a.name.localeCompare(b.name)),
      );
      const rounds = Math.max(0, ...byCluster.map((nodes) => nodes.length));
      for (let round = 0; round < rounds; round++) {
        const nodes = byCluster.map((n) => n[round]).filter((n): n is PlanServer => Boolean(n));
        steps.push({
          servers: nodes.map((n) => n.name),
          cluster: clusters.length === 1 ? clusters[0]! : `${nodes.length} clusters`,
          minutes: component.downtimeMinutes,
        });
      }
      // Standalone servers go alongside the first cluster round.
      const minutes = Math.max(standalone.length ? component.downtimeMinutes : 0, rounds * component.downtimeMinutes);
      return { serverType, steps, minutes };
    });
    const minutes = Math.max(...lanes.map((l) => l.minutes));
    stages.push({ component: component.name, lanes, startsAtMinute: clock, minutes });
    clock += minutes;
  }
  return { stages, totalMinutes: clock, unplanned };
}

/** How a step names a cluster none of whose nodes the reader may see. */
export const OTHER_TEAMS_CLUSTER = "other teams' cluster";

/**
 * The plan as a reader sees it (issue 21): the servers `readable` says they may see, by name; the
 * others of each step only counted. A cluster none of whose nodes they see is not named. Stages and minutes stay the whole template's: the window is shared.
 */
export function planSeenBy(plan: UpgradePlan, readable: (name: string) => boolean): UpgradePlan {
  const steps = plan.stages.flatMap((stage) => stage.lanes.flatMap((lane) => lane.steps));
  const seenClusters = new Set(steps.filter((step) => step.cluster && step.servers.some(readable)).map((step) => step.cluster));
  return {
    ...plan,
    unplanned: plan.unplanned.filter(readable),
    stages: plan.stages.map((stage) => ({
      ...stage,
      lanes: stage.lanes.map((lane) => ({
        ...lane,
        steps: lane.steps.map((step) => {
          const servers = step.servers.filter(readable);
          const others = step.servers.length - servers.length;
          if (others === 0) return step;
          return { ...step, servers, others, cluster: step.cluster && !seenClusters.has(step.cluster) ? OTHER_TEAMS_CLUSTER : step.cluster };
        }),
      })),
    })),
  };
}

/** The order seeds/004 recommends, with its expected downtimes. */
export const CLEANROOM_COMPONENTS: PlanComponent[] = [
  { name: "clients", downtimeMinutes: 5 },
  { name: "agents", downtimeMinutes: 5 },
  { name: "controllers", downtimeMinutes: 60 },
  { name: "gateways", downtimeMinutes: 60 },
];

/** The resource tag that puts a template member into a plan's component: `component:controllers`. */
export const COMPONENT_TAG = "component:";
export const componentOf = (tags: string[]) => tags.find((t) => t.startsWith(COMPONENT_TAG))?.slice(COMPONENT_TAG.length) ?? null;

/** Where a member stands in the current run: done (on target, or tried and finished), running, or waiting. */
export type PlanProgress = "done" | "running" | "waiting";
export type PlannedMember = PlanServer & { progress: PlanProgress };

/**
 * The members a rollout that follows a plan may start now, in order: only the earliest
 * component with work left (members outside the plan come last); in it every standalone
 * server, and of each cluster one node at a time, secondary first, none while a node of it runs.
 */
export function planStartOrder(members: PlannedMember[], components: PlanComponent[]): string[] {
  const rank = new Map(components.map((c, i) => [c.name, i]));
  const stageOf = (m: PlannedMember) => rank.get(m.component) ?? components.length;
  const open = members.filter((m) => m.progress !== "done");
  if (open.length === 0) return [];
  const stage = Math.min(...open.map(stageOf));
  const current = open.filter((m) => stageOf(m) === stage);
  const standalone = current
    .filter((m) => !m.cluster && m.progress === "waiting")
    .map((m) => m.name)
    .sort();
  const clusters = [...new Set(current.filter((m) => m.cluster).map((m) => m.cluster!))].sort();
  const nextNodes = clusters.flatMap((cluster) => {
    const nodes = current.filter((m) => m.cluster === cluster);
    if (nodes.some((n) => n.progress === "running")) return [];
    const next = nodes.sort((a, b) => roleRank(a.role) - roleRank(b.role) || a.name.localeCompare(b.name))[0];
    return next ? [next.name] : [];
  });
  return [...nextNodes, ...standalone];
}
