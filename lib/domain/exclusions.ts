// What an exclusion change writes, for every writer: a person's single change (resource page and
// API), a bulk change of a selection, and the scheduler ending an exclusion at its expiry. One
// owner for the state a change sets, the history event it leaves and the audit snapshot it takes.

/** A resource's exclusion state: everything an exclusion change sets. */
export type ExclusionState = {
  excluded: boolean;
  patchGroup: number;
  exclusionReason: string | null;
  exclusionUntil: Date | null;
  excludedAt: Date | null;
  excludedById: string | null;
};

export type ExclusionRequest =
  /** Out of patching, with a reason and, optionally, until a date. */
  | { action: "exclude"; reason: string; until: Date | null }
  /** Back into patching, in `group`; `reason` says why when there is more to say (a cluster rule overridden). */
  | { action: "include"; group: number; reason: string | null }
  /** To another group, excluded or not. */
  | { action: "regroup"; group: number; reason: string | null }
  /** The scheduler: the exclusion's expiry has passed. */
  | { action: "expire" };

/** The audit log's picture of the state: the group, and while excluded, why and until when. */
export type ExclusionSnapshot = { excluded: boolean; group: number; reason?: string | null; until?: string | null };

export type ExclusionChange = {
  /** The whole state after the change. */
  after: ExclusionState;
  /** The resource's exclusion history (ExclusionEvent). */
  event: { action: "EXCLUDE" | "INCLUDE" | "REGROUP"; reason: string | null; until: Date | null; group: number | null };
  audit: {
    action: "resource.exclude" | "resource.include" | "resource.regroup" | "resource.expire";
    before: ExclusionSnapshot;
    after: ExclusionSnapshot;
    reason: string | null;
  };
};

export const EXPIRED_REASON = "The exclusion expired";

export function exclusionSnapshot(state: Pick<ExclusionState, "excluded" | "patchGroup" | "exclusionReason" | "exclusionUntil">): ExclusionSnapshot {
  return {
    excluded: state.excluded,
    group: state.patchGroup,
    ...(state.excluded ? { reason: state.exclusionReason, until: state.exclusionUntil?.toISOString() ?? null } : {}),
  };
}

/** Why an exclusion's expiry is refused, or null: it must lie ahead of `now`. */
export function expiryRefusal(until: Date | null | undefined, now: Date): string | null {
  return until && until <= now ? "The expiry must be in the future." : null;
}

const INCLUDED = { excluded: false, exclusionReason: null, exclusionUntil: null, excludedAt: null, excludedById: null } as const;

/**
 * What `request` by `actorId` (null: the scheduler) writes for a resource in state `before` at
 * `now`; null when it would leave the resource as it is (a regroup to its own group, an expiry
 * of a resource that is not excluded).
 */
export function exclusionChange(before: ExclusionState, request: ExclusionRequest, actorId: string | null, now: Date): ExclusionChange | null {
  let after: ExclusionState;
  let event: ExclusionChange["event"];
  let audit: Pick<ExclusionChange["audit"], "action" | "reason">;
  switch (request.action) {
    case "exclude":
      after = { ...before, excluded: true, exclusionReason: request.reason, exclusionUntil: request.until, excludedAt: now, excludedById: actorId };
      event = { action: "EXCLUDE", reason: request.reason, until: request.until, group: null };
      audit = { action: "resource.exclude", reason: request.reason };
      break;
    case "include":
      after = { ...before, ...INCLUDED, patchGroup: request.group };
      event = { action: "INCLUDE", reason: request.reason, until: null, group: request.group };
      audit = { action: "resource.include", reason: request.reason };
      break;
    case "regroup":
      if (before.patchGroup === request.group) return null;
      after = { ...before, patchGroup: request.group };
      event = { action: "REGROUP", reason: request.reason, until: null, group: request.group };
      audit = { action: "resource.regroup", reason: request.reason };
      break;
    case "expire":
      if (!before.excluded) return null;
      after = { ...before, ...INCLUDED };
      event = { action: "INCLUDE", reason: EXPIRED_REASON, until: null, group: before.patchGroup };
      audit = { action: "resource.expire", reason: EXPIRED_REASON };
      break;
  }
  return { after, event, audit: { ...audit, before: exclusionSnapshot(before), after: exclusionSnapshot(after) } };
}
