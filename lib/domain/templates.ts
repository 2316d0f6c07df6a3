// Fleet templates (product.md "Maintenance policy"): a fleet that must share one version. The
// template's state follows from its members' versions and its runs; a version bump is refused
// while members are on different versions or an upgrade is running.

export type TemplateStateName = "IN_SYNC" | "PENDING" | "UPGRADING" | "PARTIALLY_APPLIED";

export const TEMPLATE_STATE_LABELS: Record<TemplateStateName, string> = {
  IN_SYNC: "In sync",
  PENDING: "Pending",
  UPGRADING: "Upgrading",
  PARTIALLY_APPLIED: "Partially applied",
};

export type MemberStateName = "IN_SYNC" | "PENDING" | "UPGRADING" | "FAILED";

export const MEMBER_STATE_LABELS: Record<MemberStateName, string> = {
  IN_SYNC: "In sync",
  PENDING: "Pending",
  UPGRADING: "Upgrading",
  FAILED: "Failed",
};

/** "1.0.0", "2.13.4-rc.1", "1.29.3+build.7": numbers first, then an optional label. */
export const VERSION_PATTERN = /^\d{1,6}(\.\d{1,6}){0,3}([-+][0-9A-Za-z][0-9A-Za-z.+-]{0,40})?$/;

export type TemplateFacts = {
  targetVersion: string;
  /** The distinct versions the members are on now. */
  memberVersions: string[];
  /** A run (window or "Upgrade now") is in progress. */
  running: boolean;
  /** The last run for the current target ended with members left behind. */
  lastRunFellShort: boolean;
};

export function templateState(facts: TemplateFacts): TemplateStateName {
  if (facts.running) return "UPGRADING";
  if (facts.memberVersions.length > 1) return "PARTIALLY_APPLIED";
  const [only] = facts.memberVersions;
  if (only === undefined || only === facts.targetVersion) return "IN_SYNC";
  return facts.lastRunFellShort ? "PARTIALLY_APPLIED" : "PENDING";
}

/** Why a new target version cannot be set now, or null when it can. */
export function bumpRefusal(state: TemplateStateName, currentTarget: string, next: string): string | null {
  if (next === currentTarget) return `The target version is already ${next}.`;
  if (state === "PARTIALLY_APPLIED")
    return `The template is partially applied: its members are not all on ${currentTarget} yet. New versions are blocked until every member is on one version again — wait for the next upgrade window or use "Upgrade now".`;
  if (state === "UPGRADING") return `An upgrade to ${currentTarget} is running. Set a new version once it has finished.`;
  return null;
}

/** Why "Upgrade now" cannot start, or null when it can. */
export function upgradeNowRefusal(state: TemplateStateName, target: string): string | null {
  if (state === "IN_SYNC") return `Every member is already on ${target}: there is nothing to upgrade.`;
  if (state === "UPGRADING") return `An upgrade to ${target} is already running.`;
  return null;
}

/** How many of a policy's next windows to look through for an upgrade's window. */
export const UPGRADE_WINDOW_LOOKAHEAD = 8;

type RunOfWindow = { version: string; windowStart: Date; state: string };

/**
 * The window a pending upgrade runs in: the first window open now or to come that opened after
 * the target was set (the engine applies the target as it is at a window's start) and has not
 * had its closed run for that version yet. `windows` are the policy's next few windows, in time order.
 */
export function upgradeWindow<W extends { start: Date; end: Date }>(windows: W[], target: { version: string; setAt: Date }, runs: RunOfWindow[]): W | null {
  const ran = new Set(
    runs.filter((r) => r.version === target.version && (r.state === "COMPLETED" || r.state === "PARTIAL")).map((r) => r.windowStart.getTime()),
  );
  return windows.find((w) => w.start >= target.setAt && !ran.has(w.start.getTime())) ?? null;
}
