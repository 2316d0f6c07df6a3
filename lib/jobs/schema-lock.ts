/**
 * The advisory lock under which a worker installs graphile-worker's schema (exclusive) and the web
 * process adds a job (shared): adding a job while a migration alters the job tables deadlocked
 * the installing worker.
 */
import "server-only";
export const SCHEMA_LOCK = "patchparty:graphile-worker-schema";
