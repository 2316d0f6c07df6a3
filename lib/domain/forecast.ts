// A forecast of a patch day (issue 20 point 4): how a party slot or a template's window would
// roll out, worked out the way the engines start members (lib/rollout/party-engine.ts and
// engine.ts): in their order, a few at a time (effectiveConcurrency), the canary first and waited
// for (startAllowance), a cluster's nodes one at a time, nobody starting in the last minutes of
// the window (startCutoff). Each member takes what it usually takes: the median of its past
// successful executions, else its plan's expected downtime, else a stated default. Pure: times
// come in as arguments; assumes every member succeeds (a failure only ends a member sooner).
import { canarySize, effectiveConcurrency, startAllowance, type Safety } from "./rollout-safety";
import { planStartOrder, type PlanComponent, type PlannedMember, type PlanProgress } from "./upgrade-plan";

const MINUTE = 60_000;

/** Where a member's expected duration came from. */
export type EstimateSource = "history" | "plan" | "default";

/** Without history or a plan, a member is expected to take this share of the member timeout. */
export const DEFAULT_TIMEOUT_SHARE = 0.5;

/** How many of a server's most recent successful executions its median is taken over. */
export const HISTORY_RUNS = 10;

export type ForecastMember = {
  /** The resource's id (a party) or the template member's id. */
  id: string;
  name: string;
  /** The application it serves; null for a template member that is a whole cluster. */
  service: { id: string; name: string } | null;
  production: boolean;
  /** Nodes of one cluster go one at a time. */
  cluster: string | null;
  /** The median of its recent successful executions' durations, in minutes, over `runs` runs. */
  history: { medianMinutes: number; runs: number } | null;
  /** The plan's expected downtime for it (its component's), when a plan names it. */
  planMinutes: number | null;
  /** Where a template's plan places it (component, role, server type); ignored without a plan. */
  plan?: { component: string; serverType: string; role: "primary" | "secondary" | null };
};

export type ForecastWindow = {
  /** A party slot's group, or null for a template's window. */
  group: number | null;
  label: string;
  start: Date;
  end: Date;
  cutoffMinutes: number;
  memberTimeoutMinutes: number;
  safety: Pick<Safety, "concurrency" | "concurrencyPercent" | "canaryPercent">;
  /** In the order the engine takes them (parties: by name; templates: by member id). */
  members: ForecastMember[];
  /** What a share of concurrency is taken of, when not the members forecast (a template's: all its members). */
  concurrencyOf?: number;
  /** A template's ordered plan: members start component by component (planStartOrder). */
  plan?: PlanComponent[] | null;
};

/** The rollout settings a party's forecast assumes (its slots'). */
export type ForecastSettings = Pick<Safety, "concurrency" | "concurrencyPercent" | "canaryPercent"> & { cutoffMinutes: number; memberTimeoutMinutes: number };

export type Estimate = { minutes: number; source: EstimateSource; runs: number };

/** How long a member is expected to take, and why. */
export function estimate(member: Pick<ForecastMember, "history" | "planMinutes">, memberTimeoutMinutes: number): Estimate {
  if (member.history && member.history.runs > 0) return { minutes: member.history.medianMinutes, source: "history", runs: member.history.runs };
  if (member.planMinutes !== null) return { minutes: member.planMinutes, source: "plan", runs: 0 };
  return { minutes: memberTimeoutMinutes * DEFAULT_TIMEOUT_SHARE, source: "default", runs: 0 };
}

/** The median of some numbers (the mean of the middle two of an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Why a member would not be done inside its window. */
export type SpillReason = "not-started" | "overrun";

export type MemberForecast = Estimate & {
  id: string;
  name: string;
  service: { id: string; name: string } | null;
  production: boolean;
  canary: boolean;
  /** When it would start and finish if nothing stopped the rollout at the cutoff. */
  start: Date;
  finish: Date;
  /** null: starts before the cutoff and finishes before the end. */
  spill: SpillReason | null;
};

export type ServiceInWindow = { id: string; name: string; servers: number; wholeService: boolean };

/** How many spilled members a day's forecast names per window (the rest are counted). */
export const SPILL_SHOWN = 100;

/** What a day's forecast says of one window: bounded whatever its size (counts, and the first few named). */
export type WindowForecast = {
  group: number | null;
  label: string;
  start: Date;
  end: Date;
  /** No member starts at or after it. */
  cutoff: Date;
  concurrency: number;
  canary: number;
  /** When the last member would finish if none were held back by the cutoff; null without members. */
  expectedFinish: Date | null;
  /** Every member starts before the cutoff and finishes before the end. */
  fits: boolean;
  /** How many members it holds. */
  size: number;
  /** How many would not start before the cutoff, and how many would start but not finish by the end. */
  spill: { notStarted: number; overrun: number };
  /** The first SPILL_SHOWN of those, in the engine's order. */
  spillOver: MemberForecast[];
  estimates: Record<EstimateSource, number>;
  /** The services with servers in it; `wholeService`: every production server of the service is here. */
  services: ServiceInWindow[];
};

/** One window worked member by member (forecastWindow): every member's forecast, and every spilled one. */
export type WindowSchedule = Omit<WindowForecast, "spillOver"> & { members: MemberForecast[]; spillOver: MemberForecast[] };

export type ServiceDay = {
  id: string;
  name: string;
  /** Its servers patched during the day (started before their window's cutoff). */
  servers: number;
  /** Server-minutes down: the sum of its servers' expected durations. */
  downMinutes: number;
  /** Minutes during which at least one of its servers is down. */
  anyDownMinutes: number;
  /** Minutes during which every production server of it is down at once (0 unless all sit in one window). */
  allDownMinutes: number;
  /** The window holding every production server of it (its group, or its label), or null. */
  wholeServiceIn: number | string | null;
};

export type DayForecast = { windows: WindowForecast[]; services: ServiceDay[] };

/**
 * A day's forecast as a reader of these services sees it (an owner's teams', issue 21): the
 * schedule and its counts stay whole, the named servers and services are theirs only.
 */
export function forecastOfServices(day: Readonly<DayForecast>, services: ReadonlySet<string>): DayForecast {
  const held = (id: string | undefined) => id !== undefined && services.has(id);
  return {
    windows: day.windows.map((w) => ({ ...w, spillOver: w.spillOver.filter((m) => held(m.service?.id)), services: w.services.filter((s) => held(s.id)) })),
    services: day.services.filter((s) => held(s.id)),
  };
}

type Running = { index: number; finish: number };

/** A binary min-heap by `key`. */
class MinHeap<T> {
  private items: T[] = [];
  constructor(private readonly key: (item: T) => number) {}
  get size() {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(item: T) {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.key(a[parent]!) <= this.key(a[i]!)) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < a.length && this.key(a[l]!) < this.key(a[min]!)) min = l;
        if (r < a.length && this.key(a[r]!) < this.key(a[min]!)) min = r;
        if (min === i) break;
        [a[min], a[i]] = [a[i]!, a[min]!];
        i = min;
      }
    }
    return top;
  }
}

/**
 * When each member of one window would start and finish: the engine's order and limits in
 * continuous time (the engine ticks every few seconds; a tick's cap of starts is not modelled).
 */
export function forecastWindow(window: ForecastWindow): WindowSchedule {
  const members = window.members;
  const n = members.length;
  const estimates = members.map((m) => estimate(m, window.memberTimeoutMinutes));
  const concurrency = effectiveConcurrency(window.safety, window.concurrencyOf ?? n);
  const canary = canarySize(window.safety.canaryPercent, n);
  const cutoff = new Date(window.end.getTime() - window.cutoffMinutes * MINUTE);
  const starts = new Array<number>(n);
  const finishes = new Array<number>(n);
  const attempted = new Array<boolean>(n).fill(false);
  const inCanary = new Array<boolean>(n).fill(false);
  const busy = new Set<string>(); // clusters with a node in flight
  const running = new MinHeap<Running>((r) => r.finish);
  const plan = window.plan?.length ? window.plan : null;
  const progress: PlanProgress[] = new Array<PlanProgress>(n).fill("waiting");
  const planned: (PlannedMember & { index: number })[] = plan
    ? members.map((m, index) => ({
        index,
        name: m.name,
        component: m.plan?.component ?? "",
        serverType: m.plan?.serverType ?? "",
        cluster: m.cluster,
        role: m.plan?.role ?? null,
        progress: "waiting",
      }))
    : [];
  // planStartOrder answers names (the engine maps them back to members the same way).
  const indexByName = new Map(members.map((m, i) => [m.name, i]));
  // Without a plan, the engine takes members in order, skipping a cluster with a node in flight:
  // the servers outside clusters in order, and the first waiting node of each idle cluster.
  const standalone: number[] = [];
  const nodes = new Map<string, number[]>(); // a cluster's waiting nodes, in order
  members.forEach((m, i) => {
    if (!m.cluster) standalone.push(i);
    else if (nodes.has(m.cluster)) nodes.get(m.cluster)!.push(i);
    else nodes.set(m.cluster, [i]);
  });
  let nextStandalone = 0;
  const idleHeads = new MinHeap<number>((i) => i);
  for (const waiting of nodes.values()) idleHeads.push(waiting.shift()!);
  let tried = 0;
  let canaryPassed = canary === 0;
  let now = window.start.getTime();

  /** Up to `limit` members that may start now, in the engine's order. */
  const candidates = (limit: number): number[] => {
    const picked: number[] = [];
    if (plan) {
      const taken = new Set<string>();
      for (const p of planned) p.progress = progress[p.index]!;
      for (const name of planStartOrder(planned, plan)) {
        if (picked.length >= limit) break;
        const i = indexByName.get(name)!;
        const cluster = members[i]!.cluster;
        if (attempted[i] || (cluster && (busy.has(cluster) || taken.has(cluster)))) continue;
        if (cluster) taken.add(cluster);
        picked.push(i);
      }
      return picked;
    }
    while (picked.length < limit) {
      const single = standalone[nextStandalone] ?? Number.POSITIVE_INFINITY;
      const head = idleHeads.peek() ?? Number.POSITIVE_INFINITY;
      if (single === Number.POSITIVE_INFINITY && head === Number.POSITIVE_INFINITY) break;
      if (single < head) {
        picked.push(single);
        nextStandalone++;
      } else picked.push(idleHeads.pop()!);
    }
    return picked;
  };

  while (tried < n) {
    for (;;) {
      const free = Math.max(0, concurrency - running.size);
      const allowance = startAllowance({ canarySize: canary, canaryPassed, attempted: tried, inFlight: running.size, free });
      if (allowance.passCanary) canaryPassed = true;
      const batch = allowance.limit > 0 ? candidates(allowance.limit) : [];
      for (const i of batch) {
        attempted[i] = true;
        inCanary[i] = !canaryPassed;
        progress[i] = "running";
        starts[i] = now;
        finishes[i] = now + estimates[i]!.minutes * MINUTE;
        const cluster = members[i]!.cluster;
        if (cluster) busy.add(cluster);
        running.push({ index: i, finish: finishes[i]! });
      }
      tried += batch.length;
      if (batch.length === 0) break;
    }
    const next = running.peek();
    if (!next) break; // nothing in flight and nothing may start: cannot happen with these rules
    now = next.finish;
    while (running.peek() && running.peek()!.finish <= now) {
      const done = running.pop()!;
      progress[done.index] = "done";
      const cluster = members[done.index]!.cluster;
      if (cluster) {
        busy.delete(cluster);
        const following = nodes.get(cluster)?.shift();
        if (following !== undefined && !plan) idleHeads.push(following);
      }
    }
  }

  const end = window.end.getTime();
  let last = Number.NEGATIVE_INFINITY;
  for (const f of finishes) if (f !== undefined && f > last) last = f;
  const forecasts: MemberForecast[] = members.map((m, i) => {
    // One that never started (no concurrency at all) is put at the end of the window.
    const start = starts[i] ?? end;
    const finish = finishes[i] ?? end + estimates[i]!.minutes * MINUTE;
    return {
      ...estimates[i]!,
      id: m.id,
      name: m.name,
      service: m.service,
      production: m.production,
      canary: inCanary[i]!,
      start: new Date(start),
      finish: new Date(finish),
      spill: start >= cutoff.getTime() ? "not-started" : finish > end ? "overrun" : null,
    };
  });
  const spillOver = forecasts.filter((m) => m.spill !== null);
  const notStarted = spillOver.filter((m) => m.spill === "not-started").length;
  const counts: Record<EstimateSource, number> = { history: 0, plan: 0, default: 0 };
  for (const e of estimates) counts[e.source]++;
  const services = new Map<string, ServiceInWindow>();
  for (const m of members) {
    if (!m.service) continue;
    const s = services.get(m.service.id) ?? { id: m.service.id, name: m.service.name, servers: 0, wholeService: false };
    s.servers++;
    services.set(s.id, s);
  }
  return {
    group: window.group,
    label: window.label,
    start: window.start,
    end: window.end,
    cutoff,
    concurrency,
    canary,
    expectedFinish: last > Number.NEGATIVE_INFINITY ? new Date(last) : null,
    fits: spillOver.length === 0,
    size: n,
    spill: { notStarted, overrun: spillOver.length - notStarted },
    members: forecasts,
    spillOver,
    estimates: counts,
    services: [...services.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Total length of the union of some intervals [start, end) in ms. */
function unionLength(intervals: [number, number][]): number {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const [a, b] of sorted) {
    if (a > to) {
      if (to > from) total += to - from;
      [from, to] = [a, b];
    } else to = Math.max(to, b);
  }
  if (to > from) total += to - from;
  return total;
}

/** What a day does to one service, gathered window by window. */
type ServiceTally = {
  id: string;
  name: string;
  /** Its members by window (group or label), production ones only. */
  production: Map<number | string, number>;
  /** [start, finish) of each member that starts, in ms. */
  down: [number, number][];
  downMinutes: number;
  /** Its production members: how many do not start, the latest start and the earliest finish. */
  productionNotStarted: number;
  latestStart: number;
  earliestFinish: number;
};

/**
 * A day of windows (a party's slots, or a template's window) and what it means per service.
 * `productionServers`: how many production servers each service has in all (by service id,
 * excluded ones too: an excluded server stays up, so its service is never wholly down).
 * Bounded whatever the day's size: each window is worked and then kept as counts, its first
 * SPILL_SHOWN spilled members and its services; per service, only the intervals it is down.
 */
export function forecastDay(windows: ForecastWindow[], productionServers: ReadonlyMap<string, number>): DayForecast {
  const byService = new Map<string, ServiceTally>();
  const forecasts = windows.map((window): WindowForecast => {
    const { members, spillOver, ...schedule } = forecastWindow(window);
    const key = schedule.group ?? schedule.label;
    for (const m of members) {
      if (!m.service) continue;
      let s = byService.get(m.service.id);
      if (!s) {
        s = {
          id: m.service.id,
          name: m.service.name,
          production: new Map(),
          down: [],
          downMinutes: 0,
          productionNotStarted: 0,
          latestStart: Number.NEGATIVE_INFINITY,
          earliestFinish: Number.POSITIVE_INFINITY,
        };
        byService.set(s.id, s);
      }
      const start = m.start.getTime();
      const finish = m.finish.getTime();
      if (m.spill !== "not-started") {
        s.down.push([start, finish]);
        s.downMinutes += m.minutes;
      }
      if (m.production) {
        s.production.set(key, (s.production.get(key) ?? 0) + 1);
        if (m.spill === "not-started") s.productionNotStarted++;
        if (start > s.latestStart) s.latestStart = start;
        if (finish < s.earliestFinish) s.earliestFinish = finish;
      }
    }
    return { ...schedule, spillOver: spillOver.slice(0, SPILL_SHOWN) };
  });
  const wholeIn = (id: string): number | string | null => {
    const s = byService.get(id);
    const total = productionServers.get(id) ?? 0;
    if (!s || total === 0) return null;
    for (const [key, count] of s.production) if (count === total) return key;
    return null;
  };
  for (const w of forecasts) for (const s of w.services) s.wholeService = wholeIn(s.id) === (w.group ?? w.label);

  const services: ServiceDay[] = [...byService.values()].map((s) => {
    const whole = wholeIn(s.id);
    // Every production server down at once: only if all of them sit in one window and all start.
    const allDown = whole !== null && s.productionNotStarted === 0 ? Math.max(0, s.earliestFinish - s.latestStart) : 0;
    return {
      id: s.id,
      name: s.name,
      servers: s.down.length,
      downMinutes: round(s.downMinutes),
      anyDownMinutes: round(unionLength(s.down) / MINUTE),
      allDownMinutes: round(allDown / MINUTE),
      wholeServiceIn: whole,
    };
  });
  services.sort((a, b) => b.allDownMinutes - a.allDownMinutes || b.anyDownMinutes - a.anyDownMinutes || a.name.localeCompare(b.name));
  return { windows: forecasts, services };
}

/** Minutes to one decimal: estimates are not finer than that. */
const round = (minutes: number) => Math.round(minutes * 10) / 10;
