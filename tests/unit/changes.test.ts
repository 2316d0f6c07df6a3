import { describe, expect, it } from "vitest";
import { changeTransition, partyChangeDraft, type ChangeAction, type ChangeStateName } from "@/lib/domain";

describe("change request states", () => {
  const other = { isRequester: false };
  it("moves draft → submitted → approved or rejected, and a rejected one back to draft", () => {
    expect(changeTransition("DRAFT", "submit", other)).toEqual({ ok: true, state: "SUBMITTED" });
    expect(changeTransition("SUBMITTED", "approve", other)).toEqual({ ok: true, state: "APPROVED" });
    expect(changeTransition("SUBMITTED", "reject", other)).toEqual({ ok: true, state: "REJECTED" });
    expect(changeTransition("REJECTED", "reopen", other)).toEqual({ ok: true, state: "DRAFT" });
  });

  it("refuses every other move, and a requester deciding their own", () => {
    const states: ChangeStateName[] = ["DRAFT", "SUBMITTED", "APPROVED", "REJECTED"];
    const actions: ChangeAction[] = ["edit", "submit", "approve", "reject", "reopen"];
    const allowed = new Set(["DRAFT:edit", "DRAFT:submit", "SUBMITTED:approve", "SUBMITTED:reject", "REJECTED:reopen"]);
    for (const state of states)
      for (const action of actions) expect(changeTransition(state, action, other).ok, `${state} ${action}`).toBe(allowed.has(`${state}:${action}`));
    expect(changeTransition("APPROVED", "edit", other)).toEqual({ ok: false, message: "The change is approved: only a draft can be edited." });
    expect(changeTransition("SUBMITTED", "approve", { isRequester: true })).toMatchObject({ ok: false, message: expect.stringContaining("four eyes") });
  });

  it("writes a party's request from its slots", () => {
    const at = (h: number) => new Date(Date.UTC(2026, 11, 20, h));
    const draft = partyChangeDraft(
      { tag: "2026-Q4", startsAt: at(8), endsAt: at(17) },
      [1, 2, 3].map((g) => ({ group: g, startsAt: at(5 + 3 * g), endsAt: at(8 + 3 * g), resources: 100 * g })),
      [{ name: "Desk", email: "desk@example.com" }],
    );
    expect(draft.title).toBe("Patch Party 2026-Q4 production: 600 resources in 3 groups");
    expect(draft.rollbackPlan).toContain("Group 2: 2026-12-20 11:00 UTC – 2026-12-20 14:00 UTC, 200 resources.");
    expect(draft.contacts).toBe("Desk <desk@example.com>");
  });
});
