// Timing rules of real execution (docs/decisions/014-real-execution.md), pure.

const MINUTE = 60_000;

/** No member starts after this: `cutoffMinutes` before the window's end. */
export function startCutoff(windowEnd: Date, cutoffMinutes: number): Date {
  return new Date(windowEnd.getTime() - cutoffMinutes * MINUTE);
}

/**
 * When a member without a final outcome fails as "no report". Executors that run by themselves
 * get `timeoutMinutes` from their start; a manual one waits for people until the window's end
 * and `timeoutMinutes` after it.
 */
export function executionDeadline(executor: string, now: Date, windowEnd: Date, timeoutMinutes: number): Date {
  const base = executor === "manual" ? Math.max(now.getTime(), windowEnd.getTime()) : now.getTime();
  return new Date(base + timeoutMinutes * MINUTE);
}
