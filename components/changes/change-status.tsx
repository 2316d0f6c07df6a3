import Link from "next/link";
import { blockedReason, partyBlockedReason, type ChangeStatus } from "@/lib/domain";
import { Alert } from "../ui/alert";
import { ChangeStateBadge } from "./change-state-badge";
import { OpenChangeButton } from "./open-change-button";

/** A party's or an upgrade's change request: its state, why it blocks, and a button to open one. */
export function ChangeStatusPanel({
  change,
  subject,
  mayOpen,
  open,
  held = null,
}: {
  change: ChangeStatus;
  subject: string;
  mayOpen: boolean;
  open: { partyTag: string } | { templateId: string };
  held?: { by: string; reason: string } | null;
}) {
  const blocked = held ? partyBlockedReason({ held }, change) : blockedReason(change);
  return (
    <div className="space-y-3 text-sm" data-testid="change-status">
      {change ? (
        <p>
          Change request:{" "}
          <Link href={`/changes/${change.id}`} className="text-indigo-700 underline hover:no-underline">
            <ChangeStateBadge state={change.state} />
          </Link>
        </p>
      ) : null}
      {blocked ? (
        <Alert tone="warning">
          Blocked: {subject} does not start. {blocked}
        </Alert>
      ) : (
        <p className="text-emerald-700">Approved: {subject} may start in its window.</p>
      )}
      {mayOpen && (!change || change.state === "REJECTED") ? <OpenChangeButton open={open} /> : null}
    </div>
  );
}
