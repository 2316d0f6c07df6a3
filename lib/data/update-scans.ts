// When servers are scanned for pending updates (issue 20, decision 020): on demand, once a day,
// and again in the day before each party of their environment. The scan itself runs in the job
// runner (lib/rollout/update-scan.ts) through the executor that patches party slots; the webhook
// and manual executors do not reach servers, so their servers are reported over the API instead.
import "server-only";
import { sql } from "kysely";
import { can, type CurrentUser } from "../auth/permissions";
import { db, execute, qb } from "../db";
import { defaultExecutor, type ExecutorName } from "../domain";
import { env } from "../env";
import { queueJob } from "./executions";
import { holdsDemoData } from "./installation";
import type { Outcome } from "./outcome";

export const SCAN_TASK = "scan_updates";
/** Executors that reach a server themselves, and so can ask it what is pending. */
export const SCANNING_EXECUTORS: readonly ExecutorName[] = ["ssh", "ansible"];

const HOUR = 3_600_000;
/** Every server is scanned at least this often. */
export const SCAN_EVERY_HOURS = 24;
/** In the day before a party, its servers are scanned again when their last scan is older than this. */
export const SCAN_BEFORE_PARTY_HOURS = 6;
/** At most this many scans are queued by one planning run (it runs every hour). */
const PLAN_LIMIT = 2_000;

/** The executor that scans: the one that patches party slots (the party rule's choice, or the installation's). */
export async function scanningExecutor(): Promise<ExecutorName> {
  const rule = await db.partyRule.findUnique({ where: { id: "default" }, select: { slotExecutor: true } });
  return (rule?.slotExecutor as ExecutorName | null) ?? defaultExecutor(env().PATCHPARTY_EXECUTOR, await holdsDemoData()).name;
}

const jobKey = (resourceId: string) => `scan:${resourceId}`;

/** "Scan now" on a server's page or over the API: its owners and admins. */
export async function requestScan(user: CurrentUser, name: string): Promise<Outcome<{ queued: true; executor: ExecutorName }>> {
  const resource = await db.resource.findUnique({ where: { name }, select: { id: true, teamId: true, address: true } });
  if (!resource) return { ok: false, status: 404, code: "not_found", message: `No resource is named "${name}".` };
  if (!can(user, { action: "resource:scan", target: { teamId: resource.teamId } }))
    return { ok: false, status: 403, code: "forbidden", message: "Only the server's team owners and admins may scan it." };
  const executor = await scanningExecutor();
  if (!SCANNING_EXECUTORS.includes(executor)) {
    return {
      ok: false,
      status: 409,
      code: "executor_cannot_scan",
      message: `Party slots are patched by the ${executor} executor, which does not reach servers: report ${name}'s pending updates with PUT /api/v1/resources/${encodeURIComponent(name)}/updates.`,
    };
  }
  if (!resource.address)
    return { ok: false, status: 409, code: "no_address", message: `${name} has no address: set one on its page so the ${executor} executor can reach it.` };
  await db.$transaction((tx) => queueJob(tx, SCAN_TASK, { resourceId: resource.id }, { jobKey: jobKey(resource.id), maxAttempts: 1 }));
  return { ok: true, value: { queued: true, executor } };
}

/**
 * Queues the scans due at `now` (the hourly `plan_update_scans` job): servers never scanned or not
 * for SCAN_EVERY_HOURS, and those of an environment whose party starts within a day, not scanned
 * for SCAN_BEFORE_PARTY_HOURS. Only servers with an address, and only when the executor scans.
 */
export async function planScans(now: Date): Promise<number> {
  if (!SCANNING_EXECUTORS.includes(await scanningExecutor())) return 0;
  const stale = new Date(now.getTime() - SCAN_EVERY_HOURS * HOUR);
  const beforeParty = new Date(now.getTime() - SCAN_BEFORE_PARTY_HOURS * HOUR);
  const soon = await execute(
    qb
      .selectFrom("Party")
      .select("kind")
      .distinct()
      .where("status", "=", "PLANNED")
      .where("startsAt", ">", now)
      .where("startsAt", "<=", new Date(now.getTime() + 24 * HOUR)),
  );
  const environments = soon.map((p) => (p.kind === "PRODUCTION" ? ("PRODUCTION" as const) : ("NON_PRODUCTION" as const)));
  const due = await execute(
    qb
      .selectFrom("Resource as r")
      .leftJoin("UpdateScan as s", "s.resourceId", "r.id")
      .select("r.id")
      .where("r.address", "is not", null)
      .where("r.retiredAt", "is", null)
      .where((eb) =>
        eb.or([
          eb("s.resourceId", "is", null),
          eb(eb.fn.coalesce("s.erroredAt", "s.scannedAt"), "<", stale),
          ...(environments.length
            ? [eb.and([eb("r.environment", "in", environments), eb(eb.fn.coalesce("s.erroredAt", "s.scannedAt"), "<", beforeParty)])]
            : []),
        ]),
      )
      .orderBy(sql`s."scannedAt" nulls first`)
      .limit(PLAN_LIMIT),
  );
  if (due.length === 0) return 0;
  await db.$transaction(async (tx) => {
    for (const r of due) await queueJob(tx, SCAN_TASK, { resourceId: r.id }, { jobKey: jobKey(r.id), maxAttempts: 1 });
  });
  return due.length;
}
