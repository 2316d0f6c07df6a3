// The forecast of a patch day (issue 20 point 4): what lib/domain/forecast.ts needs for a party
// (its slots, their included resources, the rule's slot rollout) or a template (its next window,
// its members, its plan), each server's recent durations read in one aggregate for all members.
import "server-only";
import type { Environment } from "@prisma/client";
import { sql } from "kysely";
import { db, execute, qb } from "../db";
import { componentOf, nextWindows, UPGRADE_WINDOW_LOOKAHEAD, upgradeWindow, type CalendarParty, type PartyKind, type PlanComponent } from "../domain";
import { forecastDay, HISTORY_RUNS, type DayForecast, type ForecastMember, type ForecastWindow } from "../domain/forecast";
import { getParty, environmentOf } from "./party-detail";
import { storedSchedules } from "./policies";
import { getSlotExecution, getSlotRollout } from "./slot-rollout";
import { TEMPLATE_SETTINGS } from "./templates";
import { storedPlan, UNPLANNED } from "./upgrade-plans";

type Durations = Map<string, { medianMinutes: number; runs: number }>;

/**
 * The median duration (minutes) of each resource's last HISTORY_RUNS successful executions, for
 * the resources `resources` selects: one statement, grouped by resource. A server without a
 * successful execution falls back to its patch history (PatchOutcome, PATCHED: a party slot's
 * attempt, from its start to its recorded finish), which also holds the patch days from before
 * executors recorded executions.
 */
async function recentDurations(resources: "party" | "template", v: { environment: Environment; templateId: string }): Promise<Durations> {
  const rows = await execute(
    qb
      .selectFrom((eb) => {
        const members =
          resources === "party"
            ? eb
                .selectFrom("Resource as r")
                .select("r.id")
                .where("r.environment", "=", v.environment)
                .where((eb) => eb.not(eb.ref("r.excluded")))
            : eb.selectFrom("TemplateMember as m").select("m.resourceId").where("m.templateId", "=", v.templateId).where("m.resourceId", "is not", null);
        const runs = eb
          .selectFrom("Execution as e")
          .select((eb) => [
            eb.fn.coalesce("e.resourceId", sql.lit("")).as("resourceId"),
            sql<number>`extract(epoch from ${eb.ref("e.finishedAt")} - ${eb.ref("e.startedAt")})::float8 / 60`.as("minutes"),
            eb.fn.coalesce("e.finishedAt", "e.createdAt").as("finishedAt"),
            sql.lit(0).as("source"),
          ])
          .where("e.state", "=", "SUCCEEDED")
          .where("e.startedAt", "is not", null)
          .where("e.finishedAt", "is not", null)
          .where("e.resourceId", "in", members)
          .unionAll(
            eb
              .selectFrom("PatchOutcome as o")
              .select((eb) => [
                "o.resourceId",
                sql<number>`extract(epoch from ${eb.ref("o.finishedAt")} - ${eb.ref("o.startedAt")})::float8 / 60`.as("minutes"),
                "o.finishedAt",
                sql.lit(1).as("source"),
              ])
              .where("o.status", "=", "PATCHED")
              .where("o.resourceId", "in", members),
          )
          .as("u");
        return eb
          .selectFrom(runs)
          .select((eb) => [
            "u.resourceId",
            "u.minutes",
            "u.source",
            // Executions first, newest first; only the best source a server has counts.
            eb.fn
              .agg<number>("row_number", [])
              .over((ob) => ob.partitionBy("u.resourceId").orderBy("u.source").orderBy("u.finishedAt", "desc"))
              .as("n"),
            eb.fn
              .min("u.source")
              .over((ob) => ob.partitionBy("u.resourceId"))
              .as("best"),
          ])
          .as("d");
      })
      .select((eb) => [
        "d.resourceId",
        sql<number>`percentile_cont(0.5) within group (order by ${eb.ref("d.minutes")})`.as("median"),
        eb.cast<number>(eb.fn.countAll(), "integer").as("runs"),
      ])
      .where("d.n", "<=", HISTORY_RUNS)
      .whereRef("d.source", "=", "d.best")
      .groupBy("d.resourceId"),
  );
  return new Map(rows.map((r) => [r.resourceId, { medianMinutes: r.median, runs: r.runs }]));
}

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
  settings: { concurrency: number; concurrencyPercent: number | null; canaryPercent: number; cutoffMinutes: number; memberTimeoutMinutes: number };
  day: DayForecast;
};

/** A party's forecast, slot by slot, from its included resources as they are now; null for an unknown party. */
export async function getPartyForecast(tag: string, kind: PartyKind): Promise<PartyForecast | null> {
  const party = await getParty(tag, kind);
  if (!party) return null;
  const environment = environmentOf(kind);
  const groups = party.slots.map((s) => s.group);
  const [safety, execution, durations, resources] = await Promise.all([
    getSlotRollout(),
    getSlotExecution(),
    recentDurations("party", { environment, templateId: "" }),
    execute(
      qb
        .selectFrom("Resource as r")
        .innerJoin("Service as s", "s.id", "r.serviceId")
        .select((eb) => [
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
  const windows: ForecastWindow[] = party.slots.map((slot) => ({
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
        history: durations.get(r.id) ?? null,
        planMinutes: r.planTemplateId ? planDowntime(plans.get(r.planTemplateId), r.tags) : null,
      })),
  }));
  return {
    party: { tag: party.tag, kind: party.kind, status: party.status, startsAt: party.startsAt, endsAt: party.endsAt },
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
export async function getTemplateForecast(id: string, now: Date): Promise<TemplateForecast | null> {
  const template = await db.template.findUnique({ where: { id }, select: TEMPLATE_SETTINGS });
  if (!template) return null;
  const [runs, durations, rows] = await Promise.all([
    template.state === "IN_SYNC"
      ? Promise.resolve([])
      : db.upgradeRun.findMany({ where: { templateId: id, version: template.targetVersion }, select: { version: true, windowStart: true, state: true } }),
    recentDurations("template", { environment: "PRODUCTION", templateId: id }),
    execute(
      qb
        .selectFrom("TemplateMember as m")
        .leftJoin("Resource as r", "r.id", "m.resourceId")
        .leftJoin("Service as s", "s.id", "r.serviceId")
        .leftJoin("Cluster as rc", "rc.id", "r.clusterId")
        .leftJoin("Cluster as c", "c.id", "m.clusterId")
        .select((eb) => [
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
      history: r.resourceId ? (durations.get(r.resourceId) ?? null) : null,
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
  return { scope, window: { scheduleName: window.scheduleName, start: window.start, end: window.end }, day };
}
