// A fleet template's ordered upgrade plan (seeds/004): components in order with their expected
// downtime. Members join a component by their resource's "component:<name>" tag; their server
// type is the service they serve; cluster nodes go one at a time, secondary first. The rollout
// engine starts members in this order; the plan page shows it with the expected window.
import "server-only";
import { Prisma } from "@prisma/client";
import { can, type CurrentUser, type TeamScope } from "../auth/permissions";
import { db, execute, qb } from "../db";
import { buildPlan, componentOf, nextWindows, planSeenBy, type PlanComponent, type PlannedMember, type PlanProgress, type UpgradePlan } from "../domain";
import { PlanComponentsSchema } from "../validation/plans";
import { recordAudit } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";
import { storedSchedules } from "./policies";
import { heldByTeams } from "./team-scope";

type Tx = Prisma.TransactionClient;

/** The component name of members outside the plan: they are upgraded after every component. */
export const UNPLANNED = "not in the plan";

/** The stored plan, or null when the template has none. */
export function storedPlan(json: Prisma.JsonValue | null): PlanComponent[] | null {
  if (json === null) return null;
  const parsed = PlanComponentsSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export type PlanMemberRow = PlannedMember & { id: string; currentVersion: string; state: string; isResource: boolean; readable: boolean };

/**
 * Every member of a template as the planner sees it, with where it stands for `version` in the
 * run `runId` (one query; a fleet of a few thousand members is a few thousand small rows), and
 * whether `teams` hold it (`readable`: a server of theirs, a cluster with a node of theirs).
 */
export async function planMembers(client: Tx, templateId: string, version: string, runId: string | null, teams: TeamScope = null): Promise<PlanMemberRow[]> {
  const rows = await execute(
    qb
      .selectFrom("TemplateMember as m")
      .leftJoin("Resource as r", "r.id", "m.resourceId")
      .leftJoin("Service as s", "s.id", "r.serviceId")
      .leftJoin("Cluster as rc", "rc.id", "r.clusterId")
      .leftJoin("Cluster as c", "c.id", "m.clusterId")
      .leftJoin("UpgradeAttempt as a", (join) => join.on("a.runId", "=", runId).onRef("a.memberId", "=", "m.id"))
      .select((eb) => [
        "m.id",
        // A whole cluster is named as such: a resource may have the same name.
        eb.fn.coalesce("r.name", eb("c.name", "||", " (cluster)"), "m.id").as("name"),
        "r.tags",
        "r.kind",
        "s.name as service",
        "rc.name as cluster",
        "r.clusterRole as role",
        "m.currentVersion",
        "m.state",
        "a.status as attempt",
        heldByTeams(teams, eb.ref("m.resourceId"), eb.ref("m.clusterId")).as("readable"),
      ])
      .where("m.templateId", "=", templateId)
      .orderBy("name"),
    client,
  );
  return rows.map((r) => {
    const progress: PlanProgress = r.attempt === "RUNNING" ? "running" : r.attempt || r.currentVersion === version ? "done" : "waiting";
    return {
      id: r.id,
      name: r.name,
      component: componentOf(r.tags ?? []) ?? UNPLANNED,
      serverType: r.service ?? (r.kind ? r.kind.toLowerCase().replace(/_/g, " ") : "cluster"),
      cluster: r.cluster,
      role: r.role === "primary" || r.role === "secondary" ? r.role : null,
      progress,
      currentVersion: r.currentVersion,
      state: r.state,
      isResource: r.kind !== null,
      readable: Boolean(r.readable),
    };
  });
}

export type TemplatePlan = {
  template: { id: string; name: string; targetVersion: string; revision: number; policy: { id: string; name: string } };
  components: PlanComponent[] | null;
  plan: UpgradePlan | null;
  /** Member state by name, for the steps. */
  members: Record<string, { state: string; currentVersion: string; isResource: boolean }>;
  /** The length of the policy's next window, to compare the plan's total against. */
  windowMinutes: number | null;
};

/** A template's plan as a reader whose teams are `teams` (`readableTeams`) sees it: only their servers named (planSeenBy). */
export async function getTemplatePlan(id: string, now: Date, teams: TeamScope): Promise<TemplatePlan | null> {
  const template = await db.template.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      targetVersion: true,
      revision: true,
      planComponents: true,
      policy: { select: { id: true, name: true, schedules: { select: { id: true, name: true, recurrence: true, windowHours: true } } } },
    },
  });
  if (!template) return null;
  const components = storedPlan(template.planComponents);
  const members = await planMembers(db, id, template.targetVersion, null, teams);
  const next = nextWindows(storedSchedules(template.policy), now, 1)[0];
  const readable = new Set(members.filter((m) => m.readable).map((m) => m.name));
  const plan = components ? buildPlan(members, [...components, { name: UNPLANNED, downtimeMinutes: 0 }]) : null;
  return {
    template: {
      id: template.id,
      name: template.name,
      targetVersion: template.targetVersion,
      revision: template.revision,
      policy: { id: template.policy.id, name: template.policy.name },
    },
    components,
    plan: plan && (teams === null ? plan : planSeenBy(plan, (name) => readable.has(name))),
    members: Object.fromEntries(
      members.filter((m) => m.readable).map((m) => [m.name, { state: m.state, currentVersion: m.currentVersion, isResource: m.isResource }]),
    ),
    windowMinutes: next ? (next.end.getTime() - next.start.getTime()) / 60_000 : null,
  };
}

const CONFLICT = "Someone changed this template since you loaded it. Nothing was saved: reload to see their change.";

/** Sets (or, with null, removes) a template's plan. Takes effect from the rollout's next start. */
export async function saveTemplatePlan(
  user: CurrentUser,
  id: string,
  components: PlanComponent[] | null,
  revision: number | undefined,
  now: Date,
): Promise<Outcome<{ revision: number }>> {
  if (!can(user, { action: "template:manage" })) return refuse(403, "forbidden", "You may not manage fleet templates.");
  return db.$transaction(async (tx) => {
    const [current] = await execute(qb.selectFrom("Template").select(["name", "revision", "planComponents"]).where("id", "=", id).forUpdate(), tx);
    if (!current) return refuse(404, "not-found", "That template does not exist.");
    if (revision !== undefined && revision !== current.revision) return refuse(409, "conflict", CONFLICT);
    const updated = await tx.template.update({
      where: { id },
      data: { planComponents: components === null ? Prisma.DbNull : components, revision: { increment: 1 } },
      select: { revision: true },
    });
    await recordAudit(tx, {
      actor: { id: user.id, label: user.email },
      action: "template.plan",
      entityType: "template",
      entityId: id,
      entityLabel: current.name,
      before: { plan: current.planComponents as Prisma.InputJsonValue | null },
      after: { plan: components },
      at: now,
    });
    return succeed({ revision: updated.revision });
  });
}
