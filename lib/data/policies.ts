// Maintenance policies and their upgrade schedules. Create, edit and delete are separate
// permissions; a policy linked to a template keeps at least one schedule and cannot be deleted.
import "server-only";
import type { Prisma } from "@prisma/client";
import { jsonBuildObject } from "kysely/helpers/postgres";
import { db, execute, prepared, qb } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import { nextWindows, scheduleRules, UPGRADE_WINDOW_LOOKAHEAD, upgradeWindow, windowsBetween, type Schedule, type ScheduleSpec } from "../domain";
import type { PolicyInput } from "../validation/policies";
import { recordAudit } from "./audit";
import { rebindTemplateChanges } from "./change-binding";
import { refuse, succeed, type Outcome } from "./outcome";

const DAY = 86_400_000;

export function listPolicies() {
  return db.maintenancePolicy.findMany({
    orderBy: { name: "asc" },
    take: 200,
    select: { id: true, name: true, tags: true, _count: { select: { schedules: true, templates: true } } },
  });
}

const POLICY_SELECT = {
  id: true,
  name: true,
  tags: true,
  revision: true,
  schedules: { orderBy: { name: "asc" }, select: { id: true, name: true, preset: true, recurrence: true, custom: true, windowHours: true } },
  templates: { select: { id: true, name: true }, orderBy: { name: "asc" } },
} satisfies Prisma.MaintenancePolicySelect;

export function getPolicy(id: string) {
  return db.maintenancePolicy.findUnique({ where: { id }, select: POLICY_SELECT });
}

/** Every policy with its schedules and templates (the API's list). */
export function listPolicyRecords() {
  return db.maintenancePolicy.findMany({ orderBy: { name: "asc" }, take: 500, select: POLICY_SELECT });
}

export type PolicyRecord = NonNullable<Awaited<ReturnType<typeof getPolicy>>>;

const specOf = (s: PolicyInput["schedules"][number]): ScheduleSpec => (s.preset === "custom" ? { preset: "custom", custom: s.custom! } : { preset: s.preset });

/** Schedules as the domain reads them; new ones start today (UTC midnight). */
export function toSchedules(input: PolicyInput["schedules"], now: Date): Schedule[] {
  const today = new Date(Math.floor(now.getTime() / DAY) * DAY);
  return input.map((s, i) => ({ id: String(i), name: s.name, rules: scheduleRules(specOf(s), today), windowHours: s.windowHours }));
}

export function storedSchedules(policy: { schedules: { id: string; name: string; recurrence: string; windowHours: number }[] }): Schedule[] {
  return policy.schedules.map((s) => ({ id: s.id, name: s.name, rules: s.recurrence.split("\n---\n"), windowHours: s.windowHours }));
}

/**
 * The window a template's pending upgrade runs in (`upgradeWindow`: the first open now or to come
 * that opened after its target was set and had no closed run of it), read inside `tx`; null when
 * every member is on target or the policy has no such window.
 */
export async function pendingUpgradeWindow(tx: Prisma.TransactionClient, templateId: string, now: Date) {
  const template = await tx.template.findUniqueOrThrow({
    where: { id: templateId },
    select: {
      state: true,
      targetVersion: true,
      targetSetAt: true,
      policy: { select: { schedules: { select: { id: true, name: true, recurrence: true, windowHours: true } } } },
    },
  });
  if (template.state === "IN_SYNC") return null;
  const runs = await tx.upgradeRun.findMany({
    where: { templateId, version: template.targetVersion },
    select: { version: true, windowStart: true, state: true },
  });
  const windows = nextWindows(storedSchedules(template.policy), now, UPGRADE_WINDOW_LOOKAHEAD);
  return upgradeWindow(windows, { version: template.targetVersion, setAt: template.targetSetAt }, runs);
}

export function previewWindows(schedules: Schedule[], now: Date) {
  return nextWindows(schedules, now, 10);
}

function scheduleRows(input: PolicyInput["schedules"], now: Date) {
  return toSchedules(input, now).map((s, i) => ({
    name: s.name,
    preset: input[i]!.preset,
    recurrence: s.rules.join("\n---\n"),
    custom: (input[i]!.custom ?? undefined) as Prisma.InputJsonValue | undefined,
    windowHours: s.windowHours,
  }));
}

const actorOf = (user: CurrentUser) => ({ id: user.id, label: user.email });
const summary = (p: { name: string; tags: string[]; schedules: { name: string; preset: string; windowHours: number }[] }) => ({
  name: p.name,
  tags: p.tags,
  schedules: p.schedules.map((s) => `${s.name}: ${s.preset}, ${s.windowHours} h`),
});

function uniqueViolation(error: unknown) {
  return (error as { code?: string }).code === "P2002";
}

export async function createPolicy(user: CurrentUser, input: PolicyInput, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "policy:create" })) return refuse(403, "forbidden", "You may not create maintenance policies.");
  try {
    return succeed(
      await db.$transaction(async (tx) => {
        const created = await tx.maintenancePolicy.create({
          data: { name: input.name, tags: input.tags, schedules: { create: scheduleRows(input.schedules, now) } },
          select: { id: true },
        });
        await recordAudit(tx, {
          actor: actorOf(user),
          action: "policy.create",
          entityType: "policy",
          entityId: created.id,
          entityLabel: input.name,
          after: summary(input),
          at: now,
        });
        return created;
      }),
    );
  } catch (error) {
    if (uniqueViolation(error)) return refuse(409, "duplicate", `A policy named "${input.name}" already exists.`);
    throw error;
  }
}

export async function updatePolicy(user: CurrentUser, id: string, input: PolicyInput, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "policy:edit" })) return refuse(403, "forbidden", "You may not edit maintenance policies.");
  try {
    return await db.$transaction(async (tx) => {
      const current = await tx.maintenancePolicy.findUnique({
        where: { id },
        select: { name: true, tags: true, revision: true, schedules: true, _count: { select: { templates: true } } },
      });
      if (!current) return refuse(404, "not-found", "That policy does not exist.");
      if (input.revision !== undefined && input.revision !== current.revision)
        return refuse(409, "conflict", "Someone changed this policy since you loaded it. Nothing was saved: reload to see their change.");
      if (current._count.templates > 0 && input.schedules.length === 0) {
        return refuse(409, "linked", `This policy is linked to ${current._count.templates} template(s), so it must keep at least one schedule.`);
      }
      const { count } = await tx.maintenancePolicy.updateMany({
        where: { id, revision: current.revision },
        data: { name: input.name, tags: input.tags, revision: { increment: 1 } },
      });
      if (count === 0) return refuse(409, "conflict", "Someone changed this policy since you loaded it. Nothing was saved: reload to see their change.");
      // Unchanged schedules keep their start (and so the rhythm of "every two weeks").
      const keep = new Map(current.schedules.map((s) => [s.name.toLowerCase(), s]));
      await tx.upgradeSchedule.deleteMany({ where: { policyId: id } });
      const rows = scheduleRows(input.schedules, now).map((row) => {
        const before = keep.get(row.name.toLowerCase());
        return before && before.preset === row.preset && JSON.stringify(before.custom ?? null) === JSON.stringify(row.custom ?? null)
          ? { ...row, recurrence: before.recurrence }
          : row;
      });
      await tx.upgradeSchedule.createMany({ data: rows.map((r) => ({ ...r, policyId: id })) });
      // An approved upgrade whose window this edit moved goes back to an approver (issue 16).
      const pending = await tx.template.findMany({ where: { policyId: id, state: { not: "IN_SYNC" } }, select: { id: true, targetVersion: true } });
      for (const template of pending) await rebindTemplateChanges(tx, template, await pendingUpgradeWindow(tx, template.id, now), actorOf(user), now);
      await recordAudit(tx, {
        actor: actorOf(user),
        action: "policy.update",
        entityType: "policy",
        entityId: id,
        entityLabel: input.name,
        before: summary(current),
        after: summary(input),
        at: now,
      });
      return succeed({ id });
    });
  } catch (error) {
    if (uniqueViolation(error)) return refuse(409, "duplicate", `A policy named "${input.name}" already exists.`);
    throw error;
  }
}

export async function deletePolicy(user: CurrentUser, id: string, now: Date): Promise<Outcome<null>> {
  if (!can(user, { action: "policy:delete" })) return refuse(403, "forbidden", "You may not delete maintenance policies.");
  return db.$transaction(async (tx) => {
    const policy = await tx.maintenancePolicy.findUnique({
      where: { id },
      select: { name: true, tags: true, schedules: true, templates: { select: { name: true } } },
    });
    if (!policy) return refuse(404, "not-found", "That policy does not exist.");
    if (policy.templates.length)
      return refuse(
        409,
        "linked",
        `This policy cannot be deleted: templates ${policy.templates.map((t) => t.name).join(", ")} use it. Link them to another policy first.`,
      );
    await tx.maintenancePolicy.delete({ where: { id } });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "policy.delete",
      entityType: "policy",
      entityId: id,
      entityLabel: policy.name,
      before: summary(policy),
      at: now,
    });
    return succeed(null);
  });
}

export type PolicyWindow = { policyId: string; policyName: string; scheduleName: string; start: Date; end: Date };

/** Every policy's upgrade windows in [from, to), for the calendar. */
export async function listPolicyWindows(from: Date, to: Date): Promise<PolicyWindow[]> {
  const policies = await execute(policySchedules({}));
  return policies
    .flatMap((p) =>
      windowsBetween(storedSchedules(p), from, to).map((w) => ({
        policyId: p.id,
        policyName: p.name,
        scheduleName: w.scheduleName,
        start: w.start,
        end: w.end,
      })),
    )
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

/**
 * One statement, compiled once: every calendar request asks (a relation query was two, each planned
 * in Node). Every policy with a schedule: a cap here once dropped the windows of the 201st policy.
 */
const policySchedules = prepared((_: Record<string, never>) =>
  qb
    .selectFrom("MaintenancePolicy as p")
    .innerJoin("UpgradeSchedule as s", "s.policyId", "p.id")
    .select((eb) => [
      "p.id",
      "p.name",
      eb.fn
        .jsonAgg(jsonBuildObject({ id: eb.ref("s.id"), name: eb.ref("s.name"), recurrence: eb.ref("s.recurrence"), windowHours: eb.ref("s.windowHours") }))
        .orderBy("s.id")
        .as("schedules"),
    ])
    .groupBy(["p.id", "p.name"])
    .orderBy("p.id"),
);
