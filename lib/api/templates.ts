// Fleet templates as /api/v1 shows them.
import type { MemberRow, TemplateDetail, TemplateSummary } from "../data/templates";

export function templateSummaryJson(t: TemplateSummary) {
  return { id: t.id, name: t.name, policy: { id: t.policyId, name: t.policyName }, targetVersion: t.targetVersion, state: t.state, concurrency: t.concurrency, members: t.members, onTarget: t.onTarget };
}

export function templateJson(t: TemplateDetail) {
  return {
    id: t.id,
    name: t.name,
    policy: { id: t.policy.id, name: t.policy.name },
    targetVersion: t.targetVersion,
    targetSetAt: t.targetSetAt.toISOString(),
    state: t.state,
    concurrency: t.concurrency,
    revision: t.revision,
    members: { total: t.members, byState: t.counts, byVersion: t.versions },
    nextWindow: t.nextWindow ? { schedule: t.nextWindow.scheduleName, startsAt: t.nextWindow.start.toISOString(), endsAt: t.nextWindow.end.toISOString() } : null,
    runs: t.runs.map((r) => ({
      id: r.id,
      version: r.version,
      forced: r.forced,
      state: r.state,
      windowStart: r.windowStart.toISOString(),
      windowEnd: r.windowEnd.toISOString(),
      attempts: { succeeded: r.succeeded, failed: r.failed, running: r.running },
    })),
  };
}

export function memberJson(m: MemberRow) {
  return { name: m.name, kind: m.kind, currentVersion: m.currentVersion, state: m.state, lastAttemptAt: m.lastAttemptAt?.toISOString() ?? null, lastError: m.lastError };
}
