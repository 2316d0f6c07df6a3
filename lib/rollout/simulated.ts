// The simulated executor of the demo and the tests: each upgrade takes about `durationSeconds`
// and fails with probability `failureRate`. Both are drawn from a hash of the upgrade's key, so
// the same key always gives the same result, and the handle carries everything `poll` needs:
// any worker can poll it, and the test's clock alone decides when it finishes.
import { createHash } from "node:crypto";
import type { Executor, Progress, Started, UpgradeRequest } from "./executor";

export type SimulatedOptions = {
  durationSeconds: number;
  failureRate: number;
  /** 0 = every upgrade takes exactly durationSeconds; 0.5 = 50 % to 150 % of it. */
  jitter?: number;
};

function uniform(key: string, salt: string): number {
  return createHash("sha256").update(`${salt}:${key}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function simulatedExecutor(options: SimulatedOptions): Executor {
  const jitter = options.jitter ?? 0.5;
  return {
    name: "simulated",
    async start(request: UpgradeRequest, now: Date): Promise<Started> {
      const seconds = options.durationSeconds * (1 - jitter + 2 * jitter * uniform(request.key, "duration"));
      const expectedAt = new Date(now.getTime() + Math.round(seconds * 1000));
      const fails = uniform(request.key, "failure") < options.failureRate;
      return { handle: `sim:${expectedAt.getTime()}:${fails ? "fail" : "ok"}`, expectedAt };
    },
    async poll(handle: string, now: Date): Promise<Progress> {
      const match = /^sim:(\d+):(ok|fail)$/.exec(handle);
      if (!match) return { state: "failed", message: `The simulated executor does not know the handle "${handle}".` };
      if (now.getTime() < Number(match[1])) return { state: "running" };
      return match[2] === "ok" ? { state: "succeeded" } : { state: "failed", message: "Simulated failure: the health check did not pass after the upgrade." };
    },
  };
}
