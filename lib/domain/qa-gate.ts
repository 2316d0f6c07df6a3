// QA gates production (seeds/001: "Once non-prod validated, get management's approval to move
// the patch to production"): the QA party's outcome for the quarter decides whether production
// should be held.

/** Above this share of failed QA resources, the production party should be held. */
export const QA_FAILURE_THRESHOLD = 0.02;

export type QaOutcome = { patched: number; failed: number; skipped: number };

export function qaGate(outcome: QaOutcome, threshold = QA_FAILURE_THRESHOLD) {
  const tried = outcome.patched + outcome.failed;
  const failureRate = tried === 0 ? 0 : outcome.failed / tried;
  return { tried, failureRate, overThreshold: failureRate > threshold };
}
