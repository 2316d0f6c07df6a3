// The executor this process upgrades members with, chosen by PATCHPARTY_EXECUTOR.
import { env } from "../env";
import type { Executor } from "./executor";
import { simulatedExecutor } from "./simulated";

export function executorFromEnv(): Executor {
  const e = env();
  switch (e.PATCHPARTY_EXECUTOR) {
    case "simulated":
      return simulatedExecutor({ durationSeconds: e.PATCHPARTY_SIM_SECONDS, failureRate: e.PATCHPARTY_SIM_FAILURE_RATE });
  }
}
