import { MEMBER_STATE_LABELS, TEMPLATE_STATE_LABELS, type MemberStateName, type TemplateStateName } from "@/lib/domain/templates";
import { Badge, type Tone } from "../ui/badge";

const TEMPLATE_TONES: Record<TemplateStateName, Tone> = { IN_SYNC: "success", PENDING: "info", UPGRADING: "warning", PARTIALLY_APPLIED: "danger" };
const MEMBER_TONES: Record<MemberStateName, Tone> = { IN_SYNC: "success", PENDING: "info", UPGRADING: "warning", FAILED: "danger" };

export function TemplateStateBadge({ state }: { state: TemplateStateName }) {
  return <Badge tone={TEMPLATE_TONES[state]}>{TEMPLATE_STATE_LABELS[state]}</Badge>;
}

export function MemberStateBadge({ state }: { state: MemberStateName }) {
  return <Badge tone={MEMBER_TONES[state]}>{MEMBER_STATE_LABELS[state]}</Badge>;
}

/** Members on the target version out of all, as a bar with the figures beside it. */
export function SyncBar({ onTarget, total, label }: { onTarget: number; total: number; label: string }) {
  const share = total === 0 ? 1 : onTarget / total;
  return (
    <div className="flex items-center gap-2">
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={onTarget}
        className="h-2 w-28 overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-emerald-500" style={{ width: `${Math.round(share * 100)}%` }} />
      </div>
      <span className="text-xs tabular-nums text-slate-600">
        {onTarget.toLocaleString("en")} / {total.toLocaleString("en")}
      </span>
    </div>
  );
}
