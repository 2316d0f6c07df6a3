import { CHANGE_STATE_LABELS, type ChangeStateName } from "@/lib/domain/changes";
import { Badge, type Tone } from "../ui/badge";

const TONES: Record<ChangeStateName, Tone> = { DRAFT: "neutral", SUBMITTED: "warning", APPROVED: "success", REJECTED: "danger" };

export function ChangeStateBadge({ state }: { state: ChangeStateName }) {
  return <Badge tone={TONES[state]}>{CHANGE_STATE_LABELS[state]}</Badge>;
}
