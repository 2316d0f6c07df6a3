// Executions as /api/v1 shows them: what an executor really did for one member of a run.
import "server-only";
import { can, type CurrentUser } from "../auth/permissions";
import type { ExecutionRecord, ExecutionSummary } from "../data/executions";

export type KeyParams = { params: Promise<{ key: string }> };

const iso = (at: Date | null) => at?.toISOString() ?? null;

/** A list's item: everything but the output (up to 64 kB each). */
export function executionSummaryJson(e: ExecutionSummary) {
  return {
    key: e.key,
    executor: e.executor,
    state: e.state.toLowerCase(),
    member: e.memberName,
    resource: e.resource?.name ?? null,
    address: e.address,
    party: e.party,
    template: e.template,
    fromVersion: e.fromVersion,
    toVersion: e.toVersion,
    createdAt: e.createdAt.toISOString(),
    startedAt: iso(e.startedAt),
    finishedAt: iso(e.finishedAt),
    deadline: e.deadline.toISOString(),
    exitStatus: e.exitStatus,
    packages: e.packages,
    rebootRequired: e.rebootRequired,
    rebooted: e.rebooted,
    healthCheck: e.healthCheck,
    message: e.message,
    reportedBy: e.reportedBy,
  };
}

export function executionJson(e: ExecutionRecord) {
  return { ...executionSummaryJson(e), output: e.output };
}

/**
 * Who may read executions: anyone who reads the portal, and whoever may report them (an executor,
 * a machine that reads no page, may report any execution, so it may read any).
 */
export function mayReadExecution(user: CurrentUser, teamId: string | null): boolean {
  return can(user, { action: "portal:read" }) || can(user, { action: "execution:report", target: { teamId } });
}
