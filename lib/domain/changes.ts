// Change requests (seeds/001, product.md "Change and rollout"): every production party and every
// fleet upgrade carries one. Draft → submitted → approved or rejected by an approver, who may
// not decide their own request. A rejected request can be reopened as a draft and resubmitted.

export type ChangeStateName = "DRAFT" | "SUBMITTED" | "APPROVED" | "REJECTED";
export type ChangeAction = "edit" | "submit" | "approve" | "reject" | "reopen";

export const CHANGE_STATE_LABELS: Record<ChangeStateName, string> = {
  DRAFT: "Draft",
  SUBMITTED: "Waiting for approval",
  APPROVED: "Approved",
  REJECTED: "Rejected",
};

const ALLOWED: Record<ChangeAction, ChangeStateName[]> = {
  edit: ["DRAFT"],
  submit: ["DRAFT"],
  approve: ["SUBMITTED"],
  reject: ["SUBMITTED"],
  reopen: ["REJECTED"],
};

const NEXT: Record<ChangeAction, ChangeStateName> = { edit: "DRAFT", submit: "SUBMITTED", approve: "APPROVED", reject: "REJECTED", reopen: "DRAFT" };

/** The state after `action`, or why it cannot happen. */
export function changeTransition(
  state: ChangeStateName,
  action: ChangeAction,
  who: { isRequester: boolean },
): { ok: true; state: ChangeStateName } | { ok: false; message: string } {
  if (!ALLOWED[action].includes(state)) {
    const label = CHANGE_STATE_LABELS[state].toLowerCase();
    const messages: Record<ChangeAction, string> = {
      edit: `The change is ${label}: only a draft can be edited.`,
      submit: `The change is ${label}: only a draft can be submitted.`,
      approve: `The change is ${label}: only a submitted change can be approved.`,
      reject: `The change is ${label}: only a submitted change can be rejected.`,
      reopen: `The change is ${label}: only a rejected change can be reopened.`,
    };
    return { ok: false, message: messages[action] };
  }
  if ((action === "approve" || action === "reject") && who.isRequester)
    return { ok: false, message: "You requested this change, so someone else must decide it (four eyes)." };
  return { ok: true, state: NEXT[action] };
}

export type ScopeGroup = { group: number; startsAt: Date; endsAt: Date; resources: number };

export type ChangeDraft = { title: string; plannedStart: Date; plannedEnd: Date; rollbackPlan: string; acceptanceCriteria: string; contacts: string };

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** A production party's change request, written from its schedule so nobody retypes it. */
export function partyChangeDraft(
  party: { tag: string; startsAt: Date; endsAt: Date },
  groups: ScopeGroup[],
  contacts: { name: string; email: string }[],
): ChangeDraft {
  const total = groups.reduce((sum, g) => sum + g.resources, 0);
  return {
    title: `Patch Party ${party.tag} production: ${total.toLocaleString("en")} resources in ${groups.length} groups`,
    plannedStart: party.startsAt,
    plannedEnd: party.endsAt,
    rollbackPlan: [
      "Each group is patched in its own slot; a failing group stops the rollout before the next slot.",
      "Before each slot, take the platform snapshot of every resource in the group.",
      "To roll back a resource: revert to its snapshot (or downgrade the patched packages from the package history) and reboot; record the outcome as failed with the reason.",
      ...groups.map((g) => `Group ${g.group}: ${utc(g.startsAt)} – ${utc(g.endsAt)}, ${g.resources.toLocaleString("en")} resources.`),
    ].join("\n"),
    acceptanceCriteria: [
      "Every resource in scope is patched or excluded with a reason.",
      "Services of every group pass their health checks within 30 minutes of the slot's end.",
      "Failures stay under the rollout's threshold; each failure has a follow-up owner.",
    ].join("\n"),
    contacts: contacts.map((c) => `${c.name} <${c.email}>`).join("\n"),
  };
}

/** A fleet template upgrade's change request, for its next window. */
export function templateChangeDraft(
  template: { name: string; fromVersions: string[]; targetVersion: string; members: number },
  window: { scheduleName: string; start: Date; end: Date },
  contacts: { name: string; email: string }[],
): ChangeDraft {
  return {
    title: `Upgrade ${template.name} to ${template.targetVersion} (${template.members.toLocaleString("en")} members)`,
    plannedStart: window.start,
    plannedEnd: window.end,
    rollbackPlan: [
      `Members are upgraded a few at a time inside the window "${window.scheduleName}" (${utc(window.start)} – ${utc(window.end)}).`,
      `A member that fails stays on ${template.fromVersions.join(" / ")}; the template is partially applied and no further version is rolled out.`,
      `To roll back: set the target version back to ${template.fromVersions[0] ?? "the previous version"} and use "Upgrade now".`,
    ].join("\n"),
    acceptanceCriteria: [`Every member reports ${template.targetVersion}.`, "Every member passes its health check after the upgrade."].join("\n"),
    contacts: contacts.map((c) => `${c.name} <${c.email}>`).join("\n"),
  };
}

/** A party's or an upgrade's current change request, as the pages and the engines read it. */
export type ChangeStatus = { id: string; state: ChangeStateName } | null;

/** Why a production party or a fleet upgrade may not start, or null when its change is approved. */
export function blockedReason(change: ChangeStatus): string | null {
  if (!change) return "It has no change request yet.";
  if (change.state === "APPROVED") return null;
  if (change.state === "REJECTED") return "Its change request was rejected.";
  return change.state === "DRAFT" ? "Its change request is a draft, not submitted yet." : "Its change request is waiting for approval.";
}

/** Why a production party may not start: an admin's hold first, then its change request. */
export function partyBlockedReason(party: { held: { by: string; reason: string } | null }, change: ChangeStatus): string | null {
  if (party.held) return `Held by ${party.held.by}: ${party.held.reason}`;
  return blockedReason(change);
}

/** A window as a change binds it: its start and end and, for a party, its slots. */
export type BoundWindow = { startsAt: Date; endsAt: Date; slots: readonly { group: number; startsAt: Date; endsAt: Date }[] };

const sameInstant = (a: Date, b: Date) => a.getTime() === b.getTime();
const span = (w: { startsAt: Date; endsAt: Date }) => `${utc(w.startsAt)} – ${utc(w.endsAt)}`;

/**
 * What changed between the window a change was approved for and the window it has now (issue 16),
 * in words for the change's note and the approver's e-mail; null when nothing did.
 */
export function windowDrift(approved: BoundWindow, current: BoundWindow): string | null {
  const parts: string[] = [];
  if (!sameInstant(approved.startsAt, current.startsAt) || !sameInstant(approved.endsAt, current.endsAt))
    parts.push(`its window moved from ${span(approved)} to ${span(current)}`);
  const before = new Map(approved.slots.map((s) => [s.group, s]));
  const after = new Map(current.slots.map((s) => [s.group, s]));
  for (const group of [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b)) {
    const [was, is] = [before.get(group), after.get(group)];
    if (was && is && sameInstant(was.startsAt, is.startsAt) && sameInstant(was.endsAt, is.endsAt)) continue;
    // A moved window moves its slots with it: say so only when a slot changed otherwise.
    if (was && is && parts.length && is.startsAt.getTime() - was.startsAt.getTime() === current.startsAt.getTime() - approved.startsAt.getTime()) {
      if (is.endsAt.getTime() - is.startsAt.getTime() === was.endsAt.getTime() - was.startsAt.getTime()) continue;
    }
    parts.push(
      !was
        ? `group ${group}'s slot was added (${span(is!)})`
        : !is
          ? `group ${group}'s slot was removed (was ${span(was)})`
          : `group ${group}'s slot changed from ${span(was)} to ${span(is)}`,
    );
  }
  if (parts.length === 0) return null;
  const text = parts.join("; ");
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** Why an approved change no longer holds, as the change's note says it. */
export const driftNote = (drift: string, approvedAt: Date | null) =>
  `${drift} It was approved${approvedAt ? ` on ${utc(approvedAt)}` : ""} for the old window: an approver must decide again.`;
