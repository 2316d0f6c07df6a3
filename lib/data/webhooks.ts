// Event webhooks (issue 18): endpoints admins register, and the outbox of deliveries. Whatever
// happens (a party moved, a change submitted…) records one delivery row per subscribed endpoint
// in the transaction that made it happen (`recordEvents`), so an event is sent if and only if it
// happened; the job runner's `deliver_event_webhooks` sends them (`deliverEventWebhooks`), retries
// with a back-off, and pauses an endpoint that keeps failing, telling its owner.
import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import type { Prisma, WebhookKind as WebhookKindRow } from "@prisma/client";
import { sql } from "kysely";
import { Webhook } from "standardwebhooks";
import { db, execute, qb, unnest } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import { openSecret, sealSecret } from "../auth/secret-box";
import { nextAttemptAt, pauseReason, slackMessage, teamsMessage, type EventBody, type WebhookEvent, type WebhookKind } from "../domain/webhooks";
import { env } from "../env";
import { SCHEMA_LOCK } from "../jobs/schema-lock";
import { postWebhook, urlRefusal, type WebhookAnswer } from "../notify/webhook-http";
import type { WebhookCreate, WebhookUpdate } from "../validation/webhooks";
import { recordAudit } from "./audit";
import { cutPage, NEWEST_FIRST, newestFirstAfter, type Position } from "./keyset";
import { refuse, succeed, type Outcome } from "./outcome";

type Tx = Prisma.TransactionClient;

export const DELIVER_TASK = "deliver_event_webhooks";
const KIND_OF = { STANDARD: "standard", SLACK: "slack", TEAMS: "teams" } as const satisfies Record<WebhookKindRow, WebhookKind>;
const ROW_KIND = { standard: "STANDARD", slack: "SLACK", teams: "TEAMS" } as const satisfies Record<WebhookKind, WebhookKindRow>;
/** A delivery left SENDING this long (its worker died mid-try) is tried again: receivers act on a webhook-id once. */
const STUCK_MS = 15 * 60_000;

/** A page of the portal as an absolute URL (NEXTAUTH_URL's origin), for the links events carry. */
export function portalUrl(path: string): string {
  const e = env();
  return `${(e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "")}${path}`;
}

// ---- recording events (the outbox) ----

export type NewEvent = {
  type: WebhookEvent;
  data: Record<string, unknown>;
  /** For an event a scheduled job may find again (a reminder): the same id is recorded once per endpoint. */
  id?: string;
};

/**
 * Records `events` for every endpoint that subscribed to them and is not paused, in the caller's
 * transaction, and asks the job runner to send them once it commits. One statement whatever the
 * number of events and endpoints.
 */
export async function recordEvents(tx: Tx, events: readonly NewEvent[], now: Date): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => {
    const body: EventBody = { type: e.type, timestamp: now.toISOString(), data: e.data };
    return { id: e.id ?? `evt_${randomUUID().replace(/-/g, "")}`, type: e.type, body: JSON.stringify(body) };
  });
  const inserted = await execute(
    qb
      .insertInto("WebhookDelivery")
      .columns(["id", "endpointId", "eventId", "eventType", "body", "nextAttemptAt", "createdAt"])
      .expression(
        qb
          .selectFrom("WebhookEndpoint as w")
          .innerJoin(
            unnest("e", {
              id: [rows.map((r) => r.id), "text"],
              type: [rows.map((r): string => r.type), "text"],
              body: [rows.map((r) => r.body), "text"],
            }),
            (join) => join.on((eb) => eb.or([eb(sql.lit("*"), "=", eb.fn.any("w.events")), eb("e.type", "=", eb.fn.any("w.events"))])),
          )
          .select((eb) => [
            sql<string>`'whd_' || replace(gen_random_uuid()::text, '-', '')`.as("id"),
            "w.id as endpointId",
            "e.id as eventId",
            "e.type as eventType",
            "e.body as body",
            eb.val(now).as("nextAttemptAt"),
            eb.val(now).as("createdAt"),
          ])
          .where("w.pausedAt", "is", null),
      )
      .onConflict((conflict) => conflict.columns(["endpointId", "eventId"]).doNothing())
      .returning("id"),
    tx,
  );
  if (inserted.length > 0) await queueDelivery(tx, now);
  return inserted.length;
}

export const recordEvent = (tx: Tx, type: WebhookEvent, data: Record<string, unknown>, now: Date, id?: string) => recordEvents(tx, [{ type, data, id }], now);

/**
 * Asks the job runner to deliver at `at` (graphile-worker's add_job, in the caller's transaction:
 * it runs only if that commits). One waiting job at most (its key); an earlier time replaces a
 * later one. Before graphile-worker's schema exists there is nothing to ask: its minute cron finds them.
 */
async function queueDelivery(tx: Tx, at: Date) {
  const [installed] = await execute(qb.selectNoFrom(sql<boolean>`to_regproc('graphile_worker.add_job') is not null`.as("installed")), tx);
  if (!installed?.installed) return;
  await execute(qb.selectNoFrom(sql<string>`pg_advisory_xact_lock_shared(hashtext(${SCHEMA_LOCK}))::text`.as("locked")), tx);
  await execute(
    qb.selectNoFrom(
      sql<unknown>`graphile_worker.add_job(${DELIVER_TASK}, json_build_object(), job_key := ${DELIVER_TASK}, run_at := ${at}::timestamptz)`.as("job"),
    ),
    tx,
  );
}

// ---- the data events carry ----

const kindOf = (kind: string) => kind.toLowerCase() as "qa" | "production";

export const partyData = (p: { tag: string; kind: string; startsAt: Date; endsAt: Date }) => ({
  tag: p.tag,
  kind: kindOf(p.kind),
  startsAt: p.startsAt.toISOString(),
  endsAt: p.endsAt.toISOString(),
  url: portalUrl(`/parties/${encodeURIComponent(p.tag)}/${kindOf(p.kind)}`),
});

export const changeData = (c: {
  id: string;
  title: string;
  state: string;
  party?: { tag: string; kind: string } | null;
  template?: { id: string; name: string } | null;
}) => ({
  id: c.id,
  title: c.title,
  state: c.state,
  party: c.party ? { tag: c.party.tag, kind: kindOf(c.party.kind) } : null,
  template: c.template ? { id: c.template.id, name: c.template.name } : null,
  url: portalUrl(`/changes/${c.id}`),
});

export const templateData = (t: { id: string; name: string }) => ({ id: t.id, name: t.name, url: portalUrl(`/templates/${t.id}`) });

// ---- endpoints ----

const actorOf = (user: CurrentUser) => ({ id: user.id, label: user.email });
const FORBIDDEN = "Only admins manage webhooks.";

/**
 * The URL as it may be shown again: a Slack or Teams URL is itself the credential (anyone with it
 * may post), so only its host and the last characters of its path are shown.
 */
export const shownUrl = (url: string, kind: WebhookKind) => {
  if (kind === "standard") return url;
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}/…${parsed.pathname.slice(-4)}`;
};

const ENDPOINT_SELECT = {
  id: true,
  url: true,
  kind: true,
  events: true,
  description: true,
  pausedAt: true,
  pausedReason: true,
  failuresInARow: true,
  revision: true,
  createdAt: true,
  createdBy: { select: { email: true } },
} satisfies Prisma.WebhookEndpointSelect;

type EndpointRow = Prisma.WebhookEndpointGetPayload<{ select: typeof ENDPOINT_SELECT }>;

export type WebhookView = {
  id: string;
  url: string;
  kind: WebhookKind;
  events: string[];
  description: string;
  paused: { at: Date; reason: string } | null;
  failuresInARow: number;
  createdBy: string | null;
  revision: number;
  createdAt: Date;
};

const toView = (row: EndpointRow): WebhookView => ({
  id: row.id,
  url: shownUrl(row.url, KIND_OF[row.kind]),
  kind: KIND_OF[row.kind],
  events: row.events,
  description: row.description,
  paused: row.pausedAt ? { at: row.pausedAt, reason: row.pausedReason ?? "Paused." } : null,
  failuresInARow: row.failuresInARow,
  createdBy: row.createdBy?.email ?? null,
  revision: row.revision,
  createdAt: row.createdAt,
});

/** Every endpoint, oldest first (at most 200: a few dozen is many). */
export async function listWebhooks(): Promise<WebhookView[]> {
  return (await db.webhookEndpoint.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 200, select: ENDPOINT_SELECT })).map(toView);
}

export async function getWebhook(id: string): Promise<WebhookView | null> {
  if (id.length > 40) return null;
  const row = await db.webhookEndpoint.findUnique({ where: { id }, select: ENDPOINT_SELECT });
  return row ? toView(row) : null;
}

/** A new standard secret: whsec_ and 32 random bytes in base64, as the Standard Webhooks libraries expect. */
const newSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

/** Registers an endpoint. A standard one's secret is in the answer, this once, and never again. */
export async function createWebhook(user: CurrentUser, input: WebhookCreate, now: Date): Promise<Outcome<{ id: string; secret: string | null }>> {
  if (!can(user, { action: "webhook:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  const refused = await urlRefusal(input.url);
  if (refused) return refuse(400, "invalid", `url: ${refused}`);
  return db.$transaction(async (tx) => {
    const row = await tx.webhookEndpoint.create({
      data: { url: input.url, kind: ROW_KIND[input.kind], events: input.events, description: input.description, createdById: user.id, createdAt: now },
      select: { id: true },
    });
    let secret: string | null = null;
    if (input.kind === "standard") {
      secret = newSecret();
      // Sealed bound to the row's id: a sealed secret copied to another row does not open.
      await tx.webhookEndpoint.update({ where: { id: row.id }, data: { secretSealed: sealSecret(secret, row.id, "webhook-secret") } });
    }
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "webhook.create",
      entityType: "webhook",
      entityId: row.id,
      entityLabel: shownUrl(input.url, input.kind),
      after: { kind: input.kind, events: input.events, description: input.description },
      at: now,
    });
    return succeed({ id: row.id, secret });
  });
}

const CONFLICT = "Someone changed this webhook since you loaded it. Nothing was saved: reload to see their change.";

export async function updateWebhook(user: CurrentUser, id: string, input: WebhookUpdate, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "webhook:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  if (id.length > 40) return refuse(404, "not-found", "No webhook has that id.");
  if (input.url !== undefined) {
    const refused = await urlRefusal(input.url);
    if (refused) return refuse(400, "invalid", `url: ${refused}`);
  }
  return db.$transaction(async (tx) => {
    const [current] = await execute(
      qb.selectFrom("WebhookEndpoint").select(["id", "url", "kind", "events", "description", "pausedAt", "revision"]).where("id", "=", id).forUpdate(),
      tx,
    );
    if (!current) return refuse(404, "not-found", "No webhook has that id.");
    if (input.revision !== undefined && input.revision !== current.revision) return refuse(409, "conflict", CONFLICT);
    const pausing = input.paused === true && !current.pausedAt;
    const resuming = input.paused === false && current.pausedAt !== null;
    await tx.webhookEndpoint.update({
      where: { id },
      data: {
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.events !== undefined ? { events: input.events } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(pausing ? { pausedAt: now, pausedReason: `Paused by ${user.email}.` } : {}),
        ...(resuming ? { pausedAt: null, pausedReason: null, failuresInARow: 0, failingSince: null } : {}),
        revision: { increment: 1 },
      },
    });
    if (resuming) {
      // What waited while it was paused goes out now.
      const waiting = await tx.webhookDelivery.updateMany({ where: { endpointId: id, state: "PENDING" }, data: { nextAttemptAt: now } });
      if (waiting.count > 0) await queueDelivery(tx, now);
    }
    const kind = KIND_OF[current.kind];
    await recordAudit(tx, {
      actor: actorOf(user),
      action: pausing ? "webhook.pause" : resuming ? "webhook.resume" : "webhook.update",
      entityType: "webhook",
      entityId: id,
      entityLabel: shownUrl(input.url ?? current.url, kind),
      before: { url: shownUrl(current.url, kind), events: current.events, description: current.description, paused: current.pausedAt !== null },
      after: {
        url: shownUrl(input.url ?? current.url, kind),
        events: input.events ?? current.events,
        description: input.description ?? current.description,
        paused: input.paused ?? current.pausedAt !== null,
      },
      at: now,
    });
    return succeed({ id });
  });
}

export async function deleteWebhook(user: CurrentUser, id: string, now: Date): Promise<Outcome<null>> {
  if (!can(user, { action: "webhook:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  if (id.length > 40) return refuse(404, "not-found", "No webhook has that id.");
  return db.$transaction(async (tx) => {
    const [current] = await execute(qb.selectFrom("WebhookEndpoint").select(["id", "url", "kind", "events"]).where("id", "=", id).forUpdate(), tx);
    if (!current) return refuse(404, "not-found", "No webhook has that id.");
    // Its deliveries go with it (ON DELETE CASCADE).
    await tx.webhookEndpoint.delete({ where: { id } });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "webhook.delete",
      entityType: "webhook",
      entityId: id,
      entityLabel: shownUrl(current.url, KIND_OF[current.kind]),
      before: { kind: KIND_OF[current.kind], events: current.events },
      at: now,
    });
    return succeed(null);
  });
}

// ---- deliveries ----

const DELIVERY_SELECT = {
  id: true,
  eventId: true,
  eventType: true,
  state: true,
  attempts: true,
  nextAttemptAt: true,
  lastAttemptAt: true,
  lastStatus: true,
  lastAnswer: true,
  deliveredAt: true,
  createdAt: true,
} satisfies Prisma.WebhookDeliverySelect;

export type DeliveryView = Prisma.WebhookDeliveryGetPayload<{ select: typeof DELIVERY_SELECT }>;

/** An endpoint's deliveries newest first, 50 a page (keyset on createdAt, id). */
export async function listDeliveries(endpointId: string, options: { before?: Position; limit?: number } = {}) {
  const limit = options.limit ?? 50;
  const rows = await db.webhookDelivery.findMany({
    where: { endpointId, ...newestFirstAfter(options.before) },
    orderBy: NEWEST_FIRST,
    take: limit + 1,
    select: DELIVERY_SELECT,
  });
  const { page, next } = cutPage(rows, limit);
  return { deliveries: page, next };
}

/** Sends a delivery again, from its first try: a failed one, or a delivered one the receiver lost. */
export async function resendDelivery(user: CurrentUser, endpointId: string, deliveryId: string, now: Date): Promise<Outcome<DeliveryView>> {
  if (!can(user, { action: "webhook:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  if (endpointId.length > 40 || deliveryId.length > 40) return refuse(404, "not-found", "No delivery of that webhook has that id.");
  return db.$transaction(async (tx) => {
    const [delivery] = await execute(
      qb
        .selectFrom("WebhookDelivery as d")
        .innerJoin("WebhookEndpoint as w", "w.id", "d.endpointId")
        .select(["d.id", "d.state", "d.eventType", "w.pausedAt", "w.url", "w.kind"])
        .where("d.id", "=", deliveryId)
        .where("d.endpointId", "=", endpointId)
        .forUpdate(),
      tx,
    );
    if (!delivery) return refuse(404, "not-found", "No delivery of that webhook has that id.");
    if (delivery.pausedAt) return refuse(409, "paused", "The webhook is paused: resume it first, and what waits is sent.");
    if (delivery.state === "SENDING") return refuse(409, "sending", "It is being sent right now.");
    const updated = await tx.webhookDelivery.update({
      where: { id: deliveryId },
      data: { state: "PENDING", attempts: 0, nextAttemptAt: now },
      select: DELIVERY_SELECT,
    });
    await queueDelivery(tx, now);
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "webhook.resend",
      entityType: "webhook",
      entityId: endpointId,
      entityLabel: shownUrl(delivery.url, KIND_OF[delivery.kind]),
      before: { delivery: deliveryId, event: delivery.eventType, state: delivery.state },
      after: { state: "PENDING" },
      at: now,
    });
    return succeed(updated);
  });
}

export type WebhookSender = (url: string, headers: Record<string, string>, body: string) => Promise<WebhookAnswer>;

/** The request one delivery makes: a standard endpoint's signed event, or a Slack or Teams message written from it. */
function request(endpoint: { id: string; kind: WebhookKindRow; secretSealed: string | null }, delivery: { eventId: string; body: string }, now: Date) {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "PatchParty-Webhooks" };
  if (endpoint.kind === "SLACK") return { headers, body: JSON.stringify(slackMessage(JSON.parse(delivery.body) as EventBody)) };
  if (endpoint.kind === "TEAMS") return { headers, body: JSON.stringify(teamsMessage(JSON.parse(delivery.body) as EventBody)) };
  const secret = endpoint.secretSealed ? openSecret(endpoint.secretSealed, endpoint.id, "webhook-secret") : null;
  if (!secret) return null;
  return {
    headers: {
      ...headers,
      "webhook-id": delivery.eventId,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(delivery.eventId, now, delivery.body),
    },
    body: delivery.body,
  };
}

/**
 * Sends the deliveries that are due, up to `batch` (claimed SENDING, so two workers never send
 * one twice at once), and records each answer: delivered, or tried again after a back-off (1, 5,
 * 30, 120, 360 minutes), or failed after the last. An endpoint whose tries keep failing is paused
 * and its owner told. Answers when the next one is due, for the job to come back then.
 */
export async function deliverEventWebhooks(
  now: Date,
  send: WebhookSender = postWebhook,
  batch = 50,
  /** Only these endpoints' deliveries (all when not given). */
  endpointIds?: readonly string[],
): Promise<{ delivered: number; retrying: number; failed: number; paused: number; nextDueAt: Date | null }> {
  const result = { delivered: 0, retrying: 0, failed: 0, paused: 0, nextDueAt: null as Date | null };
  await db.webhookDelivery.updateMany({ where: { state: "SENDING", lastAttemptAt: { lt: new Date(now.getTime() - STUCK_MS) } }, data: { state: "PENDING" } });
  const claimed = await execute(
    qb
      .updateTable("WebhookDelivery")
      .set({ state: "SENDING", lastAttemptAt: now })
      .where("id", "in", (eb) =>
        eb
          .selectFrom("WebhookDelivery as d")
          .innerJoin("WebhookEndpoint as w", "w.id", "d.endpointId")
          .select("d.id")
          .where("d.state", "=", "PENDING")
          .where("d.nextAttemptAt", "<=", now)
          .where("w.pausedAt", "is", null)
          .$if(endpointIds !== undefined, (q) => q.where("d.endpointId", "in", endpointIds!.length > 0 ? [...endpointIds!] : [""]))
          .orderBy("d.nextAttemptAt")
          .orderBy("d.id")
          .limit(batch)
          .forUpdate("d")
          .skipLocked(),
      )
      .returning(["id", "endpointId", "eventId", "eventType", "body", "attempts"]),
  );
  if (claimed.length > 0) {
    const endpoints = new Map(
      (
        await db.webhookEndpoint.findMany({
          where: { id: { in: [...new Set(claimed.map((c) => c.endpointId))] } },
          select: { id: true, url: true, kind: true, secretSealed: true },
        })
      ).map((e) => [e.id, e]),
    );
    // Each endpoint's deliveries in order, endpoints side by side.
    const byEndpoint = new Map<string, typeof claimed>();
    for (const c of claimed) byEndpoint.set(c.endpointId, [...(byEndpoint.get(c.endpointId) ?? []), c]);
    await Promise.all(
      [...byEndpoint].map(async ([endpointId, deliveries]) => {
        const endpoint = endpoints.get(endpointId)!;
        for (const [index, delivery] of deliveries.entries()) {
          const made = request(endpoint, delivery, now);
          const answer: WebhookAnswer = made
            ? await send(endpoint.url, made.headers, made.body)
            : { ok: false, status: null, answer: "Not sent: the signing secret cannot be read (NEXTAUTH_SECRET changed?). Make a new endpoint." };
          const outcome = await recordAnswer(endpointId, delivery, answer, now);
          result[outcome]++;
          if (outcome === "paused") {
            // The rest waits, unsent, until the endpoint is resumed.
            const rest = deliveries.slice(index + 1).map((d) => d.id);
            if (rest.length) await db.webhookDelivery.updateMany({ where: { id: { in: rest } }, data: { state: "PENDING" } });
            break;
          }
        }
      }),
    );
  }
  const [next] = await execute(
    qb
      .selectFrom("WebhookDelivery as d")
      .innerJoin("WebhookEndpoint as w", "w.id", "d.endpointId")
      .select((eb) => eb.fn.min("d.nextAttemptAt").as("at"))
      .where("d.state", "=", "PENDING")
      .where("w.pausedAt", "is", null),
  );
  result.nextDueAt = next?.at ? new Date(next.at) : null;
  return result;
}

/** Records one try's answer on the delivery and its endpoint (which may pause), in one transaction. */
async function recordAnswer(
  endpointId: string,
  delivery: { id: string; attempts: number },
  answer: WebhookAnswer,
  now: Date,
): Promise<"delivered" | "retrying" | "failed" | "paused"> {
  return db.$transaction(async (tx) => {
    const attempts = delivery.attempts + 1;
    const common = { attempts, lastAttemptAt: now, lastStatus: answer.status, lastAnswer: answer.answer || null };
    if (answer.ok) {
      await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { ...common, state: "DELIVERED", deliveredAt: now } });
      await tx.webhookEndpoint.updateMany({ where: { id: endpointId, failuresInARow: { gt: 0 } }, data: { failuresInARow: 0, failingSince: null } });
      return "delivered";
    }
    const retryAt = nextAttemptAt(attempts, now);
    await tx.webhookDelivery.update({
      where: { id: delivery.id },
      data: { ...common, state: retryAt ? "PENDING" : "FAILED", nextAttemptAt: retryAt ?? now },
    });
    const [endpoint] = await execute(
      qb
        .updateTable("WebhookEndpoint")
        .set((eb) => ({ failuresInARow: eb("failuresInARow", "+", 1), failingSince: eb.fn.coalesce("failingSince", eb.val(now)) }))
        .where("id", "=", endpointId)
        .returning(["id", "url", "kind", "failuresInARow", "failingSince", "pausedAt", "createdById"]),
      tx,
    );
    const why = endpoint && !endpoint.pausedAt ? pauseReason(endpoint.failuresInARow, endpoint.failingSince, now) : null;
    if (endpoint && why) {
      await tx.webhookEndpoint.update({ where: { id: endpointId }, data: { pausedAt: now, pausedReason: why, revision: { increment: 1 } } });
      await recordAudit(tx, {
        actor: { id: null, label: "webhooks" },
        action: "webhook.pause",
        entityType: "webhook",
        entityId: endpointId,
        entityLabel: shownUrl(endpoint.url, KIND_OF[endpoint.kind]),
        after: { paused: true },
        reason: why,
        at: now,
      });
      await tellOwner(tx, endpoint, why, answer, now);
      return "paused";
    }
    return retryAt ? "retrying" : "failed";
  });
}

/** An e-mail (a notice, sent by the notice worker) to the person who registered the endpoint, or to every admin when they are gone. */
async function tellOwner(
  tx: Tx,
  endpoint: { id: string; url: string; kind: WebhookKindRow; createdById: string | null },
  why: string,
  answer: WebhookAnswer,
  now: Date,
) {
  const owner = endpoint.createdById ? await tx.user.findUnique({ where: { id: endpoint.createdById }, select: { email: true, role: true } }) : null;
  const recipients =
    owner && owner.role === "ADMIN"
      ? [owner.email]
      : (await tx.user.findMany({ where: { role: "ADMIN" }, select: { email: true }, orderBy: { email: "asc" } })).map((u) => u.email);
  const shown = shownUrl(endpoint.url, KIND_OF[endpoint.kind]);
  await tx.notification.createMany({
    skipDuplicates: true,
    data: recipients.map((email) => ({
      dedupeKey: `webhook:${endpoint.id}:paused:${now.toISOString()}:${email}`,
      kind: "webhook-paused",
      recipient: email,
      subject: `Webhook paused: ${shown}`,
      body: `Hello,\n\nthe webhook ${shown} kept failing and is paused: nothing is sent to it until it is resumed. ${why}\n\nIts last answer: ${answer.status ?? "none"}${answer.answer ? ` — ${answer.answer.slice(0, 300)}` : ""}\n\nFix the receiver, then resume it on ${portalUrl("/webhooks")} (what waited is sent then).`,
      createdAt: now,
      nextAttemptAt: now,
    })),
  });
}

/** The latest deliveries of every endpoint, newest first, with the endpoint they went to: the page's table (one query). */
export async function listRecentDeliveries(limit = 50) {
  const rows = await db.webhookDelivery.findMany({
    orderBy: NEWEST_FIRST,
    take: limit,
    select: { ...DELIVERY_SELECT, endpoint: { select: { id: true, url: true, kind: true } } },
  });
  return rows.map(({ endpoint, ...d }) => ({ ...d, endpoint: { id: endpoint.id, url: shownUrl(endpoint.url, KIND_OF[endpoint.kind]) } }));
}
