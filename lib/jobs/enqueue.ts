// Asking the job runner for work now rather than at its next minute, from the web process.
import { db } from "../db";
import { SCHEMA_LOCK } from "./schema-lock";

/**
 * Queues a rollout tick to run at once ("Upgrade now", a new target version). One queued tick
 * at most (job key). Before any worker has started, graphile-worker's schema does not exist
 * yet; the first worker's minute tick does the work then, so a failure here is not an error.
 * While a worker installs that schema, this waits (the shared side of the install lock).
 */
export async function requestRolloutTick(): Promise<boolean> {
  try {
    await db.$transaction([
      db.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtext(${SCHEMA_LOCK}))`,
      db.$executeRaw`SELECT graphile_worker.add_job('rollout_tick', json_build_object(), job_key := 'rollout_tick', run_at := now())`,
    ]);
    return true;
  } catch {
    return false;
  }
}
