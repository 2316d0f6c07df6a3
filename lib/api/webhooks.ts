// Event webhooks as /api/v1 shows them. A standard endpoint's secret is in POST's answer only.
import "server-only";
import type { DeliveryView, WebhookView } from "../data/webhooks";

export function webhookJson(w: WebhookView) {
  return {
    id: w.id,
    url: w.url,
    kind: w.kind,
    events: w.events,
    description: w.description,
    paused: w.paused ? { at: w.paused.at.toISOString(), reason: w.paused.reason } : null,
    failuresInARow: w.failuresInARow,
    createdBy: w.createdBy,
    revision: w.revision,
    createdAt: w.createdAt.toISOString(),
  };
}

export function deliveryJson(d: DeliveryView) {
  return {
    id: d.id,
    eventId: d.eventId,
    type: d.eventType,
    state: d.state.toLowerCase() as "pending" | "sending" | "delivered" | "failed",
    attempts: d.attempts,
    nextAttemptAt: d.state === "PENDING" ? d.nextAttemptAt.toISOString() : null,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    lastStatus: d.lastStatus,
    lastAnswer: d.lastAnswer,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}
