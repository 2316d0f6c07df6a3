// Deadlines by severity (issue 20, point 3): when a pending update is past its deadline, and how
// long for. The compliance page's list and the trend's "within deadline" share are SQL that says
// the same as these functions (lib/data/compliance.ts); tests/integration/deadlines.test.ts holds
// the two together. Pure: no clock, no database.
import { SEVERITIES, updateDue, type DeadlineRules, type Severity } from "./updates";

export const DEADLINE_DAYS_MIN = 1;
export const DEADLINE_DAYS_MAX = 365;

/** The rules' keys in the order forms and tables show them, with their labels. */
export const DEADLINE_KINDS = [...SEVERITIES, "unrated"] as const satisfies readonly (keyof DeadlineRules)[];
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];
export const DEADLINE_LABEL: Record<DeadlineKind, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  unrated: "Security, unrated",
};

/** One update as the deadline rules see it: when it was first seen and, once a scan no longer found it, when it went. */
export type TrackedUpdate = { security: boolean; severity: Severity | null; firstSeenAt: Date; resolvedAt: Date | null };

const DAY = 86_400_000;

/**
 * Whether `update` was past its deadline at `at`: it was pending then (first seen by `at`, not yet
 * resolved) and its due date was before `at`. An exclusion does not stop the clock: nothing about
 * the server enters here.
 */
export function overdueAt(update: TrackedUpdate, at: Date, rules: DeadlineRules): boolean {
  if (update.firstSeenAt.getTime() > at.getTime()) return false;
  if (update.resolvedAt && update.resolvedAt.getTime() <= at.getTime()) return false;
  const due = updateDue(update, rules);
  return due !== null && due.getTime() < at.getTime();
}

/** Whether a server was within deadline at `at`: none of its updates was past its deadline then. */
export const withinDeadlineAt = (updates: readonly TrackedUpdate[], at: Date, rules: DeadlineRules): boolean => !updates.some((u) => overdueAt(u, at, rules));

/** Whole days from `due` to `now` (0 on the day it fell due). */
export const daysOverdue = (due: Date, now: Date): number => Math.max(0, Math.floor((now.getTime() - due.getTime()) / DAY));

const RANK: Record<Severity | "security", number> = { critical: 0, high: 1, medium: 2, low: 3, security: 4 };

/**
 * The server's worst overdue update at `now`: the one past its deadline the longest, the more
 * severe first on the same due date, then by package name. null: none is overdue.
 */
export function worstOverdue<U extends TrackedUpdate & { package: string }>(
  updates: readonly U[],
  now: Date,
  rules: DeadlineRules,
): (U & { due: Date; daysOverdue: number }) | null {
  let worst: (U & { due: Date; daysOverdue: number }) | null = null;
  for (const u of updates) {
    if (!overdueAt(u, now, rules)) continue;
    const due = updateDue(u, rules)!;
    const candidate = { ...u, due, daysOverdue: daysOverdue(due, now) };
    if (!worst || compareOverdue(candidate, worst) < 0) worst = candidate;
  }
  return worst;
}

function compareOverdue(a: TrackedUpdate & { package: string; due: Date }, b: TrackedUpdate & { package: string; due: Date }): number {
  const rank = (u: TrackedUpdate) => RANK[u.severity ?? "security"];
  return a.due.getTime() - b.due.getTime() || rank(a) - rank(b) || a.package.localeCompare(b.package);
}

/** What a row of the list calls an update's rating: its severity, or "security" when it has none. */
export const ratingLabel = (severity: Severity | null): string => (severity ? DEADLINE_LABEL[severity] : "Security");

/** The rules in a sentence ("Critical 14 days, High 30 days, …"); kinds without a deadline left out. */
export function describeDeadlines(rules: DeadlineRules): string {
  const parts = DEADLINE_KINDS.filter((k) => rules[k] !== null).map((k) => `${DEADLINE_LABEL[k]} ${rules[k]} day${rules[k] === 1 ? "" : "s"}`);
  return parts.length ? parts.join(", ") : "No deadlines set";
}
