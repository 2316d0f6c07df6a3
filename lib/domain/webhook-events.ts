// The event webhooks' names and kinds: plain lists, no imports, so a form (a client component) may use them.
export const WEBHOOK_EVENTS = [
  "party.scheduled",
  "party.moved",
  "party.cancelled",
  "party.started",
  "party.completed",
  "slot.halted",
  "change.submitted",
  "change.approved",
  "change.rejected",
  "upgrade.started",
  "upgrade.partially_applied",
  "upgrade.completed",
  "execution.failed",
  "exclusion.expiring",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_KINDS = ["standard", "slack", "teams"] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];
