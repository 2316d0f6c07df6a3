// How the rollout engine upgrades one member. The engine never waits on an executor: it starts
// an upgrade, stores the handle, and polls it on later ticks (on whichever worker runs them).
//
// To add a real executor (SSH, Ansible, Kubernetes), implement these two calls:
// - `start` begins the upgrade and returns at once. It must be idempotent for a `key`: the
//   engine may call it again with the same key if a worker died before recording the handle,
//   and the second call must return the upgrade already started, not start another.
// - `poll` says whether the upgrade behind a handle is still running, succeeded or failed. It
//   must work from any process: handles are stored in the database and outlive the worker.
// Then return it from `executorFromEnv` (lib/rollout/executors.ts).

export type UpgradeRequest = {
  /** Stable for one member in one run: `${runId}:${memberId}`. */
  key: string;
  memberName: string;
  fromVersion: string;
  toVersion: string;
};

export type Started = { handle: string; expectedAt: Date };

export type Progress = { state: "running" } | { state: "succeeded" } | { state: "failed"; message: string };

export interface Executor {
  readonly name: string;
  start(request: UpgradeRequest, now: Date): Promise<Started>;
  poll(handle: string, now: Date): Promise<Progress>;
}
