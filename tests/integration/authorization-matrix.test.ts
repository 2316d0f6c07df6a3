// The authorization matrix (issue 8): every server action and every API route, called as
// signed-out, viewer, owner of another team, owner, approver, admin, executor (a machine's
// account) and an admin whose session lacks the second factor their role needs (signed in with a
// password only, PATCHPARTY_MFA=privileged: decision 017), with what each must get written down in
// one table. A new action or route without a row fails the first test.
//
// Server actions run outside Next here: cookies() answers a jar with the session cookie of the
// person under test, encrypted as next-auth does at sign-in (fixtures/session.ts), and
// revalidatePath gets a stand-in. Everything else is real: the session check, the actions, the
// data layer, PostgreSQL.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ userId: null as string | null, cookies: new Map<string, string>(), token: {} as Record<string, unknown> }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => {
  const { cookieStore, sessionCookies } = await import("./fixtures/session");
  return {
    cookies: async () => cookieStore(new Map([...session.cookies, ...(await sessionCookies(session.userId, session.token))])),
    headers: async () => new Headers(),
  };
});

import type { CurrentUser } from "@/lib/auth/permissions";
import { createApiToken } from "@/lib/data/api-tokens";
import { recordExecutions } from "@/lib/data/executions";
import { openPartyChange, openTemplateChange, decideChange } from "@/lib/data/change-requests";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate } from "@/lib/data/templates";
import { createFeed } from "@/lib/data/calendar-feed";
import { getPartyRule } from "@/lib/data/party-rule";
import { getSlotExecution, getSlotRollout } from "@/lib/data/slot-rollout";
import { getDeadlines } from "@/lib/data/deadlines";
import { db } from "@/lib/db";
import { CLEANROOM_COMPONENTS } from "@/lib/domain";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { makeFleet } from "./fixtures/fleet";
import * as route_health from "@/app/api/health/route";
import * as route_v1_calendar_ics from "@/app/api/v1/calendar.ics/route";
import * as route_v1_changes from "@/app/api/v1/changes/route";
import * as route_v1_changes__id_ from "@/app/api/v1/changes/[id]/route";
import * as route_v1_changes__id__approve from "@/app/api/v1/changes/[id]/approve/route";
import * as route_v1_changes__id__reject from "@/app/api/v1/changes/[id]/reject/route";
import * as route_v1_changes__id__submit from "@/app/api/v1/changes/[id]/submit/route";
import * as route_v1_compliance from "@/app/api/v1/compliance/route";
import * as route_v1_compliance_csv from "@/app/api/v1/compliance.csv/route";
import * as route_v1_compliance_deadlines from "@/app/api/v1/compliance/deadlines/route";
import * as route_v1_audit_csv from "@/app/api/v1/audit.csv/route";
import * as route_v1_parties__tag___kind__resources_csv from "@/app/api/v1/parties/[tag]/[kind]/resources.csv/route";
import * as route_v1_parties__tag___kind__forecast from "@/app/api/v1/parties/[tag]/[kind]/forecast/route";
import * as route_v1_executions from "@/app/api/v1/executions/route";
import * as route_v1_executions__key_ from "@/app/api/v1/executions/[key]/route";
import * as route_v1_notifications from "@/app/api/v1/notifications/route";
import * as route_v1_parties from "@/app/api/v1/parties/route";
import * as route_v1_freezes from "@/app/api/v1/freezes/route";
import * as route_v1_conflicts from "@/app/api/v1/conflicts/route";
import * as route_v1_freezes__id_ from "@/app/api/v1/freezes/[id]/route";
import * as route_v1_parties__tag___kind_ from "@/app/api/v1/parties/[tag]/[kind]/route";
import * as route_v1_parties__tag___kind__move from "@/app/api/v1/parties/[tag]/[kind]/move/route";
import * as route_v1_parties__tag___kind__cancel from "@/app/api/v1/parties/[tag]/[kind]/cancel/route";
import * as route_v1_parties__tag___kind__packages from "@/app/api/v1/parties/[tag]/[kind]/packages/route";
import * as route_v1_party_rule from "@/app/api/v1/party-rule/route";
import * as route_v1_party_rule_preview from "@/app/api/v1/party-rule/preview/route";
import * as route_v1_party_rule_rollouts from "@/app/api/v1/party-rule/rollouts/route";
import * as route_v1_party_rule_execution from "@/app/api/v1/party-rule/execution/route";
import * as route_v1_plans from "@/app/api/v1/plans/route";
import * as route_v1_policies from "@/app/api/v1/policies/route";
import * as route_v1_policies__id_ from "@/app/api/v1/policies/[id]/route";
import * as route_v1_policies__id__windows from "@/app/api/v1/policies/[id]/windows/route";
import * as route_v1_resources from "@/app/api/v1/resources/route";
import * as route_v1_resources_csv from "@/app/api/v1/resources.csv/route";
import * as route_v1_resources__name_ from "@/app/api/v1/resources/[name]/route";
import * as route_v1_resources__name__exclusion from "@/app/api/v1/resources/[name]/exclusion/route";
import * as route_v1_resources__name__updates from "@/app/api/v1/resources/[name]/updates/route";
import * as route_v1_resources__name__updates_scan from "@/app/api/v1/resources/[name]/updates/scan/route";
import * as route_v1_templates from "@/app/api/v1/templates/route";
import * as route_v1_templates__id_ from "@/app/api/v1/templates/[id]/route";
import * as route_v1_templates__id__members from "@/app/api/v1/templates/[id]/members/route";
import * as route_v1_templates__id__member_events from "@/app/api/v1/templates/[id]/member-events/route";
import * as route_v1_templates__id__plan from "@/app/api/v1/templates/[id]/plan/route";
import * as route_v1_templates__id__resume from "@/app/api/v1/templates/[id]/resume/route";
import * as route_v1_templates__id__upgrade_now from "@/app/api/v1/templates/[id]/upgrade-now/route";
import * as actions_account from "@/lib/actions/account";
import * as actions_api_tokens from "@/lib/actions/api-tokens";
import * as actions_calendar from "@/lib/actions/calendar";
import * as actions_freezes from "@/lib/actions/freezes";
import * as actions_changes from "@/lib/actions/changes";
import * as actions_party_hold from "@/lib/actions/party-hold";
import * as actions_policies from "@/lib/actions/policies";
import * as actions_resources from "@/lib/actions/resources";
import * as actions_session from "@/lib/actions/session";
import * as actions_slot_rollout from "@/lib/actions/slot-rollout";
import * as actions_deadlines from "@/lib/actions/deadlines";
import * as actions_manual_outcomes from "@/lib/actions/manual-outcomes";
import * as actions_templates from "@/lib/actions/templates";
import * as actions_users from "@/lib/actions/users";
import * as route_v1_users from "@/app/api/v1/users/route";
import * as route_v1_users__id_ from "@/app/api/v1/users/[id]/route";
import * as route_v1_users__id__sign_out from "@/app/api/v1/users/[id]/sign-out/route";
import * as route_v1_users__id__unlock from "@/app/api/v1/users/[id]/unlock/route";
import * as route_v1_openapi_json from "@/app/api/v1/openapi.json/route";
import * as route_v1_webhooks from "@/app/api/v1/webhooks/route";
import * as route_v1_webhooks__id_ from "@/app/api/v1/webhooks/[id]/route";
import * as route_v1_webhooks__id__deliveries from "@/app/api/v1/webhooks/[id]/deliveries/route";
import * as route_v1_webhooks__id__deliveries__deliveryId__resend from "@/app/api/v1/webhooks/[id]/deliveries/[deliveryId]/resend/route";
import * as actions_webhooks from "@/lib/actions/webhooks";
import * as route_v1_inventory_sources from "@/app/api/v1/inventory-sources/route";
import * as route_v1_inventory_sources__id_ from "@/app/api/v1/inventory-sources/[id]/route";
import * as route_v1_inventory_sources__id__mapping_preview from "@/app/api/v1/inventory-sources/[id]/mapping-preview/route";
import * as route_v1_inventory_sources__id__syncs from "@/app/api/v1/inventory-sources/[id]/syncs/route";
import * as route_v1_inventory_sources__id__syncs__syncId_ from "@/app/api/v1/inventory-sources/[id]/syncs/[syncId]/route";
import * as actions_inventory from "@/lib/actions/inventory";
import * as actions_updates from "@/lib/actions/updates";
import * as route_docs from "@/app/api/docs/route";
import * as route_docs__file_ from "@/app/api/docs/[file]/route";
import { hashPassword } from "@/lib/auth/password";
import { unusedYear } from "./fixtures/years";

const ROLES = ["signed-out", "viewer", "other owner", "owner", "approver", "admin", "executor", "admin without a second factor"] as const;
type Who = (typeof ROLES)[number];
/** A session made with a password only: for an admin, it opens the account page and nothing else. */
const PASSWORD_ONLY: Who = "admin without a second factor";

let f: Awaited<ReturnType<typeof makeFleet>>;
const people = {} as Record<Who, CurrentUser | null>;
const tokens = {} as Record<Who, string | null>;
let requester: CurrentUser;
let seq = 0;
const unique = (p: string) => `${p}-${f.prefix}-${++seq}`;

// ---- fixtures made fresh for each call: an allowed call changes them ----
async function resource(group = 2) {
  return db.resource.create({
    data: {
      name: unique("mx"),
      kind: "VM",
      environment: "PRODUCTION",
      teamId: f.teamA.id,
      serviceId: (await db.service.findFirstOrThrow({ where: { teamId: f.teamA.id } })).id,
      patchGroup: group,
    },
  });
}
async function party(kind: "PRODUCTION" | "QA" = "PRODUCTION") {
  const year = await unusedYear();
  const startsAt = new Date(Date.UTC(year, 2, 7, 5));
  const endsAt = new Date(startsAt.getTime() + 4 * 3_600_000);
  return db.party.create({
    data: { tag: `${year}-Q1`, kind, localDate: `${year}-03-07`, timeZone: "UTC", startsAt, endsAt, slots: { create: [{ group: 1, startsAt, endsAt }] } },
  });
}
async function freeze() {
  const row = await db.freeze.create({
    data: {
      name: unique("freeze"),
      startsAt: new Date("6998-12-20T00:00:00Z"),
      endsAt: new Date("6998-12-31T00:00:00Z"),
      reason: "For the matrix",
      scope: "ALL",
    },
  });
  return row.id;
}
async function policy() {
  const made = await createPolicy(
    f.admin,
    PolicyInputSchema.parse({ name: unique("policy"), tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }] }),
    new Date(),
  );
  if (!made.ok) throw new Error(made.message);
  return made.value.id;
}
async function template(targetVersion = "1.0.0") {
  const cluster = await db.cluster.create({ data: { name: unique("mxc") } });
  const made = await createTemplate(
    f.admin,
    TemplateCreateSchema.parse({ name: unique("tpl"), policyId: await policy(), targetVersion: "1.0.0", members: [cluster.name] }),
    new Date(),
  );
  if (!made.ok) throw new Error(made.message);
  if (targetVersion !== "1.0.0") await db.template.update({ where: { id: made.value.id }, data: { targetVersion, state: "PENDING" } });
  return made.value.id;
}
/** One template the membership rows share (each call adds its own cluster): a policy per call would crowd the calendar's policies. */
let membersTemplate: Promise<string> | null = null;
const sharedTemplate = () => (membersTemplate ??= template());
/** A template with a pending upgrade whose change the CAB approved. */
async function approvedUpgrade() {
  const id = await template("2.0.0");
  const opened = await openTemplateChange(f.admin, id, new Date());
  if (!opened.ok) throw new Error(opened.message);
  await decideChange(f.admin, opened.value.id, "submit", {}, new Date());
  await decideChange(f.approver, opened.value.id, "approve", { comment: "CAB: go" }, new Date());
  return id;
}
async function halted() {
  const id = await template("2.0.0");
  const run = await db.upgradeRun.create({
    data: { templateId: id, version: "2.0.0", windowStart: new Date(), windowEnd: new Date(Date.now() + 3_600_000), state: "HALTED", haltReason: "test" },
  });
  await db.template.update({ where: { id }, data: { state: "UPGRADING" } });
  return { id, runId: run.id };
}
async function haltedSlot() {
  const p = await party("QA");
  const run = await db.partyRun.create({ data: { partyId: p.id, group: 1, state: "HALTED", haltReason: "test", startsAt: p.startsAt, endsAt: p.endsAt } });
  return { tag: p.tag, runId: run.id };
}
/** A queued upgrade of a team A resource in a QA party's slot, as an executor records it. */
async function execution() {
  const [p, r] = [await party("QA"), await resource()];
  const key = unique("run") + `:${r.id}`;
  const request = {
    key,
    resourceId: r.id,
    memberName: r.name,
    address: null,
    port: null,
    user: null,
    kind: "VM",
    tags: [],
    cluster: null,
    fromVersion: "1.0",
    toVersion: "1.1",
    party: { id: p.id, tag: p.tag, kind: "qa" as const, group: 1 },
    template: null,
    deadline: new Date(Date.now() + 3_600_000),
    hooks: { pre: null, post: null },
  };
  await db.$transaction((tx) => recordExecutions(tx, "manual", [request], "QUEUED", new Date()));
  return { key, partyTag: p.tag };
}
/** A change waiting for the CAB, requested by another admin (so that four eyes do not hide the role's own right). */
async function submittedChange() {
  const p = await party();
  const opened = await openPartyChange(requester, p.tag, new Date());
  if (!opened.ok) throw new Error(opened.message);
  await decideChange(requester, opened.value.id, "submit", {}, new Date());
  return opened.value.id;
}
/** Someone for an admin to act on: made fresh, as the action changes them. */
async function someone() {
  return (await db.user.create({ data: { email: `${unique("someone")}@matrix.test`, name: "Someone", role: "OWNER" } })).id;
}

/** An inventory source (a one-host static INI inventory no team maps: a sync adds nothing) with a preview waiting. */
const MATRIX_MAPPING = { fields: { team: "const:nobody", environment: "const:production", kind: "const:vm", service: "const:matrix" } };
async function inventorySource() {
  const row = await db.inventorySource.create({
    data: {
      id: unique("inv"),
      name: unique("matrix source"),
      kind: "ANSIBLE",
      config: { fileName: "hosts.ini", text: "[g]\nmatrix-host\n" },
      mapping: MATRIX_MAPPING,
    },
  });
  const sync = await db.inventorySync.create({
    data: { id: unique("sync"), sourceId: row.id, state: "PREVIEW", trigger: "person", actorLabel: "matrix", plan: [] },
  });
  return { id: row.id, syncId: sync.id };
}

/** An event webhook endpoint (a public address: nothing is sent in the matrix), with one failed delivery. */
async function webhook() {
  const row = await db.webhookEndpoint.create({ data: { url: "https://203.0.113.10/hook", kind: "SLACK", events: ["*"], createdById: f.admin.id } });
  const delivery = await db.webhookDelivery.create({
    data: { endpointId: row.id, eventId: unique("evt"), eventType: "party.moved", body: "{}", state: "FAILED", attempts: 6 },
  });
  return { id: row.id, deliveryId: delivery.id };
}

async function draftChange() {
  const p = await party();
  const opened = await openPartyChange(f.admin, p.tag, new Date());
  if (!opened.ok) throw new Error(opened.message);
  return opened.value.id;
}

// ---- calling an action or a route as someone ----
type Seen = number | "signin" | "two-factor" | "denied" | "ok" | `refused: ${string}` | `${number}/${number}`;
const DENIED = /^(Only |You may not|You can only|Your role cannot|You cannot)/;

/** Calls as `who` with their session cookie (the matrix's API rows send a token, but for PASSWORD_ONLY, whose session is the point). */
function signInAs(who: Who) {
  session.userId = people[who]?.id ?? null;
  session.token = who === PASSWORD_ONLY ? { amr: ["pwd"] } : {};
}

async function asAction(who: Who, action: (prev: never, form: FormData) => Promise<unknown>, fields: Record<string, string | Blob>): Promise<Seen> {
  signInAs(who);
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  try {
    const result = (await action({ ok: false } as never, form)) as { ok: boolean; message?: string };
    if (result.ok) return "ok";
    return DENIED.test(result.message ?? "") ? "denied" : `refused: ${result.message}`;
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT"))
      return digest.includes(";/signin;") ? "signin" : digest.includes(";/account?required=two-factor;") ? "two-factor" : "ok";
    throw error;
  } finally {
    signInAs("signed-out");
  }
}

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
async function asApi(
  who: Who,
  handler: Handler,
  method: string,
  url: string,
  params: Record<string, string> = {},
  body?: unknown,
  contentType?: string,
): Promise<Seen> {
  const headers: Record<string, string> = tokens[who] ? { Authorization: `Bearer ${tokens[who]}` } : {};
  if (contentType) headers["Content-Type"] = contentType;
  const request = new Request(`http://localhost${url}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  if (who === PASSWORD_ONLY) signInAs(who);
  try {
    const response = await handler(request, { params: Promise.resolve(params) });
    const text = await response.text();
    // Refused for the missing second factor, and said so: not for another reason that also answers 403.
    if (who === PASSWORD_ONLY && response.status === 403 && !JSON.parse(text).error.startsWith("Set up two-factor sign-in first")) return `refused: ${text}`;
    return response.status;
  } finally {
    signInAs("signed-out");
  }
}

/**
 * One row: how to make the call for `who` (fresh fixtures each time), and what each role gets, in
 * ROLES order. An executor is a machine that reports upgrades and nothing else: unless its row
 * says otherwise (`executor`), a page or action sends it to sign in and a route does not know it.
 * An admin without a second factor is sent by every action to set it up ("two-factor") and refused
 * by every route (403, "Set up two-factor sign-in first"), unless the row says otherwise
 * (`passwordOnly`): the account page's own actions and signing out.
 */
type Row = { call: (who: Who) => Promise<Seen>; expect: string; executor?: string; passwordOnly?: string };
const expected = (name: string, row: Row) => {
  const action = name.startsWith("action ");
  return `${row.expect} ${row.executor ?? (action ? "signin" : "401")} ${row.passwordOnly ?? (action ? "two-factor" : "403")}`;
};
const A = (action: string) => `action ${action}`;
const R = (method: string, route: string) => `${method} ${route}`;
type RouteModule = Record<string, Handler>;
type ActionModule = Record<string, (prev: never, form: FormData) => Promise<unknown>>;

const READ = "401 200 200 200 200 200";
/** One server of the owner's team: an owner of another team is told there is none (issue 21: customers see only their own). */
const READ_OWN_TEAM = "401 200 404 200 200 200";
const ADMIN_ONLY_API = (ok: number) => `401 403 403 403 403 ${ok}`;
const ADMIN_ONLY = "signin denied denied denied denied ok";

const MATRIX: Record<string, Row> = {
  // ---- server actions ----
  [A("createApiTokenAction")]: {
    call: async (w) =>
      asAction(w, (actions_api_tokens as unknown as ActionModule).createApiTokenAction!, {
        email: f.viewer.email,
        name: unique("tok"),
        scope: "read",
      }),
    expect: ADMIN_ONLY,
  },
  [A("revokeApiTokenAction")]: {
    call: async (w) =>
      asAction(w, (actions_api_tokens as unknown as ActionModule).revokeApiTokenAction!, {
        id: (await createApiToken(f.viewer.id, { name: "x", scope: "write", days: 90 }, { id: null, label: "t" })).id,
      }),
    expect: ADMIN_ONLY,
  },
  [A("createFreezeAction")]: {
    call: async (w) =>
      asAction(w, (actions_freezes as unknown as ActionModule).createFreezeAction!, {
        name: unique("freeze"),
        startsAt: "6998-12-20T00:00",
        endsAt: "6998-12-31T00:00",
        zone: "Europe/Paris",
        reason: "Frozen for the matrix",
        scope: "all",
      }),
    expect: ADMIN_ONLY,
  },
  [A("deleteFreezeAction")]: {
    call: async (w) => asAction(w, (actions_freezes as unknown as ActionModule).deleteFreezeAction!, { id: await freeze() }),
    expect: ADMIN_ONLY,
  },
  [A("scanNowAction")]: {
    // Its owners and admins may ask; here no executor reaches servers (manual), so they are told
    // to report instead (written "409": a refusal's words do not fit this table).
    call: async (w) => {
      const seen = await asAction(w, (actions_updates as unknown as ActionModule).scanNowAction!, { name: (await resource()).name });
      return /^refused: Party slots are patched by the manual executor/.test(String(seen)) ? 409 : seen;
    },
    expect: "signin denied denied 409 denied 409",
  },
  [A("approvePackageAction")]: {
    call: async (w) =>
      asAction(w, (actions_updates as unknown as ActionModule).approvePackageAction!, {
        tag: (await party()).tag,
        release: "debian 12",
        package: "openssl",
        version: "3.0.15-1",
        reason: "Let through for the matrix",
      }),
    expect: ADMIN_ONLY,
  },
  [A("createWebhookAction")]: {
    call: async (w) =>
      asAction(w, (actions_webhooks as unknown as ActionModule).createWebhookAction!, { url: "https://203.0.113.10/hook", kind: "teams", all: "on" }),
    expect: ADMIN_ONLY,
  },
  [A("pauseWebhookAction")]: {
    call: async (w) => asAction(w, (actions_webhooks as unknown as ActionModule).pauseWebhookAction!, { id: (await webhook()).id }),
    expect: ADMIN_ONLY,
  },
  [A("resumeWebhookAction")]: {
    call: async (w) => {
      const { id } = await webhook();
      await db.webhookEndpoint.update({ where: { id }, data: { pausedAt: new Date(), pausedReason: "For the matrix" } });
      return asAction(w, (actions_webhooks as unknown as ActionModule).resumeWebhookAction!, { id });
    },
    expect: ADMIN_ONLY,
  },
  [A("deleteWebhookAction")]: {
    call: async (w) => asAction(w, (actions_webhooks as unknown as ActionModule).deleteWebhookAction!, { id: (await webhook()).id }),
    expect: ADMIN_ONLY,
  },
  [A("resendDeliveryAction")]: {
    call: async (w) => {
      const { id, deliveryId } = await webhook();
      return asAction(w, (actions_webhooks as unknown as ActionModule).resendDeliveryAction!, { id: `${id}:${deliveryId}` });
    },
    expect: ADMIN_ONLY,
  },
  [A("createSourceAction")]: {
    call: async (w) =>
      asAction(w, (actions_inventory as unknown as ActionModule).createSourceAction!, {
        name: unique("matrix source"),
        kind: "ansible",
        fileName: "hosts.ini",
        text: "[g]\nmatrix-host\n",
      }),
    expect: ADMIN_ONLY,
  },
  [A("updateSourceSettingsAction")]: {
    call: async (w) =>
      asAction(w, (actions_inventory as unknown as ActionModule).updateSourceSettingsAction!, {
        id: (await inventorySource()).id,
        kind: "ansible",
        name: unique("matrix source"),
        fileName: "hosts.ini",
      }),
    expect: ADMIN_ONLY,
  },
  [A("mappingAction")]: {
    call: async (w) =>
      asAction(w, (actions_inventory as unknown as ActionModule).mappingAction!, {
        id: (await inventorySource()).id,
        intent: "save",
        mapping: JSON.stringify(MATRIX_MAPPING),
      }),
    expect: ADMIN_ONLY,
  },
  [A("deleteSourceAction")]: {
    call: async (w) => asAction(w, (actions_inventory as unknown as ActionModule).deleteSourceAction!, { id: (await inventorySource()).id }),
    expect: ADMIN_ONLY,
  },
  [A("previewSyncAction")]: {
    call: async (w) => asAction(w, (actions_inventory as unknown as ActionModule).previewSyncAction!, { id: (await inventorySource()).id }),
    expect: ADMIN_ONLY,
  },
  [A("applySyncAction")]: {
    call: async (w) => {
      const { id, syncId } = await inventorySource();
      return asAction(w, (actions_inventory as unknown as ActionModule).applySyncAction!, { id: `${id}:${syncId}` });
    },
    expect: ADMIN_ONLY,
  },
  [A("discardSyncAction")]: {
    call: async (w) => {
      const { id, syncId } = await inventorySource();
      return asAction(w, (actions_inventory as unknown as ActionModule).discardSyncAction!, { id: `${id}:${syncId}` });
    },
    expect: ADMIN_ONLY,
  },
  [A("createFeedAction")]: {
    call: async (w) => asAction(w, (actions_calendar as unknown as ActionModule).createFeedAction!, { name: unique("feed") }),
    expect: "signin ok ok ok ok ok",
  },
  [A("revokeFeedAction")]: {
    // The feed belongs to the owner: they and admins revoke it, nobody else.
    call: async (w) => {
      const feed = await createFeed(f.owner, unique("feed"), {}, new Date());
      if (!feed.ok) throw new Error(feed.message);
      return asAction(w, (actions_calendar as unknown as ActionModule).revokeFeedAction!, { id: feed.value.id });
    },
    expect: "signin denied denied ok denied ok",
  },
  [A("changeRoleAction")]: {
    call: async (w) => asAction(w, (actions_users as unknown as ActionModule).changeRoleAction!, { id: await someone(), role: "viewer" }),
    expect: ADMIN_ONLY,
  },
  [A("signOutEverywhereAction")]: {
    call: async (w) => asAction(w, (actions_users as unknown as ActionModule).signOutEverywhereAction!, { id: await someone() }),
    expect: ADMIN_ONLY,
  },
  [A("resetSecondFactorAction")]: {
    call: async (w) => asAction(w, (actions_users as unknown as ActionModule).resetSecondFactorAction!, { id: await someone() }),
    expect: ADMIN_ONLY,
  },
  [A("unlockUserAction")]: {
    call: async (w) => asAction(w, (actions_users as unknown as ActionModule).unlockUserAction!, { id: await someone() }),
    expect: ADMIN_ONLY,
  },
  [A("changePasswordAction")]: {
    // Everyone changes their own (and only their own: the action takes no one's id).
    call: async (w) => {
      const me = people[w];
      if (me) await db.user.update({ where: { id: me.id }, data: { passwordHash: await hashPassword("matrix password 1") } });
      return asAction(w, (actions_users as unknown as ActionModule).changePasswordAction!, {
        current: "matrix password 1",
        next: "matrix password 2",
        confirm: "matrix password 2",
      });
    },
    expect: "signin ok ok ok ok ok",
    // On the account page, beside setting up the second factor.
    passwordOnly: "ok",
  },
  [A("secondFactorAction")]: {
    // Everyone sets up their own (the action takes no one's id), an admin without one above all.
    call: async (w) => asAction(w, (actions_account as unknown as ActionModule).secondFactorAction!, { intent: "start" }),
    expect: "signin ok ok ok ok ok",
    passwordOnly: "ok",
  },
  [A("movePartyAction")]: {
    call: async (w) =>
      asAction(w, (actions_calendar as unknown as ActionModule).movePartyAction!, {
        tag: (await party()).tag,
        kind: "production",
        date: "6999-03-14",
        reason: "Moved for the matrix",
      }),
    expect: ADMIN_ONLY,
  },
  [A("cancelPartyAction")]: {
    call: async (w) =>
      asAction(w, (actions_calendar as unknown as ActionModule).cancelPartyAction!, {
        tag: (await party()).tag,
        kind: "production",
        reason: "Cancelled for the matrix",
      }),
    expect: ADMIN_ONLY,
  },
  [A("partyRuleAction")]: {
    // Saves the rule as it is (nothing moves), so other tests keep theirs.
    call: async (w) => {
      const rule = await getPartyRule();
      const revision = (await db.partyRule.findUnique({ where: { id: "default" }, select: { revision: true } }))?.revision;
      const fields: Record<string, string> = {
        intent: "save",
        timeZone: rule.timeZone,
        qaMonthOfQuarter: String(rule.qaMonthOfQuarter),
        qaThursdayOfMonth: String(rule.qaThursdayOfMonth),
        businessStart: rule.businessHours.start,
        businessEnd: rule.businessHours.end,
        productionMinGapDays: String(rule.productionMinGapDays),
        ...(revision ? { revision: String(revision) } : {}),
      };
      rule.qaSlots.forEach((s) => Object.assign(fields, { [`qa${s.group}Start`]: s.start, [`qa${s.group}End`]: s.end }));
      rule.productionSlots.forEach((s) => Object.assign(fields, { [`prod${s.group}Start`]: s.start, [`prod${s.group}End`]: s.end }));
      return asAction(w, (actions_calendar as unknown as ActionModule).partyRuleAction!, fields);
    },
    expect: ADMIN_ONLY,
  },
  [A("changeDecisionAction")]: {
    call: async (w) =>
      asAction(w, (actions_changes as unknown as ActionModule).changeDecisionAction!, {
        id: await submittedChange(),
        intent: "approve",
        comment: "CAB: go ahead",
      }),
    expect: "signin denied denied denied ok ok",
  },
  [A("openChangeAction")]: {
    call: async (w) => asAction(w, (actions_changes as unknown as ActionModule).openChangeAction!, { partyTag: (await party()).tag }),
    expect: ADMIN_ONLY,
  },
  [A("partyHoldAction")]: {
    call: async (w) =>
      asAction(w, (actions_party_hold as unknown as ActionModule).partyHoldAction!, {
        tag: (await party()).tag,
        intent: "hold",
        holdReason: "QA failures under review",
      }),
    expect: ADMIN_ONLY,
  },
  [A("resumeSlotAction")]: {
    call: async (w) => {
      const s = await haltedSlot();
      return asAction(w, (actions_party_hold as unknown as ActionModule).resumeSlotAction!, { runId: s.runId, tag: s.tag, kind: "qa" });
    },
    expect: ADMIN_ONLY,
  },
  [A("savePolicyAction")]: {
    call: async (w) =>
      asAction(w, (actions_policies as unknown as ActionModule).savePolicyAction!, {
        intent: "save",
        name: unique("policy"),
        tags: "",
        schedules: JSON.stringify([{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }]),
      }),
    expect: ADMIN_ONLY,
  },
  [A("deletePolicyAction")]: {
    call: async (w) => asAction(w, (actions_policies as unknown as ActionModule).deletePolicyAction!, { id: await policy() }),
    expect: ADMIN_ONLY,
  },
  [A("excludeResourceAction")]: {
    call: async (w) =>
      asAction(w, (actions_resources as unknown as ActionModule).excludeResourceAction!, { name: (await resource()).name, reason: "Vendor case open" }),
    expect: "signin denied denied ok denied ok",
  },
  [A("setResourceGroupAction")]: {
    call: async (w) => asAction(w, (actions_resources as unknown as ActionModule).setResourceGroupAction!, { name: (await resource()).name, group: "3" }),
    expect: "signin denied denied ok denied ok",
  },
  [A("updateResourceConnectionAction")]: {
    call: async (w) =>
      asAction(w, (actions_resources as unknown as ActionModule).updateResourceConnectionAction!, {
        name: (await resource()).name,
        address: "mx.example.com",
        sshPort: "2222",
        sshUser: "deploy",
      }),
    expect: "signin denied denied denied denied ok",
  },
  [A("bulkResourcesAction")]: {
    // A bulk action reports rows it may not touch instead of failing: "denied" here means the resource did not change.
    call: async (w) => {
      const r = await resource();
      const seen = await asAction(w, (actions_resources as unknown as ActionModule).bulkResourcesAction!, {
        payload: JSON.stringify({ action: "exclude", selection: { mode: "ids", ids: [r.id] } }),
        reason: "Bulk: vendor case open",
      });
      if (seen !== "ok") return seen;
      return (await db.resource.findUniqueOrThrow({ where: { id: r.id } })).excluded ? "ok" : "denied";
    },
    expect: "signin denied denied ok denied ok",
  },
  [A("signOutAction")]: {
    call: async (w) => asAction(w, (actions_session as unknown as ActionModule).signOutAction!, {}),
    expect: "signin signin signin signin signin signin",
    passwordOnly: "signin",
  },
  [A("saveDeadlinesAction")]: {
    call: async (w) => {
      const { revision, ...days } = await getDeadlines();
      return asAction(w, (actions_deadlines as unknown as ActionModule).saveDeadlinesAction!, {
        ...Object.fromEntries(Object.entries(days).map(([k, v]) => [k, v === null ? "" : String(v)])),
        revision: String(revision),
      });
    },
    expect: ADMIN_ONLY,
  },
  [A("saveSlotRolloutAction")]: {
    call: async (w) => {
      const s = await getSlotRollout();
      const text = (v: number | null) => (v === null ? "" : String(v));
      return asAction(w, (actions_slot_rollout as unknown as ActionModule).saveSlotRolloutAction!, {
        concurrency: String(s.concurrency),
        concurrencyPercent: text(s.concurrencyPercent),
        canaryPercent: String(s.canaryPercent),
        maxFailures: text(s.maxFailures),
        maxFailurePercent: text(s.maxFailurePercent),
      });
    },
    expect: ADMIN_ONLY,
  },
  [A("saveSlotExecutionAction")]: {
    call: async (w) => {
      const s = await getSlotExecution();
      return asAction(w, (actions_slot_rollout as unknown as ActionModule).saveSlotExecutionAction!, {
        executor: s.executor ?? "",
        preHook: s.preHook ?? "",
        postHook: s.postHook ?? "",
        cutoffMinutes: String(s.cutoffMinutes),
        memberTimeoutMinutes: String(s.memberTimeoutMinutes),
      });
    },
    expect: ADMIN_ONLY,
  },
  // Outcomes people record on the slot's page: admins any member, owners their team's (execution() is team A's).
  [A("recordManualOutcomesAction")]: {
    call: async (w) => {
      const e = await execution();
      return asAction(w, (actions_manual_outcomes as unknown as ActionModule).recordManualOutcomesAction!, {
        scope: "slot",
        tag: e.partyTag,
        kind: "qa",
        group: "1",
        key: e.key,
        outcome: "failed",
        reason: "Console shows a kernel panic",
      });
    },
    expect: "signin denied denied ok denied ok",
  },
  [A("importManualOutcomesAction")]: {
    call: async (w) => {
      const e = await execution();
      const file = new File([`key,state,message\n${e.key},patched,\n`], "outcomes.csv", { type: "text/csv" });
      return asAction(w, (actions_manual_outcomes as unknown as ActionModule).importManualOutcomesAction!, {
        scope: "slot",
        tag: e.partyTag,
        kind: "qa",
        group: "1",
        file,
      });
    },
    expect: "signin denied denied ok denied ok",
  },
  [A("createTemplateAction")]: {
    call: async (w) => {
      const cluster = await db.cluster.create({ data: { name: unique("mxc") } });
      return asAction(w, (actions_templates as unknown as ActionModule).createTemplateAction!, {
        name: unique("tpl"),
        policyId: await policy(),
        targetVersion: "1.0.0",
        members: cluster.name,
      });
    },
    expect: ADMIN_ONLY,
  },
  [A("updateTemplateAction")]: {
    call: async (w) => asAction(w, (actions_templates as unknown as ActionModule).updateTemplateAction!, { id: await template(), targetVersion: "2.0.0" }),
    expect: ADMIN_ONLY,
  },
  [A("upgradeNowAction")]: {
    call: async (w) => asAction(w, (actions_templates as unknown as ActionModule).upgradeNowAction!, { id: await approvedUpgrade() }),
    expect: ADMIN_ONLY,
  },
  [A("resumeRunAction")]: {
    call: async (w) => asAction(w, (actions_templates as unknown as ActionModule).resumeRunAction!, { id: (await halted()).id }),
    expect: ADMIN_ONLY,
  },
  [A("changeTemplateMembersAction")]: {
    call: async (w) =>
      asAction(w, (actions_templates as unknown as ActionModule).changeTemplateMembersAction!, {
        id: await sharedTemplate(),
        add: (await db.cluster.create({ data: { name: unique("mxc") } })).name,
      }),
    expect: ADMIN_ONLY,
  },
  [A("saveMemberQueryAction")]: {
    call: async (w) =>
      asAction(w, (actions_templates as unknown as ActionModule).saveMemberQueryAction!, { id: await sharedTemplate(), cluster: unique("no-such-cluster") }),
    expect: ADMIN_ONLY,
  },
  [A("previewMemberQueryAction")]: {
    call: async (w) =>
      asAction(w, (actions_templates as unknown as ActionModule).previewMemberQueryAction!, { id: await sharedTemplate(), cluster: unique("no-such-cluster") }),
    expect: ADMIN_ONLY,
  },
  [A("saveTemplatePlanAction")]: {
    call: async (w) =>
      asAction(w, (actions_templates as unknown as ActionModule).saveTemplatePlanAction!, { id: await template(), components: "clients, 5\ngateways, 60" }),
    expect: ADMIN_ONLY,
  },

  // ---- API routes ----
  [R("GET", "health")]: {
    call: async (w) => asApi(w, (route_health as unknown as RouteModule).GET!, "GET", "/api/health"),
    expect: "200 200 200 200 200 200",
    executor: "200",
    passwordOnly: "200",
  },
  [R("GET", "v1/calendar.ics")]: {
    call: async (w) => asApi(w, (route_v1_calendar_ics as unknown as RouteModule).GET!, "GET", "/api/v1/calendar.ics"),
    expect: READ,
  },
  [R("GET", "v1/resources.csv")]: {
    call: async (w) => asApi(w, (route_v1_resources_csv as unknown as RouteModule).GET!, "GET", `/api/v1/resources.csv?q=${f.prefix}`),
    expect: READ,
  },
  [R("POST", "v1/resources.csv")]: {
    // Re-imports one exported row of the owner's team: valid, and changes nothing.
    call: async (w) => {
      const r = await resource();
      const exported = await (
        await (route_v1_resources_csv as unknown as RouteModule).GET!(
          new Request(`http://localhost/api/v1/resources.csv?q=${r.name}`, { headers: { Authorization: `Bearer ${tokens.admin}` } }),
          { params: Promise.resolve({}) },
        )
      ).text();
      return asApi(w, (route_v1_resources_csv as unknown as RouteModule).POST!, "POST", "/api/v1/resources.csv", {}, exported, "text/csv");
    },
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/plans")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_plans as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/plans",
        {},
        { components: CLEANROOM_COMPONENTS, servers: [{ name: "a", component: "clients", serverType: "c" }] },
      ),
    expect: READ,
  },
  [R("GET", "v1/parties")]: {
    call: async (w) => asApi(w, (route_v1_parties as unknown as RouteModule).GET!, "GET", "/api/v1/parties?from=2026-01-01&to=2026-12-31"),
    expect: READ,
  },
  [R("GET", "v1/parties/[tag]/[kind]")]: {
    call: async (w) =>
      asApi(w, (route_v1_parties__tag___kind_ as unknown as RouteModule).GET!, "GET", "/api/v1/parties/x", { tag: (await party()).tag, kind: "production" }),
    expect: READ,
  },
  [R("GET", "v1/parties/[tag]/[kind]/forecast")]: {
    call: async (w) =>
      asApi(w, (route_v1_parties__tag___kind__forecast as unknown as RouteModule).GET!, "GET", "/api/v1/parties/x/forecast", {
        tag: (await party()).tag,
        kind: "production",
      }),
    expect: READ,
  },
  [R("POST", "v1/parties/[tag]/[kind]/move")]: {
    call: async (w) => {
      const { tag } = await party();
      const body = { date: `${tag.slice(0, 4)}-03-14`, reason: "Moved for the matrix" };
      return asApi(
        w,
        (route_v1_parties__tag___kind__move as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/parties/x/move",
        { tag, kind: "production" },
        body,
      );
    },
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/parties/[tag]/[kind]/cancel")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_parties__tag___kind__cancel as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/parties/x/cancel",
        { tag: (await party()).tag, kind: "production" },
        { reason: "Cancelled for the matrix" },
      ),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/parties/[tag]/[kind]/packages")]: {
    call: async (w) =>
      asApi(w, (route_v1_parties__tag___kind__packages as unknown as RouteModule).GET!, "GET", "/api/v1/parties/x/packages", {
        tag: (await party()).tag,
        kind: "production",
      }),
    expect: READ,
  },
  [R("POST", "v1/parties/[tag]/[kind]/packages")]: {
    // Letting an untested version through to production: admins, audited.
    call: async (w) =>
      asApi(
        w,
        (route_v1_parties__tag___kind__packages as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/parties/x/packages",
        { tag: (await party()).tag, kind: "production" },
        { release: "debian 12", package: "openssl", version: "3.0.15-1", reason: "Let through for the matrix" },
      ),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/conflicts")]: {
    call: async (w) => asApi(w, (route_v1_conflicts as unknown as RouteModule).GET!, "GET", "/api/v1/conflicts?from=2027-03-01&to=2027-03-31"),
    expect: READ,
  },
  [R("GET", "v1/freezes")]: { call: async (w) => asApi(w, (route_v1_freezes as unknown as RouteModule).GET!, "GET", "/api/v1/freezes"), expect: READ },
  [R("POST", "v1/freezes")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_freezes as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/freezes",
        {},
        {
          name: unique("freeze"),
          startsAt: "6998-12-20T00:00:00Z",
          endsAt: "6998-12-31T00:00:00Z",
          reason: "Frozen for the matrix",
          scope: "production",
        },
      ),
    expect: ADMIN_ONLY_API(201),
  },
  [R("GET", "v1/freezes/[id]")]: {
    call: async (w) => asApi(w, (route_v1_freezes__id_ as unknown as RouteModule).GET!, "GET", "/api/v1/freezes/x", { id: await freeze() }),
    expect: READ,
  },
  [R("PATCH", "v1/freezes/[id]")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_freezes__id_ as unknown as RouteModule).PATCH!,
        "PATCH",
        "/api/v1/freezes/x",
        { id: await freeze() },
        { reason: "Edited for the matrix" },
      ),
    expect: ADMIN_ONLY_API(200),
  },
  [R("DELETE", "v1/freezes/[id]")]: {
    call: async (w) => asApi(w, (route_v1_freezes__id_ as unknown as RouteModule).DELETE!, "DELETE", "/api/v1/freezes/x", { id: await freeze() }),
    expect: ADMIN_ONLY_API(204),
  },
  [R("GET", "v1/webhooks")]: {
    call: async (w) => asApi(w, (route_v1_webhooks as unknown as RouteModule).GET!, "GET", "/api/v1/webhooks"),
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/webhooks")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_webhooks as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/webhooks",
        {},
        { url: "https://203.0.113.10/hook", kind: "standard", events: ["*"] },
      ),
    expect: ADMIN_ONLY_API(201),
  },
  [R("GET", "v1/webhooks/[id]")]: {
    call: async (w) => asApi(w, (route_v1_webhooks__id_ as unknown as RouteModule).GET!, "GET", "/api/v1/webhooks/x", { id: (await webhook()).id }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("PATCH", "v1/webhooks/[id]")]: {
    call: async (w) =>
      asApi(w, (route_v1_webhooks__id_ as unknown as RouteModule).PATCH!, "PATCH", "/api/v1/webhooks/x", { id: (await webhook()).id }, { paused: true }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("DELETE", "v1/webhooks/[id]")]: {
    call: async (w) => asApi(w, (route_v1_webhooks__id_ as unknown as RouteModule).DELETE!, "DELETE", "/api/v1/webhooks/x", { id: (await webhook()).id }),
    expect: ADMIN_ONLY_API(204),
  },
  [R("GET", "v1/webhooks/[id]/deliveries")]: {
    call: async (w) =>
      asApi(w, (route_v1_webhooks__id__deliveries as unknown as RouteModule).GET!, "GET", "/api/v1/webhooks/x/deliveries", { id: (await webhook()).id }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/webhooks/[id]/deliveries/[deliveryId]/resend")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_webhooks__id__deliveries__deliveryId__resend as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/webhooks/x/deliveries/y/resend",
        await webhook(),
      ),
    expect: ADMIN_ONLY_API(202),
  },
  [R("GET", "v1/inventory-sources")]: {
    call: async (w) => asApi(w, (route_v1_inventory_sources as unknown as RouteModule).GET!, "GET", "/api/v1/inventory-sources"),
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/inventory-sources")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_inventory_sources as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/inventory-sources",
        {},
        {
          name: unique("matrix source"),
          kind: "ansible",
          config: { fileName: "hosts.ini", text: "[g]\nmatrix-host\n" },
          mapping: MATRIX_MAPPING,
        },
      ),
    expect: ADMIN_ONLY_API(201),
  },
  [R("GET", "v1/inventory-sources/[id]")]: {
    call: async (w) =>
      asApi(w, (route_v1_inventory_sources__id_ as unknown as RouteModule).GET!, "GET", "/api/v1/inventory-sources/x", { id: (await inventorySource()).id }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("PATCH", "v1/inventory-sources/[id]")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_inventory_sources__id_ as unknown as RouteModule).PATCH!,
        "PATCH",
        "/api/v1/inventory-sources/x",
        { id: (await inventorySource()).id },
        { autoApply: true },
      ),
    expect: ADMIN_ONLY_API(200),
  },
  [R("DELETE", "v1/inventory-sources/[id]")]: {
    call: async (w) =>
      asApi(w, (route_v1_inventory_sources__id_ as unknown as RouteModule).DELETE!, "DELETE", "/api/v1/inventory-sources/x", {
        id: (await inventorySource()).id,
      }),
    expect: ADMIN_ONLY_API(204),
  },
  [R("POST", "v1/inventory-sources/[id]/mapping-preview")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_inventory_sources__id__mapping_preview as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/inventory-sources/x/mapping-preview",
        { id: (await inventorySource()).id },
        { mapping: MATRIX_MAPPING },
      ),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/inventory-sources/[id]/syncs")]: {
    call: async (w) =>
      asApi(w, (route_v1_inventory_sources__id__syncs as unknown as RouteModule).GET!, "GET", "/api/v1/inventory-sources/x/syncs", {
        id: (await inventorySource()).id,
      }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/inventory-sources/[id]/syncs")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_inventory_sources__id__syncs as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/inventory-sources/x/syncs",
        { id: (await inventorySource()).id },
        {},
      ),
    expect: ADMIN_ONLY_API(201),
  },
  [R("GET", "v1/inventory-sources/[id]/syncs/[syncId]")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_inventory_sources__id__syncs__syncId_ as unknown as RouteModule).GET!,
        "GET",
        "/api/v1/inventory-sources/x/syncs/y",
        await inventorySource(),
      ),
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/inventory-sources/[id]/syncs/[syncId]")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_inventory_sources__id__syncs__syncId_ as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/inventory-sources/x/syncs/y",
        await inventorySource(),
        { action: "discard" },
      ),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/compliance")]: { call: async (w) => asApi(w, (route_v1_compliance as unknown as RouteModule).GET!, "GET", "/api/v1/compliance"), expect: READ },
  [R("GET", "v1/compliance/deadlines")]: {
    call: async (w) => asApi(w, (route_v1_compliance_deadlines as unknown as RouteModule).GET!, "GET", "/api/v1/compliance/deadlines"),
    expect: READ,
  },
  [R("PUT", "v1/compliance/deadlines")]: {
    call: async (w) =>
      asApi(w, (route_v1_compliance_deadlines as unknown as RouteModule).PUT!, "PUT", "/api/v1/compliance/deadlines", {}, await getDeadlines()),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/compliance.csv")]: {
    call: async (w) => asApi(w, (route_v1_compliance_csv as unknown as RouteModule).GET!, "GET", "/api/v1/compliance.csv"),
    expect: READ,
  },
  // The audit log names people and their sign-in lockouts: approvers and admins, as its page (decision 017).
  [R("GET", "v1/audit.csv")]: {
    call: async (w) => asApi(w, (route_v1_audit_csv as unknown as RouteModule).GET!, "GET", `/api/v1/audit.csv?actor=${encodeURIComponent(f.admin.email)}`),
    expect: "401 403 403 403 200 200",
  },
  [R("GET", "v1/parties/[tag]/[kind]/resources.csv")]: {
    call: async (w) =>
      asApi(w, (route_v1_parties__tag___kind__resources_csv as unknown as RouteModule).GET!, "GET", "/api/v1/parties/x/resources.csv", {
        tag: (await party()).tag,
        kind: "production",
      }),
    expect: READ,
  },
  [R("GET", "v1/changes")]: { call: async (w) => asApi(w, (route_v1_changes as unknown as RouteModule).GET!, "GET", "/api/v1/changes"), expect: READ },
  [R("POST", "v1/changes")]: {
    call: async (w) => asApi(w, (route_v1_changes as unknown as RouteModule).POST!, "POST", "/api/v1/changes", {}, { partyTag: (await party()).tag }),
    expect: ADMIN_ONLY_API(201),
  },
  [R("GET", "v1/changes/[id]")]: {
    call: async (w) => asApi(w, (route_v1_changes__id_ as unknown as RouteModule).GET!, "GET", "/api/v1/changes/x", { id: await draftChange() }),
    expect: READ,
  },
  [R("POST", "v1/changes/[id]/submit")]: {
    call: async (w) =>
      asApi(w, (route_v1_changes__id__submit as unknown as RouteModule).POST!, "POST", "/api/v1/changes/x/submit", { id: await draftChange() }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/changes/[id]/approve")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_changes__id__approve as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/changes/x/approve",
        { id: await submittedChange() },
        { comment: "CAB: go" },
      ),
    expect: "401 403 403 403 200 200",
  },
  [R("POST", "v1/changes/[id]/reject")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_changes__id__reject as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/changes/x/reject",
        { id: await submittedChange() },
        { comment: "CAB: not now" },
      ),
    expect: "401 403 403 403 200 200",
  },
  [R("GET", "v1/policies")]: { call: async (w) => asApi(w, (route_v1_policies as unknown as RouteModule).GET!, "GET", "/api/v1/policies"), expect: READ },
  [R("POST", "v1/policies")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_policies as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/policies",
        {},
        { name: unique("policy"), tags: [], schedules: [{ name: "Sunday", windowHours: 4, preset: "weekly-sunday" }] },
      ),
    expect: ADMIN_ONLY_API(201),
  },
  [R("GET", "v1/policies/[id]")]: {
    call: async (w) => asApi(w, (route_v1_policies__id_ as unknown as RouteModule).GET!, "GET", "/api/v1/policies/x", { id: await policy() }),
    expect: READ,
  },
  [R("PATCH", "v1/policies/[id]")]: {
    call: async (w) =>
      asApi(w, (route_v1_policies__id_ as unknown as RouteModule).PATCH!, "PATCH", "/api/v1/policies/x", { id: await policy() }, { tags: ["edited"] }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("DELETE", "v1/policies/[id]")]: {
    call: async (w) => asApi(w, (route_v1_policies__id_ as unknown as RouteModule).DELETE!, "DELETE", "/api/v1/policies/x", { id: await policy() }),
    expect: ADMIN_ONLY_API(204),
  },
  [R("GET", "v1/policies/[id]/windows")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_policies__id__windows as unknown as RouteModule).GET!,
        "GET",
        "/api/v1/policies/x/windows?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z",
        { id: await policy() },
      ),
    expect: READ,
  },
  [R("GET", "v1/templates")]: { call: async (w) => asApi(w, (route_v1_templates as unknown as RouteModule).GET!, "GET", "/api/v1/templates"), expect: READ },
  [R("POST", "v1/templates")]: {
    call: async (w) => {
      const cluster = await db.cluster.create({ data: { name: unique("mxc") } });
      return asApi(
        w,
        (route_v1_templates as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/templates",
        {},
        { name: unique("tpl"), policyId: await policy(), targetVersion: "1.0.0", members: [cluster.name] },
      );
    },
    expect: ADMIN_ONLY_API(201),
  },
  [R("GET", "v1/templates/[id]")]: {
    call: async (w) => asApi(w, (route_v1_templates__id_ as unknown as RouteModule).GET!, "GET", "/api/v1/templates/x", { id: await template() }),
    expect: READ,
  },
  [R("PATCH", "v1/templates/[id]")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_templates__id_ as unknown as RouteModule).PATCH!,
        "PATCH",
        "/api/v1/templates/x",
        { id: await template() },
        { targetVersion: "2.0.0" },
      ),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/templates/[id]/plan")]: {
    call: async (w) => asApi(w, (route_v1_templates__id__plan as unknown as RouteModule).GET!, "GET", "/api/v1/templates/x/plan", { id: await template() }),
    expect: READ,
  },
  [R("PUT", "v1/templates/[id]/plan")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_templates__id__plan as unknown as RouteModule).PUT!,
        "PUT",
        "/api/v1/templates/x/plan",
        { id: await template() },
        { components: CLEANROOM_COMPONENTS },
      ),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/templates/[id]/members")]: {
    call: async (w) =>
      asApi(w, (route_v1_templates__id__members as unknown as RouteModule).GET!, "GET", "/api/v1/templates/x/members", { id: await template() }),
    expect: READ,
  },
  [R("GET", "v1/templates/[id]/member-events")]: {
    call: async (w) =>
      asApi(w, (route_v1_templates__id__member_events as unknown as RouteModule).GET!, "GET", "/api/v1/templates/x/member-events", {
        id: await sharedTemplate(),
      }),
    expect: READ,
  },
  [R("POST", "v1/templates/[id]/upgrade-now")]: {
    call: async (w) =>
      asApi(w, (route_v1_templates__id__upgrade_now as unknown as RouteModule).POST!, "POST", "/api/v1/templates/x/upgrade-now", {
        id: await approvedUpgrade(),
      }),
    expect: ADMIN_ONLY_API(202),
  },
  [R("POST", "v1/templates/[id]/resume")]: {
    call: async (w) =>
      asApi(w, (route_v1_templates__id__resume as unknown as RouteModule).POST!, "POST", "/api/v1/templates/x/resume", { id: (await halted()).id }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/notifications")]: {
    // They hold customers' e-mail addresses: owners read their own teams' only (decision 017).
    call: async (w) => asApi(w, (route_v1_notifications as unknown as RouteModule).GET!, "GET", "/api/v1/notifications"),
    expect: "401 403 200 200 200 200",
  },
  [R("GET", "v1/users")]: {
    call: async (w) => asApi(w, (route_v1_users as unknown as RouteModule).GET!, "GET", "/api/v1/users"),
    expect: ADMIN_ONLY_API(200),
  },
  [R("PATCH", "v1/users/[id]")]: {
    call: async (w) =>
      asApi(w, (route_v1_users__id_ as unknown as RouteModule).PATCH!, "PATCH", "/api/v1/users/x", { id: await someone() }, { role: "viewer" }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/users/[id]/sign-out")]: {
    call: async (w) => asApi(w, (route_v1_users__id__sign_out as unknown as RouteModule).POST!, "POST", "/api/v1/users/x/sign-out", { id: await someone() }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/users/[id]/unlock")]: {
    call: async (w) => asApi(w, (route_v1_users__id__unlock as unknown as RouteModule).POST!, "POST", "/api/v1/users/x/unlock", { id: await someone() }),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/resources")]: {
    call: async (w) => asApi(w, (route_v1_resources as unknown as RouteModule).GET!, "GET", `/api/v1/resources?q=${f.prefix}`),
    expect: READ,
  },
  [R("GET", "v1/resources/[name]")]: {
    call: async (w) => asApi(w, (route_v1_resources__name_ as unknown as RouteModule).GET!, "GET", "/api/v1/resources/x", { name: (await resource()).name }),
    expect: READ_OWN_TEAM,
  },
  [R("PATCH", "v1/resources/[name]")]: {
    // A group and a connection take different paths to the write; the connection is the admins' alone.
    call: async (w) => {
      const patch = (route_v1_resources__name_ as unknown as RouteModule).PATCH!;
      const group = await asApi(w, patch, "PATCH", "/api/v1/resources/x", { name: (await resource()).name }, { group: 3 });
      const connection = await asApi(
        w,
        patch,
        "PATCH",
        "/api/v1/resources/x",
        { name: (await resource()).name },
        { address: "mx.example.com", sshPort: 2222, sshUser: "deploy" },
      );
      return group === connection ? group : (`${group}/${connection}` as Seen);
    },
    expect: "401 403 403 200/403 403 200",
  },
  [R("PUT", "v1/resources/[name]/exclusion")]: {
    call: async (w) =>
      asApi(
        w,
        (route_v1_resources__name__exclusion as unknown as RouteModule).PUT!,
        "PUT",
        "/api/v1/resources/x/exclusion",
        { name: (await resource()).name },
        { reason: "Vendor case open" },
      ),
    expect: "401 403 403 200 403 200",
  },
  [R("DELETE", "v1/resources/[name]/exclusion")]: {
    call: async (w) => {
      const r = await resource();
      await db.resource.update({ where: { id: r.id }, data: { excluded: true, exclusionReason: "x", excludedAt: new Date() } });
      return asApi(
        w,
        (route_v1_resources__name__exclusion as unknown as RouteModule).DELETE!,
        "DELETE",
        "/api/v1/resources/x/exclusion",
        { name: r.name },
        { group: 1 },
      );
    },
    expect: "401 403 403 200 403 200",
  },
  [R("GET", "v1/resources/[name]/updates")]: {
    call: async (w) =>
      asApi(w, (route_v1_resources__name__updates as unknown as RouteModule).GET!, "GET", "/api/v1/resources/x/updates", { name: (await resource()).name }),
    expect: READ_OWN_TEAM,
  },
  [R("PUT", "v1/resources/[name]/updates")]: {
    // What a server has pending, reported by an automation (executors), an admin or its team's owners.
    call: async (w) =>
      asApi(
        w,
        (route_v1_resources__name__updates as unknown as RouteModule).PUT!,
        "PUT",
        "/api/v1/resources/x/updates",
        { name: (await resource()).name },
        { rebootRequired: true, updates: [{ package: "openssl", installed: "3.0.14", candidate: "3.0.15", security: true }] },
      ),
    expect: "401 403 403 200 403 200",
    executor: "200",
  },
  [R("POST", "v1/resources/[name]/updates/scan")]: {
    // Its owners and admins may ask; here no executor reaches servers (manual), so they get 409.
    call: async (w) =>
      asApi(w, (route_v1_resources__name__updates_scan as unknown as RouteModule).POST!, "POST", "/api/v1/resources/x/updates/scan", {
        name: (await resource()).name,
      }),
    expect: "401 403 403 409 403 409",
  },
  [R("GET", "v1/executions")]: {
    call: async (w) =>
      asApi(w, (route_v1_executions as unknown as RouteModule).GET!, "GET", `/api/v1/executions?party=${(await execution()).partyTag}&kind=qa`),
    expect: READ,
    executor: "200",
  },
  [R("GET", "v1/executions/[key]")]: {
    call: async (w) => asApi(w, (route_v1_executions__key_ as unknown as RouteModule).GET!, "GET", "/api/v1/executions/x", { key: (await execution()).key }),
    expect: READ_OWN_TEAM,
    executor: "200",
  },
  [R("POST", "v1/executions/[key]")]: {
    // Executors report any upgrade, admins too, owners their team's resources'.
    call: async (w) =>
      asApi(
        w,
        (route_v1_executions__key_ as unknown as RouteModule).POST!,
        "POST",
        "/api/v1/executions/x",
        { key: (await execution()).key },
        { state: "succeeded", packages: [{ name: "openssl", from: "3.0.14", to: "3.0.15" }] },
      ),
    expect: "401 403 403 200 403 200",
    executor: "200",
  },
  [R("GET", "v1/party-rule")]: { call: async (w) => asApi(w, (route_v1_party_rule as unknown as RouteModule).GET!, "GET", "/api/v1/party-rule"), expect: READ },
  [R("PUT", "v1/party-rule")]: {
    call: async (w) => {
      const current = await (
        await (route_v1_party_rule as unknown as RouteModule).GET!(
          new Request("http://localhost/api/v1/party-rule", { headers: { Authorization: `Bearer ${tokens.admin}` } }),
          { params: Promise.resolve({}) },
        )
      ).json();
      return asApi(w, (route_v1_party_rule as unknown as RouteModule).PUT!, "PUT", "/api/v1/party-rule", {}, current);
    },
    expect: ADMIN_ONLY_API(200),
  },
  [R("POST", "v1/party-rule/preview")]: {
    call: async (w) => {
      const current = await (
        await (route_v1_party_rule as unknown as RouteModule).GET!(
          new Request("http://localhost/api/v1/party-rule", { headers: { Authorization: `Bearer ${tokens.admin}` } }),
          { params: Promise.resolve({}) },
        )
      ).json();
      return asApi(w, (route_v1_party_rule_preview as unknown as RouteModule).POST!, "POST", "/api/v1/party-rule/preview", {}, current);
    },
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/party-rule/rollouts")]: {
    call: async (w) => asApi(w, (route_v1_party_rule_rollouts as unknown as RouteModule).GET!, "GET", "/api/v1/party-rule/rollouts"),
    expect: READ,
  },
  [R("PUT", "v1/party-rule/rollouts")]: {
    call: async (w) =>
      asApi(w, (route_v1_party_rule_rollouts as unknown as RouteModule).PUT!, "PUT", "/api/v1/party-rule/rollouts", {}, await getSlotRollout()),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/party-rule/execution")]: {
    call: async (w) => asApi(w, (route_v1_party_rule_execution as unknown as RouteModule).GET!, "GET", "/api/v1/party-rule/execution"),
    expect: READ,
  },
  [R("PUT", "v1/party-rule/execution")]: {
    call: async (w) =>
      asApi(w, (route_v1_party_rule_execution as unknown as RouteModule).PUT!, "PUT", "/api/v1/party-rule/execution", {}, await getSlotExecution()),
    expect: ADMIN_ONLY_API(200),
  },
  [R("GET", "v1/openapi.json")]: {
    call: async (w) => asApi(w, (route_v1_openapi_json as unknown as RouteModule).GET!, "GET", "/api/v1/openapi.json"),
    expect: READ,
    executor: "200",
  },
  // The reference page: signed out, sent to sign in (303); its script and styles are public, like any static file.
  [R("GET", "docs")]: {
    call: async (w) => asApi(w, (route_docs as unknown as RouteModule).GET!, "GET", "/api/docs"),
    expect: "303 200 200 200 200 200",
    executor: "200",
  },
  [R("GET", "docs/[file]")]: {
    call: async (w) => asApi(w, (route_docs__file_ as unknown as RouteModule).GET!, "GET", "/api/docs/init.js", { file: "init.js" }),
    expect: "200 200 200 200 200 200",
    executor: "200",
    passwordOnly: "200",
  },
};

/** Every exported action and every route handler in the code, as the matrix names them. */
function whatTheCodeHas(): string[] {
  const names: string[] = [];
  const actionsDir = path.resolve("lib/actions");
  for (const file of readdirSync(actionsDir)) {
    const text = readFileSync(path.join(actionsDir, file), "utf8") as string;
    if (!text.startsWith('"use server"')) continue;
    for (const m of text.matchAll(/^export async function (\w+)/gm)) names.push(A(m[1]!));
  }
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((e) => (statSync(path.join(dir, e)).isDirectory() ? walk(path.join(dir, e)) : e === "route.ts" ? [path.join(dir, e)] : []));
  for (const file of walk(path.resolve("app/api"))) {
    const rel = path.relative(path.resolve("app/api"), path.dirname(file));
    if (rel.startsWith("auth")) continue; // next-auth's own sign-in endpoints
    const text = readFileSync(file, "utf8") as string;
    for (const m of text.matchAll(/^export (?:const (GET|POST|PUT|PATCH|DELETE) = |(?:async )?function (GET|POST|PUT|PATCH|DELETE)\b)/gm))
      names.push(R((m[1] ?? m[2])!, rel));
  }
  return names.sort();
}

// The webhook endpoints made here (by this fleet's admin) would otherwise collect the events of
// every other test file for as long as the database lives.
afterAll(() => db.webhookEndpoint.deleteMany({ where: { createdById: f.admin.id } }));

beforeAll(async () => {
  f = await makeFleet();
  const row = await db.user.create({ data: { email: `requester-${f.prefix}@matrix.test`, name: "Requester", role: "ADMIN" } });
  requester = { id: row.id, email: row.email, name: row.name, role: "ADMIN", teamIds: [] };
  const machine = await db.user.create({ data: { email: `executor-${f.prefix}@matrix.test`, name: "Automation", role: "EXECUTOR" } });
  const executor: CurrentUser = { id: machine.id, email: machine.email, name: machine.name, role: "EXECUTOR", teamIds: [] };
  Object.assign(people, {
    "signed-out": null,
    viewer: f.viewer,
    "other owner": f.ownerB,
    owner: f.owner,
    approver: f.approver,
    admin: f.admin,
    executor,
    [PASSWORD_ONLY]: f.admin,
  });
  // PASSWORD_ONLY calls the API with their session: an API token is a credential of its own, with no second factor to lack.
  for (const who of ROLES)
    tokens[who] =
      people[who] && who !== PASSWORD_ONLY
        ? (await createApiToken(people[who]!.id, { name: "matrix", scope: "write", days: 90 }, { id: null, label: "test" })).secret
        : null;
});

describe("the authorization matrix", () => {
  it("has a row for every server action and every API route", () => {
    expect(Object.keys(MATRIX).sort()).toEqual(whatTheCodeHas());
  });

  it.each(Object.keys(MATRIX))("%s", { timeout: 60_000 }, async (name) => {
    const row = MATRIX[name]!;
    const seen: string[] = [];
    for (const who of ROLES) seen.push(String(await row.call(who)));
    expect(Object.fromEntries(ROLES.map((who, i) => [who, seen[i]]))).toEqual(
      Object.fromEntries(ROLES.map((who, i) => [who, expected(name, row).split(" ")[i]])),
    );
  });
});
