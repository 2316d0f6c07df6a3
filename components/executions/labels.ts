// Words and tones for what a run recorded, shared by the lists and the execution's page.
import type { ExecutionState } from "@/lib/data/executions";
import type { Tone } from "../ui/badge";

export const EXECUTION_STATES: ExecutionState[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "SKIPPED"];

export const EXECUTION_STATE_LABELS: Record<ExecutionState, string> = {
  QUEUED: "Waiting",
  RUNNING: "Running",
  SUCCEEDED: "Patched",
  FAILED: "Failed",
  SKIPPED: "Skipped",
};

export const EXECUTION_STATE_TONES: Record<ExecutionState, Tone> = {
  QUEUED: "neutral",
  RUNNING: "warning",
  SUCCEEDED: "success",
  FAILED: "danger",
  SKIPPED: "neutral",
};

export const isOpen = (state: ExecutionState) => state === "QUEUED" || state === "RUNNING";

/** A state as the URL carries it ("failed"), or null for any other text. */
export function stateParam(value: unknown): ExecutionState | null {
  const upper = typeof value === "string" ? value.toUpperCase() : "";
  return (EXECUTION_STATES as string[]).includes(upper) ? (upper as ExecutionState) : null;
}
