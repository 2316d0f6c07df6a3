// Safe rollouts (seeds/002 and 004; product.md "Change and rollout"): a canary share goes first
// and is waited for; a failure threshold (a count and/or a percentage) halts the rollout; the
// concurrency may be a count or a share of the fleet.

export type Safety = {
  concurrency: number;
  concurrencyPercent: number | null;
  canaryPercent: number;
  maxFailures: number | null;
  maxFailurePercent: number | null;
};

/** Members upgraded at once: the share of the fleet when one is set, else the count. */
export function effectiveConcurrency(s: Pick<Safety, "concurrency" | "concurrencyPercent">, members: number): number {
  return s.concurrencyPercent ? Math.max(1, Math.ceil((members * s.concurrencyPercent) / 100)) : s.concurrency;
}

/** How many members make the canary of a run that has `toUpgrade` members to move. */
export function canarySize(canaryPercent: number, toUpgrade: number): number {
  return canaryPercent > 0 && toUpgrade > 0 ? Math.min(toUpgrade, Math.max(1, Math.ceil((toUpgrade * canaryPercent) / 100))) : 0;
}

/** Below this many finished upgrades a percentage says little, unless the canary is complete. */
export const MIN_SAMPLE = 10;

/** Why the rollout must halt now, or null. `failed` counts failures since the last resume. */
export function haltReason(
  s: Pick<Safety, "maxFailures" | "maxFailurePercent">,
  counts: { failed: number; finished: number; canaryComplete: boolean },
): string | null {
  if (s.maxFailures !== null && counts.failed > s.maxFailures) return `${counts.failed} upgrade(s) failed, more than the ${s.maxFailures} allowed.`;
  if (s.maxFailurePercent !== null && counts.finished > 0 && (counts.finished >= MIN_SAMPLE || counts.canaryComplete)) {
    const share = (counts.failed / counts.finished) * 100;
    if (share > s.maxFailurePercent)
      return `${share.toFixed(1)} % of the upgrades failed (${counts.failed} of ${counts.finished}), more than the ${s.maxFailurePercent} % allowed.`;
  }
  return null;
}

/**
 * The most members one tick starts: a tick's transaction stays short (well under a second at
 * 30,000 members, docs/benchmarks.md) and the next tick, seconds later, starts the next batch.
 */
export const MAX_STARTS_PER_TICK = 1_000;

/**
 * How many members to start now: while the canary is not through, only what is left of it, and
 * nothing until all of it has finished; then up to `free`, at most MAX_STARTS_PER_TICK.
 * `gated` says the canary held starts back. Fewer started than `limit` means nobody is left.
 */
export function startAllowance(s: { canarySize: number; canaryPassed: boolean; attempted: number; inFlight: number; free: number }): {
  limit: number;
  gated: boolean;
  passCanary: boolean;
} {
  const capped = (limit: number, gated: boolean, passCanary: boolean) => ({ limit: Math.min(limit, MAX_STARTS_PER_TICK), gated, passCanary });
  if (s.canarySize === 0 || s.canaryPassed) return capped(s.free, false, false);
  if (s.attempted < s.canarySize) return capped(Math.min(s.free, s.canarySize - s.attempted), true, false);
  if (s.inFlight > 0) return { limit: 0, gated: true, passCanary: false };
  return capped(s.free, false, true);
}
