"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireUser } from "../auth/session";
import { createFeed, revokeFeed } from "../data/calendar-feed";
import { cancelParty, moveParty, previewRule, savePartyRule, ruleFromInput } from "../data/party-changes";
import { partyRuleProblems } from "../domain";
import { can } from "../auth/permissions";
import { CreateFeedSchema } from "../validation/calendar";
import { CancelPartySchema, KindSchema, MovePartySchema, PartyRuleSchema, TagSchema } from "../validation/party-rule";
import { invalid, type FormResult, formText } from "./result";

export async function createFeedAction(_previous: FormResult<{ url: string }>, form: FormData): Promise<FormResult<{ url: string }>> {
  const user = await requireUser();
  const parsed = CreateFeedSchema.safeParse({ name: formText(form, "name"), team: formText(form, "team"), resource: formText(form, "resource") });
  if (!parsed.success) return invalid(parsed.error);
  const { name, ...filters } = parsed.data;
  const feed = await createFeed(user, name, filters, new Date());
  if (!feed.ok) return { ok: false, message: feed.message };
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
  const parsed = MovePartySchema.safeParse({ date: formText(form, "date"), reason: formText(form, "reason") ?? "" });
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
  });
}

/** Preview (intent=preview) shows the next eight pairs; save (intent=save) applies the rule. */
export async function partyRuleAction(
  _previous: FormResult<{ preview: RulePreview; saved?: boolean }>,
  form: FormData,
): Promise<FormResult<{ preview: RulePreview; saved?: boolean }>> {
  const user = await requireUser();
  if (!can(user, { action: "party-rule:edit" })) return { ok: false, message: "Only admins can edit the party rule." };
  const parsed = ruleFromForm(form);
  if (!parsed.success) return invalid(parsed.error);
  const rule = ruleFromInput(parsed.data);
  const problems = partyRuleProblems(rule);
  if (problems.length) return { ok: false, message: problems.map((p) => p.message).join(" · ") };
  const now = new Date();
  const preview = previewRule(rule, now).map((p) => ({
    tag: p.tag,
    qa: p.qa?.startsAt.toISOString() ?? null,
    production: p.production?.startsAt.toISOString() ?? null,
  }));
  if (formText(form, "intent") !== "save") return { ok: true, message: "The next eight parties under this rule. Nothing is saved yet.", data: { preview } };
  const result = await savePartyRule(user, parsed.data, now);
  if (!result.ok) return { ok: false, message: result.message, data: { preview } };
  revalidatePath("/calendar");
  revalidatePath("/admin/party-rule");
  return {
    ok: true,
    message: `Saved. ${result.value.moved} future parties moved, ${result.value.created} added; past parties untouched.`,
    data: { preview, saved: true },
  };
}
