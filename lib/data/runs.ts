// Runs of fleet templates (UpgradeRun) and of party slots (PartyRun): opened, halted, settled and
// resumed here, whether the engines (lib/rollout) or people ("Upgrade now", "Resume") do it, so each
// of these rules has one owner. The engines decide when; this module says what a step writes.
import "server-only";
import type { Prisma } from "@prisma/client";
import { db, execute, prepared, qb } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import { canarySize, slotLabel, templateState, type TemplateStateName } from "../domain";
import { recordAudit, SCHEDULER, type Actor } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";
import { partyData, recordEvent, templateData } from "./webhooks";

type Tx = Prisma.TransactionClient;

/** The longest an "Upgrade now" run may start new members. */
export const FORCED_RUN_HOURS = 24;

const TEMPLATE_RUN_COLUMNS = ["id", "version", "windowStart", "windowEnd", "forced", "state", "canarySize", "canaryPassedAt", "failureBaseline"] as const;
export const TEMPLATE_RUN_SELECT = Object.fromEntries(TEMPLATE_RUN_COLUMNS.map((c) => [c, true])) as { [C in (typeof TEMPLATE_RUN_COLUMNS)[number]]: true };
export type TemplateRun = Prisma.UpgradeRunGetPayload<{ select: typeof TEMPLATE_RUN_SELECT }>;

type TemplateOpening = {
  template: { id: string; name: string; targetVersion: string; canaryPercent: number };
  window: { start: Date; end: Date };
  forced: boolean;
  /** Who opens it and what the audit says: the scheduler for a window, an admin for "Upgrade now". */
  audit: { actor: Actor; action: string; after: Prisma.InputJsonObject };
};

/**
 * Opens a template's run to its target version for `window`, once per window (a second opening of
 * the same window is nothing: null). Members off the version and not in flight become pending,
 * the canary is sized from them, the template shows "upgrading", and the opening is audited.
 */
export async function openTemplateRun(tx: Tx, { template, window, forced, audit }: TemplateOpening, now: Date): Promise<TemplateRun | null> {
  const offTarget = await tx.templateMember.count({ where: { templateId: template.id, currentVersion: { not: template.targetVersion } } });
  const created = await execute(
    qb
      .insertInto("UpgradeRun")
      .values({
        id: `run_${template.id}_${window.start.getTime()}`,
        templateId: template.id,
        version: template.targetVersion,
        windowStart: window.start,
        windowEnd: window.end,
        forced,
        state: "RUNNING",
        canarySize: canarySize(template.canaryPercent, offTarget),
        createdAt: now,
      })
      .onConflict((conflict) => conflict.columns(["templateId", "windowStart"]).doNothing())
      .returning(TEMPLATE_RUN_COLUMNS),
    tx,
  );
  const run = created[0];
  if (!run) return null;
  await tx.templateMember.updateMany({
    where: { templateId: template.id, currentVersion: { not: run.version }, state: { not: "UPGRADING" } },
    data: { state: "PENDING" },
  });
  await tx.template.update({ where: { id: template.id }, data: { state: "UPGRADING" } });
  await recordAudit(tx, {
    actor: audit.actor,
    action: audit.action,
    entityType: "template",
    entityId: template.id,
    entityLabel: template.name,
    after: { version: run.version, ...audit.after },
    at: now,
  });
  await recordEvent(
    tx,
    "upgrade.started",
    {
      template: templateData(template),
      version: run.version,
      window: { startsAt: run.windowStart.toISOString(), endsAt: run.windowEnd.toISOString() },
      forced,
      members: offTarget,
    },
    now,
  );
  return run;
}

/** Stops a template's run from starting members (what is in flight finishes) until an admin resumes it. */
export async function haltTemplateRun(tx: Tx, template: { id: string; name: string }, run: { id: string; version: string }, reason: string, now: Date) {
  await tx.upgradeRun.update({ where: { id: run.id }, data: { state: "HALTED", haltReason: reason } });
  await recordAudit(tx, {
    actor: SCHEDULER,
    action: "template.upgrade-halted",
    entityType: "template",
    entityId: template.id,
    entityLabel: template.name,
    after: { version: run.version, state: "HALTED" },
    reason,
    at: now,
  });
}

/** Closes a template's run when nothing more starts in it: completed, or partial with who is behind. */
export async function closeTemplateRun(
  tx: Tx,
  template: { id: string; name: string },
  run: { id: string; version: string; forced: boolean },
  now: Date,
): Promise<"COMPLETED" | "PARTIAL"> {
  const behind = await tx.templateMember.count({ where: { templateId: template.id, currentVersion: { not: run.version } } });
  const state = behind === 0 ? "COMPLETED" : "PARTIAL";
  await tx.upgradeRun.update({ where: { id: run.id }, data: { state } });
  await recordAudit(tx, {
    actor: SCHEDULER,
    action: behind === 0 ? "template.upgrade-completed" : "template.upgrade-partial",
    entityType: "template",
    entityId: template.id,
    entityLabel: template.name,
    after: { version: run.version, behind },
    reason: behind === 0 ? null : `${behind} member(s) are not on ${run.version} when the ${run.forced ? '"Upgrade now" run' : "window"} ended.`,
    at: now,
  });
  await recordEvent(
    tx,
    behind === 0 ? "upgrade.completed" : "upgrade.partially_applied",
    { template: templateData(template), version: run.version, behind },
    now,
  );
  return state;
}

/** Writes the template's state as its members and runs say it is. */
export async function settleTemplateState(tx: Tx, templateId: string, targetVersion: string, previous?: TemplateStateName): Promise<TemplateStateName> {
  const versions = await execute(qb.selectFrom("TemplateMember").select("currentVersion").distinct().where("templateId", "=", templateId).limit(3), tx);
  const running = await tx.upgradeRun.count({ where: { templateId, state: { in: ["RUNNING", "HALTED"] } } });
  const lastRun = await tx.upgradeRun.findFirst({
    where: { templateId, state: { in: ["COMPLETED", "PARTIAL"] } },
    orderBy: { windowStart: "desc" },
    select: { state: true, version: true },
  });
  const state = templateState({
    targetVersion,
    memberVersions: versions.map((v) => v.currentVersion),
    running: running > 0,
    lastRunFellShort: lastRun?.state === "PARTIAL" && lastRun.version === targetVersion,
  });
  if (state !== previous) await tx.template.update({ where: { id: templateId }, data: { state } });
  return state;
}

/** An admin resumes a template's halted run; failures so far no longer count against the threshold. */
export async function resumeTemplateRun(user: CurrentUser, templateId: string, now: Date): Promise<Outcome<{ runId: string }>> {
  if (!can(user, { action: "upgrade:force" })) return refuse(403, "forbidden", "You may not resume a halted upgrade.");
  return db.$transaction(async (tx) => {
    const [template] = await execute(qb.selectFrom("Template").select("name").where("id", "=", templateId).forUpdate(), tx);
    if (!template) return refuse(404, "not-found", "That template does not exist.");
    const run = await tx.upgradeRun.findFirst({ where: { templateId, state: "HALTED" }, select: { id: true, version: true, haltReason: true } });
    if (!run) return refuse(409, "not-halted", "No upgrade of this template is halted.");
    const failed = await tx.upgradeAttempt.count({ where: { runId: run.id, status: "FAILED" } });
    await tx.upgradeRun.update({ where: { id: run.id }, data: { state: "RUNNING", haltReason: null, failureBaseline: failed } });
    await recordAudit(tx, {
      actor: { id: user.id, label: user.email },
      action: "template.upgrade-resumed",
      entityType: "template",
      entityId: templateId,
      entityLabel: template.name,
      before: { state: "HALTED", reason: run.haltReason },
      after: { state: "RUNNING", version: run.version },
      at: now,
    });
    return succeed({ runId: run.id });
  });
}

/**
 * A party slot's run, made (SCHEDULED) the first time the engine comes to the slot, and locked for
 * the caller's transaction; null when another worker holds it.
 */
export async function lockSlotRun(tx: Tx, slot: { partyId: string; group: number; startsAt: Date; endsAt: Date }, now: Date) {
  await execute(
    qb
      .insertInto("PartyRun")
      .values({
        id: `prun_${slot.partyId}_${slot.group}`,
        partyId: slot.partyId,
        group: slot.group,
        state: "SCHEDULED",
        startsAt: slot.startsAt,
        endsAt: slot.endsAt,
        createdAt: now,
      })
      .onConflict((conflict) => conflict.columns(["partyId", "group"]).doNothing()),
    tx,
  );
  const [locked] = await execute(
    qb
      .selectFrom("PartyRun")
      .select(["id", "state", "haltReason", "canarySize", "canaryPassedAt", "failureBaseline"])
      .where("partyId", "=", slot.partyId)
      .where("group", "=", slot.group)
      .forUpdate()
      .skipLocked(),
    tx,
  );
  return locked ?? null;
}

/** Stops a slot's run from starting resources (what is in flight finishes) until an admin resumes it. */
export async function haltSlotRun(tx: Tx, run: { id: string }, slot: { partyId: string; label: string }, reason: string, now: Date) {
  const halted = await tx.partyRun.update({
    where: { id: run.id },
    data: { state: "HALTED", haltReason: reason },
    select: { group: true, party: { select: { tag: true, kind: true, startsAt: true, endsAt: true } } },
  });
  await recordEvent(tx, "slot.halted", { party: partyData(halted.party), group: halted.group, reason }, now);
  await recordAudit(tx, {
    actor: SCHEDULER,
    action: "party.slot-halted",
    entityType: "party",
    entityId: slot.partyId,
    entityLabel: slot.label,
    after: { state: "HALTED" },
    reason,
    at: now,
  });
}

/** An admin resumes a halted slot; failures so far no longer count against the threshold. */
export async function resumeSlotRun(user: CurrentUser, runId: string, now: Date): Promise<Outcome<null>> {
  if (!can(user, { action: "upgrade:force" })) return refuse(403, "forbidden", "Only admins resume a halted rollout.");
  return db.$transaction(async (tx) => {
    const [run] = await execute(qb.selectFrom("PartyRun").select(["id", "partyId", "group", "state"]).where("id", "=", runId).forUpdate(), tx);
    if (!run) return refuse(404, "not-found", "That slot has no rollout.");
    if (run.state !== "HALTED") return refuse(409, "not-halted", "That slot's rollout is not halted.");
    const failed = await tx.patchAttempt.count({ where: { runId, status: "FAILED" } });
    const party = await tx.party.findUniqueOrThrow({ where: { id: run.partyId }, select: { tag: true, kind: true } });
    await tx.partyRun.update({ where: { id: runId }, data: { state: "RUNNING", haltReason: null, failureBaseline: failed } });
    await recordAudit(tx, {
      actor: { id: user.id, label: user.email },
      action: "party.slot-resumed",
      entityType: "party",
      entityId: run.partyId,
      entityLabel: slotLabel(party.tag, party.kind, run.group),
      after: { state: "RUNNING" },
      at: now,
    });
    return succeed(null);
  });
}

/** A party's slot runs with their attempt counts, for its page (one query, compiled once). */
export function partyRuns(partyId: string) {
  return execute(runsOfParty({ partyId }));
}

const runsOfParty = prepared((v: { partyId: string }) =>
  qb
    .selectFrom("PartyRun as r")
    .leftJoin("PatchAttempt as a", "a.runId", "r.id")
    .where("r.partyId", "=", v.partyId)
    .groupBy("r.id")
    .orderBy("r.group")
    .select((eb) => {
      const attempts = (status: "SUCCEEDED" | "FAILED" | "RUNNING") => eb.cast<number>(eb.fn.count("a.id").filterWhere("a.status", "=", status), "integer");
      return [
        "r.id",
        "r.group",
        "r.state",
        "r.haltReason",
        "r.canarySize",
        "r.canaryPassedAt",
        attempts("SUCCEEDED").as("patched"),
        attempts("FAILED").as("failed"),
        attempts("RUNNING").as("running"),
      ];
    }),
);
