// What a server is missing (issue 20, docs/decisions/020-pending-updates.md): the shape of an
// update scan's report, whoever makes it (the ssh or ansible executor on the host, or the API for
// the webhook and manual executors), and the deadlines that run from when an update was first seen.
// Pure: no clock, no database.

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABEL: Record<Severity, string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low" };

/** One package a scan found pending. */
export type PendingUpdateReport = {
  package: string;
  /** null: not installed yet (a new dependency the upgrade would pull in). */
  installed: string | null;
  candidate: string;
  security: boolean;
  /** As the package manager rates it; null where it gives none (Debian's apt). */
  severity: Severity | null;
  /** Advisory and CVE ids (DSA-…, RHSA-…, CVE-…), as the package manager names them. */
  advisories: string[];
};

/** A whole scan of one server. */
export type UpdateReport = {
  packageManager: string | null;
  /** The distribution release, `<os-release ID> <VERSION_ID>` (e.g. "debian 12"); tested sets are per release. */
  release: string | null;
  /** null: the package manager could not tell. */
  rebootRequired: boolean | null;
  updates: PendingUpdateReport[];
};

/** Maps a package manager's own word for severity to ours (dnf/yum "Important", zypper "important", …). */
export function severityOf(word: string | null | undefined): Severity | null {
  switch (word?.trim().toLowerCase()) {
    case "critical":
      return "critical";
    case "important":
    case "high":
      return "high";
    case "moderate":
    case "medium":
      return "medium";
    case "low":
      return "low";
    default:
      return null;
  }
}

/** How many days an update may stay pending, per severity; `unrated`: a security update with no severity. null: no deadline. */
export type DeadlineRules = Record<Severity | "unrated", number | null>;

const DAY = 86_400_000;

/**
 * When an update must be installed by: `firstSeenAt` plus its severity's days. Only security updates
 * and rated ones have a deadline; an unrated, non-security update has none.
 */
export function updateDue(update: { security: boolean; severity: Severity | null; firstSeenAt: Date }, rules: DeadlineRules): Date | null {
  const days = update.severity ? rules[update.severity] : update.security ? rules.unrated : null;
  return days === null || days === undefined ? null : new Date(update.firstSeenAt.getTime() + days * DAY);
}
