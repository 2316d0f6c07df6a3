// A server's pending updates as /api/v1 shows them (ISO-8601 UTC times).
import "server-only";
import type { ServerUpdates } from "../data/updates";

const iso = (at: Date | null) => at?.toISOString() ?? null;

export function serverUpdatesJson(resource: string, { scan, updates }: ServerUpdates) {
  return {
    resource,
    scan: scan
      ? {
          scannedAt: scan.scannedAt.toISOString(),
          source: scan.source,
          packageManager: scan.packageManager,
          release: scan.release,
          rebootRequired: scan.rebootRequired,
          error: scan.error,
          erroredAt: iso(scan.erroredAt),
        }
      : null,
    updates: updates.map((u) => ({
      package: u.package,
      installed: u.installed,
      candidate: u.candidate,
      security: u.security,
      severity: u.severity,
      advisories: u.advisories,
      firstSeenAt: u.firstSeenAt.toISOString(),
    })),
  };
}
