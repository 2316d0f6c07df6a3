// Event webhooks (issue 18): the events, the body every endpoint gets, the Slack and Teams
// messages written from it, the retry back-off, the rule that pauses an endpoint that keeps
// failing, and which addresses a webhook may not reach. Pure: the data layer records and sends.
import { BlockList, isIP } from "node:net";

export { WEBHOOK_EVENTS, WEBHOOK_KINDS, type WebhookEvent, type WebhookKind } from "./webhook-events";
import type { WebhookEvent } from "./webhook-events";

/** What every endpoint is sent (a standard one as is, signed): `timestamp` is when it happened. */
export type EventBody = { type: WebhookEvent; timestamp: string; data: Record<string, unknown> };

/** Whether an endpoint subscribed to `events` wants `type`. */
export const wants = (events: readonly string[], type: WebhookEvent) => events.includes("*") || events.includes(type);

// ---- retries and pausing ----

/** Minutes to wait after the n-th failed try (1-based); after the last, the delivery has failed. */
export const RETRY_MINUTES = [1, 5, 30, 120, 360] as const;
export const MAX_DELIVERY_ATTEMPTS = RETRY_MINUTES.length + 1;

/** When a delivery that failed its `attempts`-th try is tried again, or null when it has failed for good. */
export function nextAttemptAt(attempts: number, now: Date): Date | null {
  const minutes = RETRY_MINUTES[attempts - 1];
  return minutes === undefined ? null : new Date(now.getTime() + minutes * 60_000);
}

/** An endpoint is paused after this many failed tries in a row… */
export const PAUSE_AFTER_FAILURES = 10;
/** …or once every try has failed for this long (at least two of them). */
export const PAUSE_AFTER_MS = 24 * 3_600_000;

/** Why an endpoint that has failed `failuresInARow` tries since `failingSince` is paused now, or null. */
export function pauseReason(failuresInARow: number, failingSince: Date | null, now: Date): string | null {
  if (failuresInARow >= PAUSE_AFTER_FAILURES) return `Paused: its last ${failuresInARow} deliveries failed in a row.`;
  if (failingSince && failuresInARow >= 2 && now.getTime() - failingSince.getTime() >= PAUSE_AFTER_MS)
    return `Paused: every delivery has failed since ${failingSince.toISOString().slice(0, 16).replace("T", " ")} UTC.`;
  return null;
}

// ---- addresses a webhook may not reach ----

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const)
  PRIVATE.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
] as const)
  PRIVATE.addSubnet(network, prefix, "ipv6");

/**
 * Whether `address` (an IP address) is loopback, private, link-local or unspecified: a webhook
 * must not become a way into the internal network. IPv4 written inside IPv6 (::ffff:10.0.0.1) is
 * judged as the IPv4 address it is.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return isPrivateAddress(mapped[1]!);
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
  if (hexMapped) {
    const [hi, lo] = [parseInt(hexMapped[1]!, 16), parseInt(hexMapped[2]!, 16)];
    return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  const family = isIP(bare);
  if (family === 4) return PRIVATE.check(bare, "ipv4");
  if (family === 6) return PRIVATE.check(bare, "ipv6");
  return false;
}

// ---- Slack and Teams ----

type Summary = { title: string; text: string; facts: [string, string][]; url: string | null };

const str = (value: unknown) => (typeof value === "string" ? value : typeof value === "number" ? String(value) : null);
const obj = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const when = (value: unknown) => {
  const text = str(value);
  return text ? `${text.slice(0, 16).replace("T", " ")} UTC` : null;
};

const TITLES: Record<WebhookEvent, string> = {
  "party.scheduled": "Patch Party scheduled",
  "party.moved": "Patch Party moved",
  "party.cancelled": "Patch Party cancelled",
  "party.started": "Patch Party started",
  "party.completed": "Patch Party completed",
  "slot.halted": "Party slot halted",
  "change.submitted": "Change request waits for a decision",
  "change.approved": "Change request approved",
  "change.rejected": "Change request rejected",
  "upgrade.started": "Fleet upgrade started",
  "upgrade.partially_applied": "Fleet upgrade partially applied",
  "upgrade.completed": "Fleet upgrade completed",
  "execution.failed": "Upgrade of a member failed",
  "exclusion.expiring": "Exclusion expiring",
};

/** A person's summary of an event: a title, a sentence, a few facts and where to look. */
export function summarize(event: EventBody): Summary {
  const d = event.data;
  const party = obj(d.party);
  const change = obj(d.change);
  const template = obj(d.template);
  const execution = obj(d.execution);
  const resource = obj(d.resource);
  const partyName = party.tag ? `Patch Party ${str(party.tag)} (${party.kind === "production" ? "production" : "QA"})` : null;
  const facts: [string, string | null][] = [];
  let text = "";
  let url = str(d.url);
  switch (event.type) {
    case "party.scheduled":
    case "party.moved":
    case "party.cancelled":
    case "party.started":
    case "party.completed":
      text = `${partyName ?? "A Patch Party"}${event.type === "party.moved" ? " has moved" : event.type === "party.cancelled" ? " is cancelled" : event.type === "party.scheduled" ? " is scheduled" : event.type === "party.started" ? " has started" : " is over"}.`;
      facts.push(["Starts", when(party.startsAt)], ["Ends", when(party.endsAt)]);
      if (event.type === "party.moved") facts.push(["Was", when(obj(d.from).startsAt)]);
      facts.push(["Reason", str(d.reason)]);
      url ??= str(party.url);
      break;
    case "slot.halted":
      text = `Group ${str(d.group) ?? "?"} of ${partyName ?? "a Patch Party"} halted: ${str(d.reason) ?? "its failure threshold was passed"}.`;
      url ??= str(party.url);
      break;
    case "change.submitted":
    case "change.approved":
    case "change.rejected":
      text = `"${str(change.title) ?? "A change request"}" ${event.type === "change.submitted" ? "was submitted and waits for an approver" : event.type === "change.approved" ? "was approved" : "was rejected"}.`;
      facts.push(["By", str(d.by)], ["Comment", str(d.comment)]);
      url ??= str(change.url);
      break;
    case "upgrade.started":
    case "upgrade.partially_applied":
    case "upgrade.completed":
      text = `${str(template.name) ?? "A template"} to version ${str(d.version) ?? "?"}: ${event.type === "upgrade.started" ? "the upgrade has started" : event.type === "upgrade.completed" ? "every member is upgraded" : "the window closed before every member was upgraded"}.`;
      facts.push(["Upgraded", str(d.succeeded)], ["Failed", str(d.failed)]);
      url ??= str(template.url);
      break;
    case "execution.failed":
      text = `The upgrade of ${str(execution.member) ?? "a member"} failed${execution.message ? `: ${str(execution.message)}` : "."}`;
      facts.push(["Executor", str(execution.executor)], ["Key", str(execution.key)]);
      url ??= str(execution.url);
      break;
    case "exclusion.expiring":
      text = `The exclusion of ${str(resource.name) ?? "a resource"} ends ${when(d.until) ?? "soon"}: it is included again then.`;
      facts.push(["Team", str(resource.team)], ["Reason", str(d.reason)]);
      url ??= str(resource.url);
      break;
  }
  return {
    title: TITLES[event.type],
    text: text.slice(0, 2900),
    facts: facts.filter((f): f is [string, string] => Boolean(f[1])).map(([k, v]) => [k, v.slice(0, 500)]),
    url,
  };
}

const slackEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A Slack incoming-webhook message with blocks (and `text`, the notification's fallback). */
export function slackMessage(event: EventBody) {
  const s = summarize(event);
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: { type: "plain_text", text: s.title.slice(0, 150) } },
    { type: "section", text: { type: "mrkdwn", text: slackEscape(s.text) } },
  ];
  if (s.facts.length) blocks.push({ type: "section", fields: s.facts.slice(0, 10).map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${slackEscape(v)}` })) });
  if (s.url) blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in PatchParty" }, url: s.url }] });
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `${event.type} · ${event.timestamp}` }] });
  return { text: slackEscape(`${s.title}: ${s.text}`), blocks };
}

/** A Teams Workflows ("When a Teams webhook request is received") message carrying an Adaptive Card 1.4. */
export function teamsMessage(event: EventBody) {
  const s = summarize(event);
  const body: Record<string, unknown>[] = [
    { type: "TextBlock", text: s.title, weight: "Bolder", size: "Medium", wrap: true },
    { type: "TextBlock", text: s.text, wrap: true },
  ];
  if (s.facts.length) body.push({ type: "FactSet", facts: s.facts.map(([title, value]) => ({ title, value })) });
  body.push({ type: "TextBlock", text: `${event.type} · ${event.timestamp}`, isSubtle: true, size: "Small", wrap: true });
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body,
          ...(s.url ? { actions: [{ type: "Action.OpenUrl", title: "Open in PatchParty", url: s.url }] } : {}),
        },
      },
    ],
  };
}
