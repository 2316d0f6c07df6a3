"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "../auth/session";
import { createFeed, revokeFeed } from "../data/calendar-feed";
import { cancelParty, moveParty, previewRule, previewRuleChange, savePartyRule, ruleFromInput, type RuleMoveView } from "../data/party-changes";
import { partyRuleProblems } from "../domain";
import { can } from "../auth/permissions";
import { CreateFeedSchema } from "../validation/calendar";
import { CancelPartySchema, KindSchema, MovePartySchema, PartyRuleSchema, TagSchema } from "../validation/party-rule";
import { invalid, type FormResult, formText } from "./result";

export async function createFeedAction(_previous: FormResult<{ url: string }>, form: FormData): Promise<FormResult<{ url: string }>> {
  const user = await requireUser();
  const parsed = CreateFeedSchema.safeParse({
    name: formText(form, "name"),
    team: formText(form, "team"),
    resource: formText(form, "resource"),
    windows: formText(form, "windows"),
  });
  if (!parsed.success) return invalid(parsed.error);
  const { name, ...filters } = parsed.data;
  const feed = await createFeed(user, name, filters, new Date());
  if (!feed.ok)
    return feed.code === "team" || feed.code === "resource"
      ? { ok: false, message: "Check the highlighted fields.", fieldErrors: { [feed.code]: [feed.message] } }
      : { ok: false, message: feed.message };
  revalidatePath("/calendar");
  return {
    ok: true,
    message: "Copy this address into your calendar app now: it is shown once.",
    data: { url: `/api/v1/calendar.ics?key=${feed.value.secret}` },
  };
}

export async function revokeFeedAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const id = z.string().min(1).max(40).safeParse(formText(form, "id"));
  if (!id.success) return { ok: false, message: "Which feed? Reload the page." };
  const result = await revokeFeed(user, id.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath("/calendar");
  return { ok: true, message: "Feed revoked." };
}

function partyParams(form: FormData) {
  const tag = TagSchema.safeParse(formText(form, "tag"));
  const kind = KindSchema.safeParse(formText(form, "kind"));
  return tag.success && kind.success ? { tag: tag.data, kind: kind.data } : null;
}

export async function movePartyAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const party = partyParams(form);
  if (!party) return { ok: false, message: "Which party? Reload the page." };
  const parsed = MovePartySchema.safeParse({
    date: formText(form, "date"),
    reason: formText(form, "reason") ?? "",
    shortNotice: formText(form, "shortNotice") === "on",
  });
  if (!parsed.success) return invalid(parsed.error);
  const result = await moveParty(user, party.tag, party.kind, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/parties/${party.tag}/${party.kind}`);
  return { ok: true, message: `Moved to ${result.value.localDate}.` };
}

export async function cancelPartyAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const party = partyParams(form);
  if (!party) return { ok: false, message: "Which party? Reload the page." };
  const parsed = CancelPartySchema.safeParse({ reason: formText(form, "reason") ?? "" });
  if (!parsed.success) return invalid(parsed.error);
  const result = await cancelParty(user, party.tag, party.kind, parsed.data.reason, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/parties/${party.tag}/${party.kind}`);
  return { ok: true, message: "Party cancelled." };
}

export type RulePreview = { tag: string; qa: string | null; production: string | null }[];

/** A party a rule change moves (or would move), its times as ISO-8601 instants. */
export type RuleMoveRow = {
  tag: string;
  kind: "qa" | "production";
  from: string;
  to: string;
  announced: boolean;
  soon: boolean;
  approved: boolean;
  /** It keeps its date unless the admin ticks "also move…". */
  kept: boolean;
};
export type RuleFormData = { preview: RulePreview; moves: RuleMoveRow[]; saved?: boolean };

const moveRows = (change: { moves: RuleMoveView[]; kept: RuleMoveView[] }): RuleMoveRow[] => {
  const kept = new Set(change.kept.map((k) => `${k.tag}:${k.kind}`));
  return change.moves.map((m) => ({
    tag: m.tag,
    kind: m.kind,
    from: m.from.startsAt.toISOString(),
    to: m.to.startsAt.toISOString(),
    announced: m.announced,
    soon: m.soon,
    approved: m.approved,
    kept: kept.has(`${m.tag}:${m.kind}`),
  }));
};

/** The rule form's input for a path of PartyRuleSchema: `qaSlots.0.start` is `qa1Start`, `businessHours.end` is `businessEnd`. */
function ruleField(path: string): string {
  const slot = /^(qa|production)Slots\.(\d)\.(start|end)$/.exec(path);
  if (slot) return `${slot[1] === "qa" ? "qa" : "prod"}${Number(slot[2]) + 1}${slot[3] === "start" ? "Start" : "End"}`;
  if (path === "businessHours.start") return "businessStart";
  if (path === "businessHours.end") return "businessEnd";
  return path;
}

function ruleFromForm(form: FormData) {
  const slot = (prefix: string, g: number) => ({ start: formText(form, `${prefix}${g}Start`), end: formText(form, `${prefix}${g}End`) });
  return PartyRuleSchema.safeParse({
    timeZone: formText(form, "timeZone"),
    qaMonthOfQuarter: formText(form, "qaMonthOfQuarter"),
    qaThursdayOfMonth: formText(form, "qaThursdayOfMonth"),
    businessHours: { start: formText(form, "businessStart"), end: formText(form, "businessEnd") },
    productionMinGapDays: formText(form, "productionMinGapDays"),
    qaSlots: [1, 2, 3].map((g) => slot("qa", g)),
    productionSlots: [1, 2, 3].map((g) => slot("prod", g)),
    revision: formText(form, "revision"),
    moveAnnounced: formText(form, "moveAnnounced") === "on",
  });
}

/** Preview (intent=preview) shows the next eight pairs and every party that would move; save (intent=save) applies the rule. */
export async function partyRuleAction(_previous: FormResult<RuleFormData>, form: FormData): Promise<FormResult<RuleFormData>> {
  const user = await requireUser();
  if (!can(user, { action: "party-rule:edit" })) return { ok: false, message: "Only admins can edit the party rule." };
  const parsed = ruleFromForm(form);
  if (!parsed.success) return invalid(parsed.error, ruleField);
  const rule = ruleFromInput(parsed.data);
  const problems = partyRuleProblems(rule);
  if (problems.length) return { ok: false, message: problems.map((p) => p.message).join(" · ") };
  const now = new Date();
  const preview = previewRule(rule, now).map((p) => ({
    tag: p.tag,
    qa: p.qa?.startsAt.toISOString() ?? null,
    production: p.production?.startsAt.toISOString() ?? null,
  }));
  const moveAnnounced = parsed.data.moveAnnounced === true;
  if (formText(form, "intent") !== "save") {
    const moves = moveRows(await previewRuleChange(rule, now, moveAnnounced));
    const kept = moves.filter((m) => m.kept).length;
    return {
      ok: true,
      message: `The next eight parties under this rule; ${moves.length} stored ${moves.length === 1 ? "party" : "parties"} would move${kept ? `, ${kept} of them only if you tick "Also move…" (they keep their dates otherwise)` : ""}. Nothing is saved yet.`,
      data: { preview, moves },
    };
  }
  const result = await savePartyRule(user, parsed.data, now);
  if (!result.ok) return { ok: false, message: result.message, data: { preview, moves: [] } };
  revalidatePath("/calendar");
  revalidatePath("/admin/party-rule");
  const { moved, created, kept } = result.value;
  const keptText = kept.length ? ` ${kept.length} kept their dates: ${kept.map((k) => `${k.tag} ${k.kind === "qa" ? "QA" : "production"}`).join(", ")}.` : "";
  return {
    ok: true,
    message: `Saved. ${moved} future parties moved, ${created} added; past parties untouched.${keptText}`,
    data: { preview, moves: moveRows({ moves: [...result.value.movedParties, ...kept], kept }), saved: true },
  };
}
