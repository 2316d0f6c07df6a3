// The simulated executor of the demo and the tests: each upgrade takes about `durationSeconds`
// and fails with probability `failureRate`, both drawn from a hash of the upgrade's key, so the
// same key always gives the same result. Its rows say they are simulated (executor "simulated",
// a message saying no server was touched); the clock alone finishes them at their `expectedAt`
// (settleExecutions).
// It runs only on the demo data or when asked for by name (lib/rollout/executors.ts).
import "server-only";
import { createHash } from "node:crypto";
import { recordExecutions } from "../data/executions";
import type { Executor } from "./executor";
import type { UpgradeRequest } from "../domain";

export type SimulatedOptions = {
  durationSeconds: number;
  failureRate: number;
  /** 0 = every upgrade takes exactly durationSeconds; 0.5 = 50 % to 150 % of it. */
  jitter?: number;
  /** Tests: these members fail whatever the rate says. */
  failWhen?: (request: UpgradeRequest) => boolean;
};

function uniform(key: string, salt: string): number {
  return createHash("sha256").update(`${salt}:${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

/** When a simulated upgrade started at `now` finishes, and whether it fails: the same for the same key. */
export function simulatedOutcome(request: UpgradeRequest, options: SimulatedOptions, now: Date): { finishAt: Date; fails: boolean } {
  const jitter = options.jitter ?? 0.5;
  const seconds = options.durationSeconds * (1 - jitter + 2 * jitter * uniform(request.key, "duration"));
  const fails = options.failWhen?.(request) ?? uniform(request.key, "failure") < options.failureRate;
  return { finishAt: new Date(now.getTime() + Math.round(seconds * 1000)), fails };
}

export function simulatedExecutor(options: SimulatedOptions): Executor {
  return {
    name: "simulated",
    async start(tx, requests, now) {
      const rows = requests.map((request) => {
        const { finishAt, fails } = simulatedOutcome(request, options, now);
        return { ...request, expectedAt: finishAt, extra: { fails } };
      });
      await recordExecutions(tx, "simulated", rows, "RUNNING", now);
    },
  };
}
