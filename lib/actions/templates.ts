"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { CurrentUser } from "../auth/permissions";
import { requireUser } from "../auth/session";
import type { Outcome } from "../data/outcome";
import { resumeTemplateRun } from "../data/runs";
import { createTemplate, updateTemplate, upgradeNow } from "../data/templates";
import { requestRolloutTick } from "../jobs/enqueue";
import { saveTemplatePlan } from "../data/upgrade-plans";
import { TemplatePlanFormSchema } from "../validation/plans";
import { can } from "../auth/permissions";
import { countQueryMatches } from "../data/template-members";
import {
  MEMBER_QUERY_FIELDS,
  MemberQueryFormSchema,
  EXECUTION_FIELDS,
  SAFETY_FIELDS,
  TemplateCreateFormSchema,
  TemplatePatchSchema,
} from "../validation/templates";
import { invalid, type FormResult, formText } from "./result";

const IdSchema = z.string().min(1).max(40);

export async function createTemplateAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const parsed = TemplateCreateFormSchema.safeParse({
    name: formText(form, "name") ?? "",
    policyId: formText(form, "policyId") ?? "",
    targetVersion: formText(form, "targetVersion") ?? "",
    concurrency: formText(form, "concurrency") || undefined,
    members: formText(form, "members") ?? "",
    memberQuery: queryFields(form),
  });
  if (!parsed.success) return invalid(parsed.error);
  const result = await createTemplate(user, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message, fieldErrors: result.code === "members" ? { members: [result.message] } : undefined };
  revalidatePath("/templates");
  redirect(`/templates/${result.value.id}`);
}

/** A new target version and/or concurrency, with the revision the page was loaded at. */
export async function updateTemplateAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const id = IdSchema.safeParse(formText(form, "id"));
  if (!id.success) return { ok: false, message: "Which template? Reload the page." };
  // A settings form sends every rollout field (empty = no limit); other forms send none.
  const safety = form.has("canaryPercent")
    ? Object.fromEntries(SAFETY_FIELDS.map((k) => [k, k === "canaryPercent" ? formText(form, k) || "0" : (formText(form, k) ?? "")]))
    : {};
  // The execution form sends its fields ("" = the default executor, no hook); the raw value goes to
  // the schema, which refuses a file or text holding a NUL by name.
  const execution = Object.fromEntries(EXECUTION_FIELDS.filter((k) => form.has(k)).map((k) => [k, form.get(k)]));
  const parsed = TemplatePatchSchema.safeParse({
    targetVersion: formText(form, "targetVersion") || undefined,
    concurrency: formText(form, "concurrency") || undefined,
    revision: formText(form, "revision") || undefined,
    ...safety,
    ...execution,
  });
  if (!parsed.success) return invalid(parsed.error);
  const result = await updateTemplate(user, id.data, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message, fieldErrors: result.code === "executor" ? { executor: [result.message] } : undefined };
  await requestRolloutTick();
  revalidatePath(`/templates/${id.data}`);
  return { ok: true, message: parsed.data.targetVersion ? `Saved. Members move to ${parsed.data.targetVersion} in the next upgrade window.` : "Saved." };
}

/** An admin's action on a template's rollout from its page, then a rollout tick at once. */
async function rolloutAction(form: FormData, act: (user: CurrentUser, id: string, now: Date) => Promise<Outcome<unknown>>, done: string): Promise<FormResult> {
  const user = await requireUser();
  const id = IdSchema.safeParse(formText(form, "id"));
  if (!id.success) return { ok: false, message: "Which template? Reload the page." };
  const result = await act(user, id.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  await requestRolloutTick();
  revalidatePath(`/templates/${id.data}`);
  return { ok: true, message: done };
}

export async function upgradeNowAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  return rolloutAction(form, upgradeNow, "Upgrade started: members are upgraded now, a few at a time.");
}

export async function resumeRunAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  return rolloutAction(form, resumeTemplateRun, "Resumed: failures so far no longer count against the threshold.");
}

/** The template's upgrade plan from the plan page: one component per line, "name, minutes"; empty = none. */
export async function saveTemplatePlanAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const id = IdSchema.safeParse(formText(form, "id"));
  if (!id.success) return { ok: false, message: "Which template? Reload the page." };
  const parsed = TemplatePlanFormSchema.safeParse({ components: formText(form, "components") ?? "", revision: formText(form, "revision") || undefined });
  if (!parsed.success) return invalid(parsed.error);
  const result = await saveTemplatePlan(user, id.data, parsed.data.components, parsed.data.revision, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/templates/${id.data}`);
  revalidatePath(`/templates/${id.data}/plan`);
  return { ok: true, message: parsed.data.components ? "Saved: the next rollout follows this plan." : "Saved: no plan, members are upgraded in any order." };
}

/** The member query's filter fields as a form sends them ("" = not filtered by it). */
function queryFields(form: FormData) {
  return Object.fromEntries(MEMBER_QUERY_FIELDS.map((k) => [k, formText(form, k) || undefined]));
}

/** Named members from the template's page: names to add (one per line) or one member to remove. */
export async function changeTemplateMembersAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const id = IdSchema.safeParse(formText(form, "id"));
  if (!id.success) return { ok: false, message: "Which template? Reload the page." };
  const split = (text: string | undefined) =>
    (text ?? "")
      .split(/[\n,]/)
      .map((n) => n.trim())
      .filter(Boolean);
  const add = split(formText(form, "add"));
  const remove = split(formText(form, "remove"));
  const parsed = TemplatePatchSchema.safeParse({
    members: { ...(add.length ? { add } : {}), ...(remove.length ? { remove } : {}) },
    revision: formText(form, "revision") || undefined,
  });
  if (!parsed.success)
    return { ok: false, message: parsed.error.issues[0]?.message ?? "Check the names.", fieldErrors: { add: [parsed.error.issues[0]?.message ?? ""] } };
  const result = await updateTemplate(user, id.data, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message, fieldErrors: add.length ? { add: [result.message] } : undefined };
  revalidatePath(`/templates/${id.data}`);
  return { ok: true, message: add.length ? `Added ${add.length === 1 ? add[0] : `${add.length} members`}.` : `Removed ${remove.join(", ")}.` };
}

/** The member query from the template's page: the filters, all empty to remove the query. */
export async function saveMemberQueryAction(_previous: FormResult, form: FormData): Promise<FormResult> {
  const user = await requireUser();
  const id = IdSchema.safeParse(formText(form, "id"));
  if (!id.success) return { ok: false, message: "Which template? Reload the page." };
  const query = MemberQueryFormSchema.safeParse(queryFields(form));
  if (!query.success) return invalid(query.error);
  const parsed = TemplatePatchSchema.safeParse({ memberQuery: query.data, revision: formText(form, "revision") || undefined });
  if (!parsed.success) return invalid(parsed.error);
  const result = await updateTemplate(user, id.data, parsed.data, new Date());
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath(`/templates/${id.data}`);
  return {
    ok: true,
    message: query.data ? "Saved: matching servers are members now, and follow the fleet as it changes." : "Saved: no member query; its members left.",
  };
}

/** How many servers the member query in the form matches now: the preview before saving (admins). */
export async function previewMemberQueryAction(_previous: FormResult<PreviewCount>, form: FormData): Promise<FormResult<PreviewCount>> {
  const user = await requireUser();
  if (!can(user, { action: "template:manage" })) return { ok: false, message: "You may not manage fleet templates." };
  const id = formText(form, "id");
  const query = MemberQueryFormSchema.safeParse(queryFields(form));
  if (!query.success) return invalid(query.error);
  if (!query.data) return { ok: true, message: "No filter: the template has named members only.", data: { matching: 0, capped: false, inOtherTemplates: 0 } };
  const counts = await countQueryMatches(id && id.length <= 40 ? id : null, query.data);
  const n = `${counts.matching.toLocaleString("en")}${counts.capped ? "+" : ""}`;
  return {
    ok: true,
    message: `${n} ${counts.matching === 1 ? "server matches" : "servers match"}${counts.inOtherTemplates ? `; ${counts.inOtherTemplates.toLocaleString("en")} of them belong to another template and would be refused` : ""}.`,
    data: counts,
  };
}
type PreviewCount = { matching: number; capped: boolean; inOtherTemplates: number };
