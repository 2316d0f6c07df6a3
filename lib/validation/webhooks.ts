import { z } from "zod";
import { WEBHOOK_EVENTS, WEBHOOK_KINDS } from "../domain/webhook-events";
import { NewestFirstCursorSchema, noNul, RevisionSchema } from "./common";

export const WEBHOOK_URL_MAX = 2000;
export const WEBHOOK_DESCRIPTION_MAX = 200;

const EVENT_NAMES = new Set<string>(WEBHOOK_EVENTS);

/** Where deliveries go: an http(s) URL without user name or password. Whether its host is private is judged on its addresses, later. */
export const WebhookUrlSchema = z
  .string({ error: "Give the URL deliveries are sent to." })
  .trim()
  .min(1, "Give the URL deliveries are sent to.")
  .max(WEBHOOK_URL_MAX, `must be at most ${WEBHOOK_URL_MAX} characters`)
  .refine(noNul, "must be a URL such as https://example.com/hooks/patchparty")
  .refine((value) => URL.canParse(value), "must be a URL such as https://example.com/hooks/patchparty")
  .refine((value) => !URL.canParse(value) || ["http:", "https:"].includes(new URL(value).protocol), "must start with https:// (or http://)")
  .refine((value) => !URL.canParse(value) || (!new URL(value).username && !new URL(value).password), "must not carry a user name or password");

/** The events wanted: names from the list, or ["*"] for all of them. */
export const WebhookEventsSchema = z
  .array(z.string({ error: "must be a list of event names" }), { error: 'must be a list of event names, or ["*"] for all' })
  .min(1, 'Choose at least one event, or ["*"] for all.')
  .max(WEBHOOK_EVENTS.length + 1, "lists an event twice")
  .superRefine((events, ctx) => {
    const unknown = events.find((e) => e !== "*" && !EVENT_NAMES.has(e));
    if (unknown !== undefined)
      ctx.addIssue({ code: "custom", message: `"${unknown.slice(0, 60)}" is no event; the events are ${WEBHOOK_EVENTS.join(", ")}, or "*" for all` });
    else if (events.includes("*") && events.length > 1) ctx.addIssue({ code: "custom", message: '"*" subscribes to all events: send it alone' });
    else if (new Set(events).size !== events.length) ctx.addIssue({ code: "custom", message: "lists an event twice" });
  });

const description = z
  .string({ error: "must be text" })
  .trim()
  .max(WEBHOOK_DESCRIPTION_MAX, `must be at most ${WEBHOOK_DESCRIPTION_MAX} characters`)
  .refine(noNul, "must be text")
  .refine((v) => !/[\r\n\t]/.test(v), "must be one line");

/** A new endpoint, as the API and the page send it. */
export const WebhookCreateSchema = z.object({
  url: WebhookUrlSchema,
  kind: z.enum(WEBHOOK_KINDS, { error: "must be standard, slack or teams" }),
  events: WebhookEventsSchema,
  description: description.optional().default(""),
});
export type WebhookCreate = z.infer<typeof WebhookCreateSchema>;

/** A change to an endpoint (the kind stays; make a new endpoint for another). `paused: false` resumes it. */
export const WebhookUpdateSchema = z
  .object({
    url: WebhookUrlSchema.optional(),
    events: WebhookEventsSchema.optional(),
    description: description.optional(),
    paused: z.boolean({ error: "must be true or false" }).optional(),
    revision: RevisionSchema,
  })
  .strict()
  .refine((u) => u.url !== undefined || u.events !== undefined || u.description !== undefined || u.paused !== undefined, {
    message: "Send at least one of url, events, description, paused.",
  });
export type WebhookUpdate = z.infer<typeof WebhookUpdateSchema>;

export const WebhookDeliveriesQuerySchema = z.object({ cursor: NewestFirstCursorSchema }).strict();

/** An id in a path: ours are cuids (25 characters); anything much longer is no id of ours. */
export const isWebhookId = (id: string) => id.length > 0 && id.length <= 40 && noNul(id);
