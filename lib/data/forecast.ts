// The forecast of a patch day (issue 20 point 4): what lib/domain/forecast.ts needs for a party
// (its slots, their included resources, the rule's slot rollout) or a template (its next window,
// its members, its plan), each server's recent durations joined to it (recentDuration).
import "server-only";
import { expressionBuilder, sql, type Expression, type ExpressionBuilder } from "kysely";
import { db, execute, qb } from "../db";
import type { TeamScope } from "../auth/permissions";
import type { DB } from "../database/generated/kysely";
import { componentOf, nextWindows, UPGRADE_WINDOW_LOOKAHEAD, upgradeWindow, type CalendarParty, type PartyKind, type PlanComponent } from "../domain";
import { partyForecasts } from "../cache/stores";
import type { Frozen } from "../cache/store";
import {
  forecastDay,
  forecastOfServices,
  HISTORY_RUNS,
  type DayForecast,
  type ForecastMember,
  type ForecastSettings,
  type ForecastWindow,
} from "../domain/forecast";
import { getParty, environmentOf } from "./party-detail";
import { storedSchedules } from "./policies";
import { getSlotExecution, getSlotRollout } from "./slot-rollout";
import { TEMPLATE_SETTINGS } from "./templates";
import { storedPlan, UNPLANNED } from "./upgrade-plans";

/**
 * A resource's recent duration as a lateral join (`median`, `runs` per row of the outer query):
 * the median (minutes) of its last HISTORY_RUNS successful executions; a server without a
 * successful execution falls back to its patch history (PatchOutcome, PATCHED: a party slot's
 * attempt, from its start to its recorded finish), which also holds the patch days from before
 * executors recorded executions. Per resource: its executions (by the resource's index) and its
 * newest outcomes (an index scan newest first, only when it has no successful execution), not a
 * pass over the whole history.
 */
function recentDuration(resourceId: Expression<string | null>) {
  const eb = expressionBuilder<DB>();
  const succeeded = (e: ExpressionBuilder<DB, "Execution">) =>
    e.and([e("resourceId", "=", resourceId), e("state", "=", "SUCCEEDED"), e("startedAt", "is not", null), e("finishedAt", "is not", null)]);
  const minutes = (from: "startedAt", to: "finishedAt") => sql<number>`extract(epoch from ${sql.ref(to)} - ${sql.ref(from)})::float8 / 60`;
  const executions = eb
    .selectFrom("Execution")
    .select(minutes("startedAt", "finishedAt").as("minutes"))
    .where(succeeded)
    .orderBy((e) => e.fn.coalesce("finishedAt", "createdAt"), "desc")
    .limit(HISTORY_RUNS)
    .as("e");
  const outcomes = eb
    .selectFrom("PatchOutcome")
    .select(minutes("startedAt", "finishedAt").as("minutes"))
    .where("resourceId", "=", resourceId)
    .where("status", "=", "PATCHED")
    .where((o) => o.not(o.exists(o.selectFrom("Execution").select(sql.lit(1).as("one")).where(succeeded))))
    .orderBy("finishedAt", "desc")
    .limit(HISTORY_RUNS)
    .as("o");
  return eb
    .selectFrom(eb.selectFrom(executions).select("e.minutes").unionAll(eb.selectFrom(outcomes).select("o.minutes")).as("u"))
    .select((u) => [
      sql<number | null>`percentile_cont(0.5) within group (order by ${u.ref("u.minutes")})`.as("median"),
      u.cast<number>(u.fn.countAll(), "integer").as("runs"),
    ]);
}

const historyOf = (r: { median: number | null; runs: number }) => (r.median !== null && r.runs > 0 ? { medianMinutes: r.median, runs: r.runs } : null);

/** How many production servers each service has (excluded ones too), for the services named. */
async function productionServers(serviceIds: string[]): Promise<Map<string, number>> {
  if (serviceIds.length === 0) return new Map();
  const rows = await execute(
    qb
      .selectFrom("Resource")
      .select((eb) => ["serviceId", eb.cast<number>(eb.fn.countAll(), "integer").as("n")])
      .where("environment", "=", "PRODUCTION")
      .where((eb) => eb("serviceId", "=", eb.fn.any(eb.val(serviceIds))))
      .groupBy("serviceId"),
  );
  return new Map(rows.map((r) => [r.serviceId, r.n]));
}

/** The plans of the templates named, by template id (a party's servers take their template's plan downtime). */
async function plansOf(templateIds: string[]): Promise<Map<string, PlanComponent[]>> {
  if (templateIds.length === 0) return new Map();
  const rows = await db.template.findMany({ where: { id: { in: templateIds } }, select: { id: true, planComponents: true } });
  return new Map(rows.flatMap((t) => (storedPlan(t.planComponents) ? [[t.id, storedPlan(t.planComponents)!] as const] : [])));
}

const planDowntime = (plan: PlanComponent[] | undefined, tags: string[] | null) => {
  const component = componentOf(tags ?? []);
  return component ? (plan?.find((c) => c.name === component)?.downtimeMinutes ?? null) : null;
};

export type PartyForecast = {
  party: Pick<CalendarParty, "tag" | "kind" | "status" | "startsAt" | "endsAt">;
  settings: Frozen<ForecastSettings>;
  day: Frozen<DayForecast>;
};

/**
 * A party's forecast, slot by slot, from its included resources as they are now; null for an
 * unknown party. Kept by each process until something it reads changes (partyForecasts).
 */
export async function getPartyForecast(tag: string, kind: PartyKind, teams: TeamScope): Promise<PartyForecast | null> {
  const party = await getParty(tag, kind);
  if (!party) return null;
  const { settings, day } = await partyForecasts.read(() => workOutPartyForecast(tag, kind), `${tag}/${kind}`);
  return {
    party: { tag: party.tag, kind: party.kind, status: party.status, startsAt: party.startsAt, endsAt: party.endsAt },
    settings,
    day: await forecastFor(day, teams),
  };
}

/** The forecast as a reader of `teams` (`readableTeams`; null: all) sees it: the servers and services it names are their teams'. */
async function forecastFor(day: Frozen<DayForecast>, teams: TeamScope): Promise<Frozen<DayForecast>> {
  if (teams === null) return day;
  const services = teams.length ? await db.service.findMany({ where: { teamId: { in: [...teams] } }, select: { id: true } }) : [];
  // Read only: forecastOfServices builds new objects and changes none of the kept ones.
  return forecastOfServices(day as DayForecast, new Set(services.map((s) => s.id)));
}

/**
 * The forecast as kept: its slots are read here, after the store has read the token, so a change
 * to them that races this read is kept under the token from before it (which has moved).
 */
async function workOutPartyForecast(tag: string, kind: PartyKind): Promise<{ settings: ForecastSettings; day: DayForecast }> {
  const slots = (await getParty(tag, kind))?.slots ?? [];
  const environment = environmentOf(kind);
  const groups = slots.map((s) => s.group);
  const [safety, execution, resources] = await Promise.all([
    getSlotRollout(),
    getSlotExecution(),
    execute(
      qb
        .selectFrom("Resource as r")
        .innerJoin("Service as s", "s.id", "r.serviceId")
        .innerJoinLateral(
          (eb) => recentDuration(eb.ref("r.id")).as("d"),
          (join) => join.onTrue(),
        )
        .select((eb) => [
          "d.median",
          "d.runs",
          "r.id",
          "r.name",
          "r.patchGroup",
          "r.clusterId",
          "r.tags",
          "s.id as serviceId",
          "s.name as serviceName",
          // A template with a plan that the server belongs to: its component's downtime is the estimate without history.
          eb
            .selectFrom("TemplateMember as m")
            .innerJoin("Template as t", "t.id", "m.templateId")
            .select("t.id")
            .whereRef("m.resourceId", "=", "r.id")
            .where("t.planComponents", "is not", null)
            .orderBy("t.name")
            .limit(1)
            .as("planTemplateId"),
        ])
        .where("r.environment", "=", environment)
        .where((eb) => eb.not(eb.ref("r.excluded")))
        .where((eb) => eb("r.patchGroup", "=", eb.fn.any(eb.val(groups))))
        // The party engine starts a slot's resources by name.
        .orderBy("r.name"),
    ),
  ]);
  const [plans, totals] = await Promise.all([
    plansOf([...new Set(resources.flatMap((r) => (r.planTemplateId ? [r.planTemplateId] : [])))]),
    kind === "production" ? productionServers([...new Set(resources.map((r) => r.serviceId))]) : Promise.resolve(new Map<string, number>()),
  ]);
  const windows: ForecastWindow[] = slots.map((slot) => ({
    group: slot.group,
    label: `Group ${slot.group}`,
    start: slot.startsAt,
    end: slot.endsAt,
    cutoffMinutes: execution.cutoffMinutes,
    memberTimeoutMinutes: execution.memberTimeoutMinutes,
    safety,
    members: resources
      .filter((r) => r.patchGroup === slot.group)
      .map((r): ForecastMember => ({
        id: r.id,
        name: r.name,
        service: { id: r.serviceId, name: r.serviceName },
        production: kind === "production",
        cluster: r.clusterId,
        history: historyOf(r),
        planMinutes: r.planTemplateId ? planDowntime(plans.get(r.planTemplateId), r.tags) : null,
      })),
  }));
  return {
    settings: {
      concurrency: safety.concurrency,
      concurrencyPercent: safety.concurrencyPercent,
      canaryPercent: safety.canaryPercent,
      cutoffMinutes: execution.cutoffMinutes,
      memberTimeoutMinutes: execution.memberTimeoutMinutes,
    },
    day: forecastDay(windows, totals),
  };
}

export type TemplateForecast = {
  /** Which members it forecasts: those behind the target, or (all on target) every member as a next upgrade would. */
  scope: "behind-target" | "all-members";
  window: { scheduleName: string; start: Date; end: Date } | null;
  day: DayForecast;
};

/** A template's forecast for the window its upgrade runs in (or its next window); null for an unknown template. */
export async function getTemplateForecast(id: string, now: Date, teams: TeamScope): Promise<TemplateForecast | null> {
  const template = await db.template.findUnique({ where: { id }, select: TEMPLATE_SETTINGS });
  if (!template) return null;
  const [runs, rows] = await Promise.all([
    template.state === "IN_SYNC"
      ? Promise.resolve([])
      : db.upgradeRun.findMany({ where: { templateId: id, version: template.targetVersion }, select: { version: true, windowStart: true, state: true } }),
    execute(
      qb
        .selectFrom("TemplateMember as m")
        .leftJoin("Resource as r", "r.id", "m.resourceId")
        .leftJoin("Service as s", "s.id", "r.serviceId")
        .leftJoin("Cluster as rc", "rc.id", "r.clusterId")
        .leftJoin("Cluster as c", "c.id", "m.clusterId")
        .innerJoinLateral(
          (eb) => recentDuration(eb.ref("m.resourceId")).as("d"),
          (join) => join.onTrue(),
        )
        .select((eb) => [
          "d.median",
          "d.runs",
          "m.id",
          // As the plan names members (lib/data/upgrade-plans.ts planMembers): a whole cluster as such.
          eb.fn.coalesce("r.name", eb("c.name", "||", " (cluster)"), "m.id").as("name"),
          "r.id as resourceId",
          "r.environment",
          "r.tags",
          "r.kind",
          "r.clusterRole as role",
          "rc.name as cluster",
          "s.id as serviceId",
          "s.name as serviceName",
          "m.currentVersion",
        ])
        .where("m.templateId", "=", id)
        // The engine starts members by id when no plan orders them.
        .orderBy("m.id"),
    ),
  ]);
  const windows = nextWindows(storedSchedules(template.policy), now, UPGRADE_WINDOW_LOOKAHEAD);
  const window =
    template.state === "IN_SYNC" ? (windows[0] ?? null) : upgradeWindow(windows, { version: template.targetVersion, setAt: template.targetSetAt }, runs);
  const behind = rows.filter((r) => r.currentVersion !== template.targetVersion);
  const scope = behind.length ? "behind-target" : "all-members";
  const plan = storedPlan(template.planComponents);
  const members = (behind.length ? behind : rows).map((r): ForecastMember => {
    const component = componentOf(r.tags ?? []) ?? UNPLANNED;
    return {
      id: r.id,
      name: r.name,
      service: r.serviceId && r.serviceName ? { id: r.serviceId, name: r.serviceName } : null,
      production: r.environment === "PRODUCTION",
      cluster: r.cluster,
      history: historyOf(r),
      planMinutes: plan?.find((c) => c.name === component)?.downtimeMinutes ?? null,
      plan: {
        component,
        serverType: r.serviceName ?? (r.kind ? r.kind.toLowerCase().replace(/_/g, " ") : "cluster"),
        role: r.role === "primary" || r.role === "secondary" ? r.role : null,
      },
    };
  });
  if (!window) return { scope, window: null, day: { windows: [], services: [] } };
  const totals = await productionServers([...new Set(members.flatMap((m) => (m.service ? [m.service.id] : [])))]);
  const day = forecastDay(
    [
      {
        group: null,
        label: window.scheduleName,
        start: window.start,
        end: window.end,
        cutoffMinutes: template.cutoffMinutes,
        memberTimeoutMinutes: template.memberTimeoutMinutes,
        safety: template,
        concurrencyOf: rows.length,
        members,
        plan,
      },
    ],
    totals,
  );
  return { scope, window: { scheduleName: window.scheduleName, start: window.start, end: window.end }, day: (await forecastFor(day, teams)) as DayForecast };
}
