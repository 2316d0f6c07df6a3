// Every /api/v1 operation, once: its path parameters, query, body and answers as the zod schemas
// the route parses with (lib/validation) and answers with (./answers.ts). The OpenAPI document is
// generated from this list (./document.ts); tests/integration/openapi.test.ts fails when a route
// file exports a method that is not here, and every answer the integration tests get is checked
// against it. A new route is one entry here.
import "server-only";
import { z } from "zod";
import { AuditExportQuerySchema } from "../../validation/audit";
import { CalendarQuerySchema } from "../../validation/calendar";
import { ChangeListQuerySchema, ChangeOpenSchema, DecisionSchema, NotificationQuerySchema } from "../../validation/changes";
import { ConflictsQuerySchema } from "../../validation/conflicts";
import { ExecutionListQuerySchema, ExecutionReportSchema } from "../../validation/executions";
import { NoQuerySchema, PartyCsvQuerySchema } from "../../validation/exports";
import { FreezeSchema } from "../../validation/freezes";
import { PartiesQuerySchema } from "../../validation/parties";
import { CancelPartySchema, KindSchema, MovePartySchema, PartyRuleSchema, TagSchema } from "../../validation/party-rule";
import { PlanRequestSchema, TemplatePlanSchema } from "../../validation/plans";
import { PolicyApiPatchSchema, PolicyApiSchema, WindowsQuerySchema } from "../../validation/policies";
import { ExcludeSchema, GroupChangeSchema, ResourceListQuerySchema, ResourcePatchSchema } from "../../validation/resources";
import { ExecutionSettingsSchema, MemberQuerySchema, SlotRolloutSchema, TemplateCreateSchema, TemplatePatchSchema } from "../../validation/templates";
import { UserListQuerySchema, UserPatchSchema } from "../../validation/users";
import { WebhookCreateSchema, WebhookDeliveriesQuerySchema, WebhookUpdateSchema } from "../../validation/webhooks";
import * as A from "./answers";

export type Method = "get" | "post" | "put" | "patch" | "delete";
/** Refusals an operation may answer besides 401, 403 and 5xx, which every operation may. */
export type Refusal = 400 | 404 | 409 | 413 | 415;

export type Answer = { description: string; schema?: z.ZodType; type?: string; etag?: boolean };

export type Operation = {
  method: Method;
  /** Under /api/v1, with {name} for a path parameter as the route's folder names it [name]. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Who may: shown in the document. */
  who?: string;
  params?: z.ZodObject;
  query?: z.ZodType;
  /** A JSON body, or another media type's (the CSV import). */
  body?: z.ZodType | { type: string; description: string; schema: z.ZodType };
  /** The route reads `If-Match: "<revision>"` and answers 409 on a stale one. */
  ifMatch?: boolean;
  /** Executors (machine accounts) may call it too. */
  machines?: boolean;
  /** The calendar feed: a personal `key` instead of signing in. */
  feedKey?: boolean;
  answers: Record<number, Answer>;
  refusals: Refusal[];
};

const id = (what: string) => z.object({ id: z.string().max(40).describe(`The ${what}'s id`) });
const party = z.object({ tag: TagSchema, kind: KindSchema });
const name = z.object({ name: z.string().describe("The resource's name (percent-encoded)") });
const key = z.object({ key: z.string().describe("The execution's key, `<run>:<member>` (percent-encoded)") });
const ADMINS = "Admins.";
const READERS = "Anyone signed in.";
const json = (description: string, schema: z.ZodType, etag?: boolean): Answer => ({ description, schema, etag });
const gone = { 204: { description: "Deleted." } };

export const OPERATIONS: Operation[] = [
  // ---- the document ----
  {
    method: "get",
    path: "/openapi.json",
    tag: "Documentation",
    summary: "This OpenAPI document",
    description: "Generated from the zod schemas the routes parse with. The reference page is /api/docs.",
    who: "Anyone signed in, executors too.",
    machines: true,
    answers: { 200: json("The OpenAPI 3.1 document.", A.OpenApiDocumentSchema) },
    refusals: [],
  },

  // ---- parties ----
  {
    method: "get",
    path: "/parties",
    tag: "Parties",
    summary: "Parties between two days",
    description: "UTC days, both included, at most 3,700 days.",
    who: READERS,
    query: PartiesQuerySchema,
    answers: { 200: json("The parties, in time order.", z.array(A.PartySchema)) },
    refusals: [400],
  },
  {
    method: "get",
    path: "/parties/{tag}/{kind}",
    tag: "Parties",
    summary: "One party",
    description: "With the resources in each slot and, once it is over, its outcomes.",
    who: READERS,
    params: party,
    answers: { 200: json("The party.", A.PartyDetailSchema) },
    refusals: [400, 404],
  },
  {
    method: "get",
    path: "/parties/{tag}/{kind}/resources.csv",
    tag: "Parties",
    summary: "A party's resources with their outcomes, as CSV",
    description:
      "Every resource of the party's environment (one group with `group`). Columns: party,kind,resource,team,resource_kind,cluster,group,excluded,exclusion_reason,outcome,message,started_at,finished_at.",
    who: READERS,
    params: party,
    query: PartyCsvQuerySchema,
    answers: { 200: { description: "The CSV file.", type: "text/csv", schema: z.string() } },
    refusals: [400, 404],
  },
  {
    method: "post",
    path: "/parties/{tag}/{kind}/move",
    tag: "Parties",
    summary: "Move a party to another day",
    description: "Its slots at the rule's times. A day less than 14 days ahead needs `shortNotice: true`; an approved change goes back to its approvers.",
    who: ADMINS,
    params: party,
    body: MovePartySchema.strict(),
    answers: { 200: json("The party as it now stands.", A.PartyDetailSchema) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "post",
    path: "/parties/{tag}/{kind}/cancel",
    tag: "Parties",
    summary: "Cancel a party",
    description: "Customers who were told of it hear that it is off.",
    who: ADMINS,
    params: party,
    body: CancelPartySchema.strict(),
    answers: { 200: json("The party as it now stands.", A.PartyDetailSchema) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "get",
    path: "/calendar.ics",
    tag: "Parties",
    summary: "The schedule as iCalendar",
    description:
      "Signed in, or with a personal subscribe address's `key` (then its filters apply and nothing else is needed). `windows=1` adds upgrade windows; a production party whose change is not approved (or that is held) is `STATUS:TENTATIVE`; freezes are events.",
    who: "Anyone signed in, or a subscribe address.",
    feedKey: true,
    query: CalendarQuerySchema,
    answers: { 200: { description: "An RFC 5545 calendar.", type: "text/calendar", schema: z.string() } },
    refusals: [400, 404],
  },
  {
    method: "get",
    path: "/conflicts",
    tag: "Parties",
    summary: "What stands in the way of the parties to come",
    description: "Template upgrade windows open during a slot that patches their servers, and slots inside a freeze, each with a suggested fix.",
    who: READERS,
    query: ConflictsQuerySchema,
    answers: { 200: json("The conflicts.", A.ConflictListSchema) },
    refusals: [400],
  },

  // ---- the party rule ----
  {
    method: "get",
    path: "/party-rule",
    tag: "Party rule",
    summary: "The rule parties are generated from",
    who: READERS,
    answers: { 200: json("The rule and its revision.", A.PartyRuleAnswerSchema) },
    refusals: [],
  },
  {
    method: "put",
    path: "/party-rule",
    tag: "Party rule",
    summary: "Save the rule",
    description:
      "Moves future rule-made parties. Parties announced to customers, less than 14 days away or with an approved change keep their dates unless `moveAnnounced` is true. Send the `revision` you read: 409 if someone saved in between.",
    who: ADMINS,
    body: PartyRuleSchema.strict(),
    answers: { 200: json("The rule as saved, and the parties moved and kept.", A.PartyRuleSavedSchema) },
    refusals: [400, 409, 413, 415],
  },
  {
    method: "post",
    path: "/party-rule/preview",
    tag: "Party rule",
    summary: "What saving a rule would do",
    description: "Saves nothing: the next eight QA/production pairs, the parties it would move and those that would keep their dates.",
    who: ADMINS,
    body: PartyRuleSchema.strict(),
    answers: { 200: json("The preview.", A.PartyRulePreviewSchema) },
    refusals: [400, 413, 415],
  },
  {
    method: "get",
    path: "/party-rule/rollouts",
    tag: "Party rule",
    summary: "How party slots roll out",
    who: READERS,
    answers: { 200: json("The rollout settings.", A.SlotRolloutAnswerSchema) },
    refusals: [],
  },
  {
    method: "put",
    path: "/party-rule/rollouts",
    tag: "Party rule",
    summary: "Change how party slots roll out",
    description: "A field left out keeps its setting; null clears a limit.",
    who: ADMINS,
    body: SlotRolloutSchema,
    answers: { 200: json("The settings as saved.", A.SlotRolloutAnswerSchema) },
    refusals: [400, 413, 415],
  },
  {
    method: "get",
    path: "/party-rule/execution",
    tag: "Party rule",
    summary: "How party slots are executed",
    who: READERS,
    answers: { 200: json("The execution settings (executor null: the installation's default).", A.ExecutionSettingsAnswerSchema) },
    refusals: [],
  },
  {
    method: "put",
    path: "/party-rule/execution",
    tag: "Party rule",
    summary: "Change how party slots are executed",
    description: "A field left out keeps its setting.",
    who: ADMINS,
    body: ExecutionSettingsSchema,
    answers: { 200: json("The settings as saved.", A.ExecutionSettingsAnswerSchema) },
    refusals: [400, 413, 415],
  },

  // ---- freezes ----
  {
    method: "get",
    path: "/freezes",
    tag: "Freezes",
    summary: "Every freeze period",
    description: "Those still to end first, in time order, then past ones.",
    who: READERS,
    answers: { 200: json("The freezes.", A.FreezeListSchema) },
    refusals: [],
  },
  {
    method: "post",
    path: "/freezes",
    tag: "Freezes",
    summary: "Define a freeze",
    description: "Nothing starts inside it for the servers it holds. At most a year long.",
    who: ADMINS,
    body: FreezeSchema,
    answers: { 201: json("The freeze.", A.FreezeAnswerSchema, true) },
    refusals: [400, 413, 415],
  },
  {
    method: "get",
    path: "/freezes/{id}",
    tag: "Freezes",
    summary: "One freeze",
    who: READERS,
    params: id("freeze"),
    answers: { 200: json("The freeze.", A.FreezeAnswerSchema, true) },
    refusals: [404],
  },
  {
    method: "patch",
    path: "/freezes/{id}",
    tag: "Freezes",
    summary: "Change a freeze",
    description: "Any of the fields; the rest stay as they are.",
    who: ADMINS,
    params: id("freeze"),
    body: z.object(FreezeSchema.shape).partial(),
    ifMatch: true,
    answers: { 200: json("The freeze as it now is.", A.FreezeAnswerSchema, true) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "delete",
    path: "/freezes/{id}",
    tag: "Freezes",
    summary: "Delete a freeze",
    who: ADMINS,
    params: id("freeze"),
    answers: gone,
    refusals: [404],
  },

  // ---- resources ----
  {
    method: "get",
    path: "/resources",
    tag: "Resources",
    summary: "The inventory, a page at a time",
    description: "The list's filters; `cursor` is the previous page's `nextCursor`.",
    who: READERS,
    query: ResourceListQuerySchema,
    answers: { 200: json("A page of resources.", A.ResourcePageSchema) },
    refusals: [400],
  },
  {
    method: "get",
    path: "/resources/{name}",
    tag: "Resources",
    summary: "One resource and its patch status",
    who: READERS,
    params: name,
    answers: { 200: json("The resource.", A.ResourceSchema, true) },
    refusals: [404],
  },
  {
    method: "patch",
    path: "/resources/{name}",
    tag: "Resources",
    summary: "Move a resource to another group, or say how executors reach it",
    description:
      "At least one field; `null` or an empty string clears a connection field. The connection fields are the admins' alone; owners move their team's resources. A cluster-rule breach is 409 (admins may add `overrideReason`).",
    who: "Owners (their team's), admins.",
    params: name,
    body: ResourcePatchSchema,
    ifMatch: true,
    answers: { 200: json("The resource as it now is.", A.ResourceSchema, true) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "put",
    path: "/resources/{name}/exclusion",
    tag: "Resources",
    summary: "Exclude a resource from the Patch Party",
    who: "Owners (their team's), admins.",
    params: name,
    body: ExcludeSchema.strict(),
    ifMatch: true,
    answers: { 200: json("The resource as it now is.", A.ResourceSchema, true) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "delete",
    path: "/resources/{name}/exclusion",
    tag: "Resources",
    summary: "Include a resource again, into a group",
    who: "Owners (their team's), admins.",
    params: name,
    body: GroupChangeSchema.strict(),
    ifMatch: true,
    answers: { 200: json("The resource as it now is.", A.ResourceSchema, true) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "get",
    path: "/resources.csv",
    tag: "Resources",
    summary: "Export the inventory as CSV",
    description:
      "The list's filters. Columns: name,kind,environment,team,service,cluster,group,tags,address,ssh_port,ssh_user, then (read past by the import) excluded,exclusion_reason,exclusion_until,last_patched_at,last_patch_tag,last_outcome.",
    who: READERS,
    query: ResourceListQuerySchema,
    answers: { 200: { description: "The CSV file.", type: "text/csv", schema: z.string() } },
    refusals: [400],
  },
  {
    method: "post",
    path: "/resources.csv",
    tag: "Resources",
    summary: "Import the inventory from CSV",
    description:
      "Every row is checked, then all are upserted by name, or none. With `Accept: application/x-ndjson` the answer streams progress lines (`validate`, `apply`, then `done` or `error`).",
    who: ADMINS,
    body: { type: "text/csv", description: "The export's columns; address, ssh_port and ssh_user are optional.", schema: z.string() },
    answers: {
      200: json("What was created, updated and left unchanged.", A.CsvImportSummarySchema),
      400: json("The file has errors; nothing was imported.", A.CsvImportErrorSchema),
    },
    refusals: [413, 415],
  },

  // ---- policies ----
  {
    method: "get",
    path: "/policies",
    tag: "Policies",
    summary: "Every maintenance policy",
    who: READERS,
    answers: { 200: json("The policies with their schedules.", z.array(A.PolicyAnswerSchema)) },
    refusals: [],
  },
  {
    method: "post",
    path: "/policies",
    tag: "Policies",
    summary: "Create a maintenance policy",
    description: "A schedule has a preset or a cron-like `custom` recurrence (UTC).",
    who: ADMINS,
    body: PolicyApiSchema,
    answers: { 201: json("The policy.", A.PolicyAnswerSchema, true) },
    refusals: [400, 409, 413, 415],
  },
  {
    method: "get",
    path: "/policies/{id}",
    tag: "Policies",
    summary: "One maintenance policy",
    who: READERS,
    params: id("policy"),
    answers: { 200: json("The policy.", A.PolicyAnswerSchema, true) },
    refusals: [404],
  },
  {
    method: "patch",
    path: "/policies/{id}",
    tag: "Policies",
    summary: "Change a maintenance policy",
    description: "Any of the fields; a policy linked to a template keeps a schedule.",
    who: ADMINS,
    params: id("policy"),
    body: PolicyApiPatchSchema,
    ifMatch: true,
    answers: { 200: json("The policy as it now is.", A.PolicyAnswerSchema, true) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "delete",
    path: "/policies/{id}",
    tag: "Policies",
    summary: "Delete a maintenance policy",
    description: "Refused (409) while a template links it.",
    who: ADMINS,
    params: id("policy"),
    answers: gone,
    refusals: [404, 409],
  },
  {
    method: "get",
    path: "/policies/{id}/windows",
    tag: "Policies",
    summary: "A policy's upgrade windows in a range",
    description: "Every window overlapping the range (ISO-8601, at most 400 days), in UTC.",
    who: READERS,
    params: id("policy"),
    query: WindowsQuerySchema,
    answers: { 200: json("The windows.", A.PolicyWindowsSchema) },
    refusals: [400, 404],
  },

  // ---- templates and plans ----
  {
    method: "get",
    path: "/templates",
    tag: "Templates",
    summary: "Every fleet template",
    who: READERS,
    answers: { 200: json("The templates with their state and member counts.", z.array(A.TemplateSummarySchema)) },
    refusals: [],
  },
  {
    method: "post",
    path: "/templates",
    tag: "Templates",
    summary: "Create a fleet template",
    description: "Members are resource or cluster names, each in one template only.",
    who: ADMINS,
    body: TemplateCreateSchema.strict(),
    answers: { 201: json("The template.", A.TemplateAnswerSchema, true) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "get",
    path: "/templates/{id}",
    tag: "Templates",
    summary: "One fleet template",
    description: "State, members by state and by version, next window, the pending upgrade's window, its plan and the last ten runs.",
    who: READERS,
    params: id("template"),
    answers: { 200: json("The template.", A.TemplateAnswerSchema, true) },
    refusals: [404],
  },
  {
    method: "patch",
    path: "/templates/{id}",
    tag: "Templates",
    summary: "Change a template's target version or rollout settings",
    description: "A new version is refused (409) while the template is partially applied or upgrading.",
    who: ADMINS,
    params: id("template"),
    body: TemplatePatchSchema,
    ifMatch: true,
    answers: { 200: json("The template as it now is.", A.TemplateAnswerSchema, true) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "get",
    path: "/templates/{id}/members",
    tag: "Templates",
    summary: "A template's members, 100 a page",
    who: READERS,
    params: id("template"),
    query: MemberQuerySchema,
    answers: { 200: json("A page of members, by name.", A.MemberPageSchema) },
    refusals: [400, 404],
  },
  {
    method: "get",
    path: "/templates/{id}/plan",
    tag: "Templates",
    summary: "A template's ordered upgrade plan",
    who: READERS,
    params: id("template"),
    answers: { 200: json("Components, the plan's stages and whether it fits the next window.", A.TemplatePlanAnswerSchema) },
    refusals: [404],
  },
  {
    method: "put",
    path: "/templates/{id}/plan",
    tag: "Templates",
    summary: "Set a template's components in upgrade order",
    description: "Members join a component by their resource's tag `component:<name>`; null: no plan.",
    who: ADMINS,
    params: id("template"),
    body: TemplatePlanSchema,
    ifMatch: true,
    answers: { 200: json("The plan as it now is.", A.TemplatePlanAnswerSchema) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "post",
    path: "/templates/{id}/upgrade-now",
    tag: "Templates",
    summary: "Upgrade now, outside the schedule",
    description: "Refused (409) unless the upgrade's change request is approved.",
    who: ADMINS,
    params: id("template"),
    answers: { 202: json("The template, its run started.", A.TemplateAnswerSchema, true) },
    refusals: [404, 409],
  },
  {
    method: "post",
    path: "/templates/{id}/resume",
    tag: "Templates",
    summary: "Resume a halted rollout",
    who: ADMINS,
    params: id("template"),
    answers: { 200: json("The template as it now is.", A.TemplateAnswerSchema, true) },
    refusals: [404, 409],
  },
  {
    method: "post",
    path: "/plans",
    tag: "Templates",
    summary: "Plan an ordered upgrade",
    description: "Stages per component, server types side by side, clusters one node at a time (secondary first), total minutes.",
    who: READERS,
    body: PlanRequestSchema,
    answers: { 200: json("The plan.", A.UpgradePlanSchema) },
    refusals: [400, 413, 415],
  },

  // ---- compliance ----
  {
    method: "get",
    path: "/compliance",
    tag: "Compliance",
    summary: "The compliance dashboard's figures",
    who: READERS,
    answers: { 200: json("Shares patched, never patched, long exclusions, failed last time, and the trend.", A.ComplianceSchema) },
    refusals: [],
  },
  {
    method: "get",
    path: "/compliance.csv",
    tag: "Compliance",
    summary: "The compliance figures as CSV",
    description:
      "Columns: section,quarter,team,environment,resources,patched,share. A `by-team` row per team and environment (its latest party), then a `trend` row per quarter and environment.",
    who: READERS,
    query: NoQuerySchema,
    answers: { 200: { description: "The CSV file.", type: "text/csv", schema: z.string() } },
    refusals: [400],
  },
  {
    method: "get",
    path: "/audit.csv",
    tag: "Compliance",
    summary: "The audit log as CSV",
    description:
      "The Audit page's filters; every matching event, newest first. Columns: at,actor,action,entity_type,entity_id,entity,before,after,reason (before and after as JSON).",
    who: "Approvers and admins.",
    query: AuditExportQuerySchema,
    answers: { 200: { description: "The CSV file.", type: "text/csv", schema: z.string() } },
    refusals: [400],
  },

  // ---- changes and notices ----
  {
    method: "get",
    path: "/changes",
    tag: "Changes",
    summary: "Change requests, newest first, 50 a page",
    who: READERS,
    query: ChangeListQuerySchema,
    answers: { 200: json("A page of change requests.", A.ChangePageSchema) },
    refusals: [400],
  },
  {
    method: "post",
    path: "/changes",
    tag: "Changes",
    summary: "Open a change request",
    description: "For a production party (`partyTag`) or a template's pending upgrade (`templateId`): a draft written from the schedule.",
    who: ADMINS,
    body: ChangeOpenSchema,
    answers: { 201: json("The draft.", A.ChangeDetailSchema, true) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "get",
    path: "/changes/{id}",
    tag: "Changes",
    summary: "One change request",
    who: READERS,
    params: id("change request"),
    answers: { 200: json("The change request, with its scope drift once approved.", A.ChangeDetailSchema, true) },
    refusals: [404],
  },
  ...(["submit", "approve", "reject"] as const).map((action): Operation => ({
    method: "post",
    path: `/changes/{id}/${action}`,
    tag: "Changes",
    summary: action === "submit" ? "Submit a change request to the approvers" : `${action === "approve" ? "Approve" : "Reject"} a change request`,
    description: action === "submit" ? undefined : "Approvers, not the requester; `comment` says why.",
    who: action === "submit" ? ADMINS : "Approvers.",
    params: id("change request"),
    body: DecisionSchema,
    ifMatch: true,
    answers: { 200: json("The change request as it now is.", A.ChangeDetailSchema, true) },
    refusals: [400, 404, 409, 413, 415],
  })),
  {
    method: "get",
    path: "/notifications",
    tag: "Changes",
    summary: "Customer notices, newest first, 50 a page",
    description: "They hold customers' e-mail addresses: approvers and admins read all, owners their teams', viewers none.",
    who: "Owners (their teams'), approvers, admins.",
    query: NotificationQuerySchema,
    answers: { 200: json("A page of notices.", A.NotificationPageSchema) },
    refusals: [400],
  },

  // ---- executions ----
  {
    method: "get",
    path: "/executions",
    tag: "Executions",
    summary: "A party slot's or a template's executions",
    description: "`party` with `kind` (and `group`), or `template`: one of them. Items without their output, in key order.",
    who: "Anyone signed in, executors too.",
    machines: true,
    query: ExecutionListQuerySchema,
    answers: { 200: json("A page of executions.", A.ExecutionPageSchema) },
    refusals: [400, 404],
  },
  {
    method: "get",
    path: "/executions/{key}",
    tag: "Executions",
    summary: "What an executor did for one member of a run",
    who: "Anyone signed in, executors too.",
    machines: true,
    params: key,
    answers: { 200: json("The execution, output included.", A.ExecutionAnswerSchema) },
    refusals: [404],
  },
  {
    method: "post",
    path: "/executions/{key}",
    tag: "Executions",
    summary: "Report an upgrade",
    description: "An executor's automation, an admin, or the resource's owner. 409 once it has finished: an outcome is written once.",
    who: "Executors, admins, owners (their team's).",
    machines: true,
    params: key,
    body: ExecutionReportSchema,
    answers: { 200: json("The execution as it now is.", A.ExecutionAnswerSchema) },
    refusals: [400, 404, 409, 413, 415],
  },

  // ---- people ----
  {
    method: "get",
    path: "/users",
    tag: "People",
    summary: "People, 100 a page by e-mail",
    who: ADMINS,
    query: UserListQuerySchema,
    answers: { 200: json("A page of people.", A.UserPageSchema) },
    refusals: [400],
  },
  {
    method: "patch",
    path: "/users/{id}",
    tag: "People",
    summary: "Change a person's role",
    description: "Ends the person's sessions; not one's own.",
    who: ADMINS,
    params: id("person"),
    body: UserPatchSchema,
    answers: { 200: json("The new role.", A.RoleChangedSchema) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "post",
    path: "/users/{id}/sign-out",
    tag: "People",
    summary: "End every session of a person",
    who: ADMINS,
    params: id("person"),
    answers: { 200: json("Done.", A.SignedOutSchema) },
    refusals: [404],
  },
  {
    method: "post",
    path: "/users/{id}/unlock",
    tag: "People",
    summary: "Lift a sign-in lockout",
    who: ADMINS,
    params: id("person"),
    answers: { 200: json("Whether the person was locked out.", A.UnlockedSchema) },
    refusals: [404],
  },

  // ---- event webhooks ----
  {
    method: "get",
    path: "/webhooks",
    tag: "Webhooks",
    summary: "Every event webhook endpoint",
    description: "Never a secret.",
    who: ADMINS,
    answers: { 200: json("The endpoints.", A.WebhookListSchema) },
    refusals: [],
  },
  {
    method: "post",
    path: "/webhooks",
    tag: "Webhooks",
    summary: "Register an endpoint",
    description:
      "`standard`: the event as JSON, signed as the Standard Webhooks specification says (its `secret` is in this answer only); `slack`: an incoming-webhook message with blocks; `teams`: a Workflows message with an Adaptive Card. Loopback and private addresses are refused.",
    who: ADMINS,
    body: WebhookCreateSchema,
    answers: { 201: json("The endpoint, with a standard one's secret.", A.WebhookCreatedSchema, true) },
    refusals: [400, 413, 415],
  },
  {
    method: "get",
    path: "/webhooks/{id}",
    tag: "Webhooks",
    summary: "One endpoint",
    who: ADMINS,
    params: id("webhook"),
    answers: { 200: json("The endpoint.", A.WebhookAnswerSchema, true) },
    refusals: [404],
  },
  {
    method: "patch",
    path: "/webhooks/{id}",
    tag: "Webhooks",
    summary: "Change, pause or resume an endpoint",
    description: "`paused: false` resumes a paused endpoint and sends what waited.",
    who: ADMINS,
    params: id("webhook"),
    body: WebhookUpdateSchema,
    ifMatch: true,
    answers: { 200: json("The endpoint as it now is.", A.WebhookAnswerSchema, true) },
    refusals: [400, 404, 409, 413, 415],
  },
  {
    method: "delete",
    path: "/webhooks/{id}",
    tag: "Webhooks",
    summary: "Delete an endpoint and its deliveries",
    who: ADMINS,
    params: id("webhook"),
    answers: gone,
    refusals: [404],
  },
  {
    method: "get",
    path: "/webhooks/{id}/deliveries",
    tag: "Webhooks",
    summary: "An endpoint's deliveries, newest first",
    description: "Each with its tries and the receiver's last answer; 50 a page.",
    who: ADMINS,
    params: id("webhook"),
    query: WebhookDeliveriesQuerySchema,
    answers: { 200: json("A page of deliveries.", A.WebhookDeliveryPageSchema) },
    refusals: [400, 404],
  },
  {
    method: "post",
    path: "/webhooks/{id}/deliveries/{deliveryId}/resend",
    tag: "Webhooks",
    summary: "Send a delivery again",
    description: "From its first try, with the same `webhook-id`.",
    who: ADMINS,
    params: z.object({ id: z.string().max(40).describe("The webhook's id"), deliveryId: z.string().max(40).describe("The delivery's id") }),
    answers: { 202: json("The delivery, queued.", A.WebhookDeliverySchema) },
    refusals: [404, 409],
  },
];
