// Asking the job runner for work now rather than at its next minute, from the web process.
import "server-only";
import { sql } from "kysely";
import { db, execute, qb } from "../db";
import { SCHEMA_LOCK } from "./schema-lock";

/**
 * Queues a rollout tick to run at once ("Upgrade now", a new target version). One queued tick
 * at most (job key). Before any worker has started, graphile-worker's schema does not exist
 * yet; the first worker's minute tick does the work then, so a failure here is not an error.
 * While a worker installs that schema, this waits (the shared side of the install lock).
 */
export async function requestRolloutTick(): Promise<boolean> {
  try {
    // Two statements: add_job is looked up only once the lock is held. Neither is in the typed
    // schema; the lock's result (void) is read as text. A worker installing the schema may hold
    // the lock a while: up to a minute is waited (a transaction's default is 5 s).
    await db.$transaction(
      async (tx) => {
        await execute(qb.selectNoFrom(sql<string>`pg_advisory_xact_lock_shared(hashtext(${SCHEMA_LOCK}))::text`.as("locked")), tx);
        await execute(
          qb.selectNoFrom(sql<unknown>`graphile_worker.add_job('rollout_tick', json_build_object(), job_key := 'rollout_tick', run_at := now())`.as("job")),
          tx,
        );
      },
      { timeout: 60_000 },
    );
    return true;
  } catch {
    return false;
  }
}
