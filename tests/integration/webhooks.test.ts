// Issue 18, points 2 and 3: event webhooks, sent to real HTTP receivers started here (on
// 127.0.0.1, allowed by PATCHPARTY_WEBHOOKS_ALLOW_PRIVATE=1), which check the Standard Webhooks
// signature with the `standardwebhooks` package; Slack and Teams bodies; retries with back-off;
// pausing an endpoint that keeps failing (its owner told by e-mail, over real SMTP); resending;
// and the approvers' e-mail when a change is submitted to them.
process.env.PATCHPARTY_WEBHOOKS_ALLOW_PRIVATE = "1";

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/webhooks/route";
import { DELETE as deleteRoute, GET as getRoute, PATCH as patchRoute } from "@/app/api/v1/webhooks/[id]/route";
import { GET as deliveriesRoute } from "@/app/api/v1/webhooks/[id]/deliveries/route";
import { POST as resendRoute } from "@/app/api/v1/webhooks/[id]/deliveries/[deliveryId]/resend/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { decideChange, openPartyChange } from "@/lib/data/change-requests";
import { deliverNotices } from "@/lib/data/notifications";
import { cancelParty } from "@/lib/data/party-changes";
import { deliverEventWebhooks, recordEvents } from "@/lib/data/webhooks";
import { postWebhook } from "@/lib/notify/webhook-http";
import { db } from "@/lib/db";
import { PAUSE_AFTER_FAILURES } from "@/lib/domain/webhooks";
import { makeFleet } from "./fixtures/fleet";
import { lonelyParty } from "./fixtures/requests";
import { startInbox, type Inbox } from "./fixtures/smtp";
import { startReceiver, type Receiver } from "./fixtures/webhook-receiver";

const MINUTE = 60_000;
let f: Awaited<ReturnType<typeof makeFleet>>;
let receiver: Receiver;
let inbox: Inbox;
const tokens: Record<string, string> = {};
// Other test files run beside this one on the same database, and their events reach the endpoints
// registered here too (["*"]): a test that made a party of its own counts only what names it.
let marker: string | undefined;
// Other files' endpoints (the authorization matrix leaves some) are not this file's to deliver.
const deliver = (at: Date) => deliverEventWebhooks(at, postWebhook, 50, made);
const got = () => receiver.received.filter((r) => marker === undefined || r.body.includes(marker));
const made: string[] = [];

beforeAll(async () => {
  inbox = await startInbox();
});
afterAll(() => inbox.close());
beforeEach(async () => {
  f = await makeFleet();
  marker = undefined;
  receiver = await startReceiver();
  for (const who of ["admin", "owner"] as const)
    tokens[who] = (await createApiToken(f[who].id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
});
afterEach(async () => {
  await db.webhookEndpoint.deleteMany({ where: { id: { in: made.splice(0) } } });
  await receiver.close();
});

const call = (method: string, path: string, who: "admin" | "owner", body?: unknown) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: { Authorization: `Bearer ${tokens[who]}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const idParams = (id: string) => ({ params: Promise.resolve({ id }) });

type Created = { id: string; secret?: string; url: string; kind: string; events: string[]; revision: number };
async function register(body: Record<string, unknown>): Promise<Created> {
  const response = await createRoute(call("POST", "/api/v1/webhooks", "admin", body));
  const json = (await response.json()) as Created & { error?: string };
  if (response.status !== 201) throw new Error(json.error);
  made.push(json.id);
  return json;
}

/** Verifies a received request as a receiver does: the `standardwebhooks` package, headers and the raw body. */
const verified = (secret: string, r: { headers: Record<string, unknown>; body: string }) =>
  new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> };

describe("event webhook endpoints", () => {
  it("admins register, list, change and delete them; a standard endpoint's secret is answered once", async () => {
    const body = { url: receiver.url, kind: "standard", events: ["party.cancelled", "change.submitted"], description: "ops automation" };
    expect((await createRoute(call("POST", "/api/v1/webhooks", "owner", body))).status).toBe(403);
    const refused = async (patch: Record<string, unknown>) => {
      const response = await createRoute(call("POST", "/api/v1/webhooks", "admin", { ...body, ...patch }));
      return { status: response.status, error: ((await response.json()) as { error: string }).error };
    };
    expect(await refused({ events: ["party.exploded"] })).toMatchObject({ status: 400, error: expect.stringMatching(/^events: "party.exploded" is no event/) });
    expect(await refused({ events: ["*", "party.moved"] })).toEqual({ status: 400, error: 'events: "*" subscribes to all events: send it alone' });
    expect(await refused({ events: [] })).toEqual({ status: 400, error: 'events: Choose at least one event, or ["*"] for all.' });
    expect(await refused({ kind: "discord" })).toEqual({ status: 400, error: "kind: must be standard, slack or teams" });
    expect(await refused({ url: "ftp://example.com/x" })).toEqual({ status: 400, error: "url: must start with https:// (or http://)" });
    expect(await refused({ url: "https://user:pw@example.com/x" })).toEqual({ status: 400, error: "url: must not carry a user name or password" });

    const created = await register(body);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ url: receiver.url, kind: "standard", events: body.events, revision: 1 });
    const stored = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.secretSealed).not.toContain(created.secret!.slice(6, 20));

    // Never again: not in the list, not in the endpoint, not in the audit.
    const list = await listRoute(call("GET", "/api/v1/webhooks", "admin"));
    const listed = await list.text();
    expect(listed).toContain(created.id);
    expect(listed).not.toContain("whsec_");
    expect(listed).not.toContain('"secret"');
    expect((await listRoute(call("GET", "/api/v1/webhooks", "owner"))).status).toBe(403);
    const one = await getRoute(call("GET", `/api/v1/webhooks/${created.id}`, "admin"), idParams(created.id));
    expect(await one.text()).not.toContain("whsec_");
    const audit = await db.auditEvent.findMany({ where: { entityType: "webhook", entityId: created.id } });
    expect(audit.map((a) => a.action)).toEqual(["webhook.create"]);
    expect(JSON.stringify(audit.map(({ before, after, reason }) => ({ before, after, reason })))).not.toContain(created.secret);

    const patched = await patchRoute(call("PATCH", `/api/v1/webhooks/${created.id}`, "admin", { events: ["*"], revision: 1 }), idParams(created.id));
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ events: ["*"], revision: 2 });
    const stale = await patchRoute(call("PATCH", `/api/v1/webhooks/${created.id}`, "admin", { description: "x", revision: 1 }), idParams(created.id));
    expect(stale.status).toBe(409);
    expect((await patchRoute(call("PATCH", `/api/v1/webhooks/${created.id}`, "admin", { kind: "slack" }), idParams(created.id))).status).toBe(400);

    // A Slack URL is itself a credential: shown by its host and last characters only.
    const slack = await register({ url: `${receiver.url}/T000/B000/secretpathXYZ1`, kind: "slack", events: ["*"] });
    expect(slack.secret).toBeUndefined();
    expect(slack.url).toBe(`${new URL(receiver.url).origin}/…XYZ1`);

    expect((await deleteRoute(call("DELETE", `/api/v1/webhooks/${created.id}`, "owner"), idParams(created.id))).status).toBe(403);
    expect((await deleteRoute(call("DELETE", `/api/v1/webhooks/${created.id}`, "admin"), idParams(created.id))).status).toBe(204);
    expect((await getRoute(call("GET", `/api/v1/webhooks/${created.id}`, "admin"), idParams(created.id))).status).toBe(404);
  });

  it("a standard endpoint gets the event signed: the receiver verifies it with standardwebhooks", async () => {
    const endpoint = await register({ url: receiver.url, kind: "standard", events: ["party.cancelled"] });
    const other = await register({ url: receiver.url, kind: "standard", events: ["party.moved"] });
    const party = await lonelyParty();
    marker = party.tag;
    const now = new Date();
    const cancelled = await cancelParty(f.admin, party.tag, "production", "The data centre moves that weekend", now);
    expect(cancelled.ok).toBe(true);
    expect(await db.webhookDelivery.count({ where: { endpointId: other.id } })).toBe(0);

    const sent = await deliver(new Date());
    expect(sent.delivered).toBeGreaterThanOrEqual(1);
    expect(got()).toHaveLength(1);
    const [request] = got();
    expect(request!.headers["content-type"]).toBe("application/json");
    const event = verified(endpoint.secret!, request!);
    expect(event).toEqual({
      type: "party.cancelled",
      timestamp: now.toISOString(),
      data: {
        party: {
          tag: party.tag,
          kind: "production",
          startsAt: party.startsAt.toISOString(),
          endsAt: party.endsAt.toISOString(),
          url: expect.stringMatching(new RegExp(`/parties/${party.tag}/production$`)),
        },
        reason: "The data centre moves that weekend",
      },
    });
    // Signed with another endpoint's secret, it does not verify.
    expect(() => verified(other.secret!, request!)).toThrow();
    // A body changed on the way does not verify either.
    expect(() => verified(endpoint.secret!, { ...request!, body: request!.body.replace("moves", "burns") })).toThrow();

    // The delivery is a row with the receiver's answer, shown over the API.
    const page = (await (await deliveriesRoute(call("GET", `/api/v1/webhooks/${endpoint.id}/deliveries`, "admin"), idParams(endpoint.id))).json()) as {
      items: { id: string; eventId: string; type: string; state: string; attempts: number; lastStatus: number; lastAnswer: string }[];
    };
    expect(page.items).toEqual([
      expect.objectContaining({
        type: "party.cancelled",
        state: "delivered",
        attempts: 1,
        lastStatus: 200,
        lastAnswer: "thanks, got it",
        eventId: request!.headers["webhook-id"],
      }),
    ]);

    // Sent once: another run has nothing for it.
    await deliver(new Date());
    expect(got()).toHaveLength(1);

    // Re-sendable: the same event (same webhook-id), signed afresh.
    const delivery = page.items[0]!;
    const resent = await resendRoute(call("POST", "/x", "admin"), { params: Promise.resolve({ id: endpoint.id, deliveryId: delivery.id }) });
    expect(resent.status).toBe(202);
    expect(await resent.json()).toMatchObject({ state: "pending", attempts: 0 });
    expect((await resendRoute(call("POST", "/x", "owner"), { params: Promise.resolve({ id: endpoint.id, deliveryId: delivery.id }) })).status).toBe(403);
    expect((await resendRoute(call("POST", "/x", "admin"), { params: Promise.resolve({ id: other.id, deliveryId: delivery.id }) })).status).toBe(404);
    await deliver(new Date());
    expect(got()).toHaveLength(2);
    expect(got()[1]!.headers["webhook-id"]).toBe(delivery.eventId);
    expect(verified(endpoint.secret!, got()[1]!).type).toBe("party.cancelled");
    expect(await db.auditEvent.count({ where: { entityId: endpoint.id, action: "webhook.resend" } })).toBe(1);
  });

  it("Slack gets an incoming-webhook message with blocks, Teams a Workflows message with an Adaptive Card", async () => {
    await register({ url: `${receiver.url}/slack`, kind: "slack", events: ["party.cancelled"] });
    await register({ url: `${receiver.url}/teams`, kind: "teams", events: ["*"] });
    const party = await lonelyParty();
    marker = party.tag;
    expect((await cancelParty(f.admin, party.tag, "production", "Budget freeze", new Date())).ok).toBe(true);
    await deliver(new Date());
    expect(got()).toHaveLength(2);
    for (const r of got()) expect(r.headers["webhook-signature"]).toBeUndefined();
    const bodyOf = (path: string) => JSON.parse(got().find((r) => r.path === path)!.body) as Record<string, unknown>;

    const message = bodyOf(new URL(`${receiver.url}/slack`).pathname) as {
      text: string;
      blocks: { type: string; text?: { type: string; text: string }; elements?: unknown[] }[];
    };
    expect(message.text).toContain(`Patch Party ${party.tag} (production) is cancelled`);
    expect(message.blocks.map((b) => b.type)).toEqual(["header", "section", "section", "actions", "context"]);
    expect(message.blocks[0]!.text).toEqual({ type: "plain_text", text: "Patch Party cancelled" });
    expect(message.blocks[1]!.text).toMatchObject({ type: "mrkdwn" });
    expect(JSON.stringify(message.blocks[2])).toContain("Budget freeze");
    expect(message.blocks[3]!.elements).toEqual([
      { type: "button", text: { type: "plain_text", text: "Open in PatchParty" }, url: expect.stringContaining(`/parties/${party.tag}/production`) },
    ]);

    const card = bodyOf(new URL(`${receiver.url}/teams`).pathname) as {
      type: string;
      attachments: {
        contentType: string;
        content: { type: string; version: string; body: { type: string; text?: string }[]; actions: { type: string; url: string }[] };
      }[];
    };
    expect(card.type).toBe("message");
    expect(card.attachments).toHaveLength(1);
    expect(card.attachments[0]!.contentType).toBe("application/vnd.microsoft.card.adaptive");
    const content = card.attachments[0]!.content;
    expect(content).toMatchObject({ type: "AdaptiveCard", version: "1.4", $schema: "http://adaptivecards.io/schemas/adaptive-card.json" });
    expect(content.body[0]).toMatchObject({ type: "TextBlock", text: "Patch Party cancelled" });
    expect(content.body.map((b) => b.type)).toContain("FactSet");
    expect(content.actions).toEqual([
      { type: "Action.OpenUrl", title: "Open in PatchParty", url: expect.stringContaining(`/parties/${party.tag}/production`) },
    ]);
  });

  it("a delivery that fails is retried with back-off (1, then 5 minutes) and delivered on the third try", async () => {
    const endpoint = await register({ url: receiver.url, kind: "standard", events: ["party.cancelled"] });
    const party = await lonelyParty();
    marker = party.tag;
    // Other files cancel parties too: their deliveries to this endpoint are answered 200.
    receiver.answer([500, 503], undefined, (body) => body.includes(party.tag));
    const t0 = new Date();
    expect((await cancelParty(f.admin, party.tag, "production", "Retry me", t0)).ok).toBe(true);
    const row = () => db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id, body: { contains: party.tag } } });

    const first = await deliver(t0);
    expect(first.retrying).toBe(1);
    // The next run is due by then at the latest (another file's delivery may be due sooner).
    expect(first.nextDueAt!.getTime()).toBeLessThanOrEqual(t0.getTime() + MINUTE);
    expect(await row()).toMatchObject({
      state: "PENDING",
      attempts: 1,
      lastStatus: 500,
      lastAnswer: "busy right now (500)",
      nextAttemptAt: new Date(t0.getTime() + MINUTE),
    });
    // Not due yet: nothing is sent.
    await deliver(new Date(t0.getTime() + 30_000));
    expect(got()).toHaveLength(1);
    await deliver(new Date(t0.getTime() + MINUTE));
    expect(await row()).toMatchObject({ state: "PENDING", attempts: 2, lastStatus: 503, nextAttemptAt: new Date(t0.getTime() + 6 * MINUTE) });
    await deliver(new Date(t0.getTime() + 5 * MINUTE));
    expect(got()).toHaveLength(2);
    await deliver(new Date(t0.getTime() + 6 * MINUTE));
    expect(await row()).toMatchObject({ state: "DELIVERED", attempts: 3, lastStatus: 200, deliveredAt: new Date(t0.getTime() + 6 * MINUTE) });
    expect(got()).toHaveLength(3);

    // One event: the same webhook-id on every try, each signed for its own timestamp.
    const ids = new Set(got().map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    const signer = new Webhook(endpoint.secret!);
    for (const r of got()) {
      const timestamp = new Date(Number(r.headers["webhook-timestamp"]) * 1000);
      expect(r.headers["webhook-signature"]).toBe(signer.sign(String(r.headers["webhook-id"]), timestamp, r.body));
    }
    expect(got().map((r) => Number(r.headers["webhook-timestamp"]) * 1000)).toEqual(
      [0, MINUTE, 6 * MINUTE].map((d) => Math.floor((t0.getTime() + d) / 1000) * 1000),
    );
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).failuresInARow).toBe(0);
  });

  it("an endpoint that keeps failing is paused, its owner told by e-mail; resumed, what waited is sent", async () => {
    const endpoint = await register({ url: receiver.url, kind: "standard", events: ["exclusion.expiring"] });
    receiver.answer([], 502);
    const now = new Date();
    await db.$transaction((tx) =>
      recordEvents(
        tx,
        Array.from({ length: PAUSE_AFTER_FAILURES + 2 }, (_, i) => ({ type: "exclusion.expiring" as const, data: { n: i } })),
        now,
      ),
    );
    const result = await deliver(now);
    expect(result).toMatchObject({ retrying: PAUSE_AFTER_FAILURES - 1, paused: 1 });
    expect(got()).toHaveLength(PAUSE_AFTER_FAILURES);
    const paused = await getRoute(call("GET", `/api/v1/webhooks/${endpoint.id}`, "admin"), idParams(endpoint.id));
    expect(await paused.json()).toMatchObject({ paused: { reason: `Paused: its last ${PAUSE_AFTER_FAILURES} deliveries failed in a row.` } });

    // Nothing more is recorded or sent while it is paused, even when due.
    await db.$transaction((tx) => recordEvents(tx, [{ type: "exclusion.expiring", data: { n: 99 } }], now));
    expect(await db.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(PAUSE_AFTER_FAILURES + 2);
    await deliver(new Date(now.getTime() + 60 * MINUTE));
    expect(got()).toHaveLength(PAUSE_AFTER_FAILURES);
    const resend = await db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } });
    expect((await resendRoute(call("POST", "/x", "admin"), { params: Promise.resolve({ id: endpoint.id, deliveryId: resend.id }) })).status).toBe(409);

    // Its owner (the admin who registered it) is told, by e-mail.
    const notice = await db.notification.findFirstOrThrow({ where: { kind: "webhook-paused", recipient: f.admin.email } });
    expect(notice.subject).toBe(`Webhook paused: ${receiver.url}`);
    await deliverNotices(new Date(), inbox.transport, "PatchParty <pp@localhost>");
    const mail = inbox.to(f.admin.email).find((m) => m.subject === notice.subject);
    expect(mail?.text).toContain("502");
    expect(await db.auditEvent.count({ where: { entityId: endpoint.id, action: "webhook.pause" } })).toBe(1);

    // Fixed and resumed: what waited goes out.
    receiver.answer([], 200);
    const resumed = await patchRoute(call("PATCH", `/api/v1/webhooks/${endpoint.id}`, "admin", { paused: false }), idParams(endpoint.id));
    expect(await resumed.json()).toMatchObject({ paused: null, failuresInARow: 0 });
    await deliver(new Date(now.getTime() + 61 * MINUTE));
    expect(await db.webhookDelivery.count({ where: { endpointId: endpoint.id, state: "DELIVERED" } })).toBe(PAUSE_AFTER_FAILURES + 2);
  });
});

describe("a change submitted to the approvers", () => {
  it("e-mails each approver and sends change.submitted; approving sends change.approved", async () => {
    const endpoint = await register({ url: receiver.url, kind: "standard", events: ["change.submitted", "change.approved"] });
    const party = await lonelyParty();
    marker = party.tag;
    const now = new Date();
    const opened = await openPartyChange(f.admin, party.tag, now);
    if (!opened.ok) throw new Error(opened.message);
    expect(await db.notification.count({ where: { kind: "change-review", recipient: f.approver.email } })).toBe(0);
    const submitted = await decideChange(f.admin, opened.value.id, "submit", {}, now);
    expect(submitted).toMatchObject({ ok: true, value: { state: "SUBMITTED" } });

    const notice = await db.notification.findFirstOrThrow({ where: { kind: "change-review", recipient: f.approver.email } });
    expect(notice.subject).toMatch(/^Decide: /);
    await deliverNotices(new Date(), inbox.transport, "PatchParty <pp@localhost>");
    const mail = inbox.to(f.approver.email).find((m) => m.subject === notice.subject);
    expect(mail?.text).toContain(`/changes/${opened.value.id}`);
    // Not to the one who submitted it (an admin), nor to owners.
    expect(await db.notification.count({ where: { kind: "change-review", recipient: { in: [f.admin.email, f.owner.email] } } })).toBe(0);

    await deliver(new Date());
    expect(got()).toHaveLength(1);
    const event = verified(endpoint.secret!, got()[0]!);
    expect(event).toMatchObject({
      type: "change.submitted",
      data: { change: { id: opened.value.id, state: "SUBMITTED", party: { tag: party.tag, kind: "production" }, template: null }, by: f.admin.email },
    });

    expect((await decideChange(f.approver, opened.value.id, "approve", { comment: "CAB: go" }, new Date())).ok).toBe(true);
    await deliver(new Date());
    expect(got()).toHaveLength(2);
    expect(verified(endpoint.secret!, got()[1]!)).toMatchObject({
      type: "change.approved",
      data: { change: { id: opened.value.id, state: "APPROVED" }, by: f.approver.email, comment: "CAB: go" },
    });
  });
});
