import type { ExecutionState } from "@/lib/data/executions";
import { Badge } from "../ui/badge";
import { EXECUTION_STATE_LABELS, EXECUTION_STATE_TONES } from "./labels";

/** Which executor ran the member; a simulated one is marked as made up. */
export function ExecutorBadge({ executor }: { executor: string }) {
  if (executor === "simulated") {
    return (
      <span title="Simulated: no server was touched; the outcome is made up (demo and tests).">
        <Badge tone="warning">
          simulated<span className="sr-only"> (made up: no server was touched)</span>
        </Badge>
      </span>
    );
  }
  return <Badge tone={executor === "manual" ? "neutral" : "info"}>{executor}</Badge>;
}

export function ExecutionStateBadge({ state }: { state: ExecutionState }) {
  return <Badge tone={EXECUTION_STATE_TONES[state]}>{EXECUTION_STATE_LABELS[state]}</Badge>;
}
