// Fleet templates as /api/v1 shows them.
import "server-only";
import { blockedReason, type ChangeStatus, type FreezeConflict } from "../domain";
import type { MemberRow, TemplateDetail, TemplateSummary } from "../data/templates";
import type { MemberEventRow } from "../data/template-members";
import { storedPlan } from "../data/upgrade-plans";

/** The upgrade to the target version needs an approved change; a template in sync has nothing to start. */
function changeFields(t: { state: string }, change: ChangeStatus) {
  const reason = t.state === "IN_SYNC" || t.state === "UPGRADING" ? null : blockedReason(change);
  return { change, blocked: reason !== null, blockedReason: reason };
}

export function templateSummaryJson(t: TemplateSummary, change: ChangeStatus) {
  return {
    id: t.id,
    name: t.name,
    policy: { id: t.policyId, name: t.policyName },
    targetVersion: t.targetVersion,
    state: t.state,
    concurrency: t.concurrency,
    members: t.members,
    onTarget: t.onTarget,
    ...changeFields(t, change),
  };
}

const windowJson = (w: { scheduleName: string; start: Date; end: Date } | null) =>
  w ? { schedule: w.scheduleName, startsAt: w.start.toISOString(), endsAt: w.end.toISOString() } : null;

export function templateJson(t: TemplateDetail, change: ChangeStatus, conflicts: readonly FreezeConflict[] = []) {
  return {
    id: t.id,
    name: t.name,
    policy: { id: t.policy.id, name: t.policy.name },
    targetVersion: t.targetVersion,
    targetSetAt: t.targetSetAt.toISOString(),
    state: t.state,
    concurrency: t.concurrency,
    plan: storedPlan(t.planComponents),
    rollout: { concurrencyPercent: t.concurrencyPercent, canaryPercent: t.canaryPercent, maxFailures: t.maxFailures, maxFailurePercent: t.maxFailurePercent },
    // executor null = the installation's default (PATCHPARTY_EXECUTOR).
    execution: { executor: t.executor, preHook: t.preHook, postHook: t.postHook, cutoffMinutes: t.cutoffMinutes, memberTimeoutMinutes: t.memberTimeoutMinutes },
    revision: t.revision,
    // The saved resource filter whose matches are members besides the named ones (null: named only).
    memberQuery: t.memberQuery,
    members: { total: t.members, byState: t.counts, byVersion: t.versions },
    nextWindow: windowJson(t.nextWindow),
    upgradeWindow: windowJson(t.upgradeWindow),
    runs: t.runs.map((r) => ({
      id: r.id,
      version: r.version,
      forced: r.forced,
      state: r.state,
      haltReason: r.haltReason,
      canary: r.canarySize ? { size: r.canarySize, passedAt: r.canaryPassedAt?.toISOString() ?? null } : null,
      windowStart: r.windowStart.toISOString(),
      windowEnd: r.windowEnd.toISOString(),
      attempts: { succeeded: r.succeeded, failed: r.failed, running: r.running },
    })),
    ...changeFields(t, change),
    // What stands in the pending upgrade's way: freezes over its window that hold its members (issue 16).
    conflicts,
  };
}

export function memberJson(m: MemberRow) {
  return {
    name: m.name,
    kind: m.kind,
    currentVersion: m.currentVersion,
    state: m.state,
    viaQuery: m.viaQuery,
    lastAttemptAt: m.lastAttemptAt?.toISOString() ?? null,
    lastError: m.lastError,
  };
}

export function memberEventJson(e: MemberEventRow) {
  return {
    member: e.memberLabel,
    kind: e.clusterId ? ("cluster" as const) : ("resource" as const),
    action: e.action,
    viaQuery: e.viaQuery,
    reason: e.reason,
    by: e.actorLabel,
    at: e.at.toISOString(),
  };
}
