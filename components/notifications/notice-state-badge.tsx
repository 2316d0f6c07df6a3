import { Badge, type Tone } from "../ui/badge";

const TONES: Record<string, Tone> = { PENDING: "info", SENDING: "warning", SENT: "success", FAILED: "danger" };
const LABELS: Record<string, string> = { PENDING: "Waiting to send", SENDING: "Sending", SENT: "Sent", FAILED: "Failed" };
export const NOTICE_KIND_LABELS: Record<string, string> = {
  announce: "Announcement",
  moved: "Moved",
  cancelled: "Cancelled",
  completed: "Completed",
  "exclusion-reminder": "Exclusion reminder",
};

export function NoticeStateBadge({ state }: { state: string }) {
  return <Badge tone={TONES[state] ?? "neutral"}>{LABELS[state] ?? state}</Badge>;
}
