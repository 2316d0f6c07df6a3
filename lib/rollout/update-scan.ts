// The `scan_updates` job (issue 20, decision 020): asks one server which updates are pending and
// whether it waits for a reboot, and records the answer (lib/data/updates.ts). The ssh executor's
// script does the asking; the ansible executor reaches servers with the same SSH settings (key,
// known hosts, user), so its servers are asked the same way.
import "server-only";
import { db } from "../db";
import { recordScan, recordScanError } from "../data/updates";
import { scanningExecutor, SCANNING_EXECUTORS } from "../data/update-scans";
import { runSshScan, sshConfigFromEnv, type SshConfig } from "./ssh";

/** Scans `resourceId` now; a server that cannot be scanned keeps its last result and shows why. */
export async function runUpdateScan(resourceId: string, options: { config?: SshConfig; now?: () => Date } = {}): Promise<"scanned" | "failed" | "skipped"> {
  const now = options.now ?? (() => new Date());
  const executor = await scanningExecutor();
  if (!SCANNING_EXECUTORS.includes(executor)) return "skipped";
  const resource = await db.resource.findUnique({ where: { id: resourceId }, select: { name: true, address: true, sshPort: true, sshUser: true } });
  if (!resource) return "skipped";
  const result = await runSshScan(
    { memberName: resource.name, address: resource.address, port: resource.sshPort, user: resource.sshUser },
    options.config ?? sshConfigFromEnv(),
  );
  if (!result.ok) {
    await recordScanError(resourceId, result.error, executor, now());
    return "failed";
  }
  await recordScan(resourceId, result.report, executor, now());
  return "scanned";
}
