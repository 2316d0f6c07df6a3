import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isPrivateAddress,
  MAX_DELIVERY_ATTEMPTS,
  nextAttemptAt,
  PAUSE_AFTER_FAILURES,
  pauseReason,
  slackMessage,
  summarize,
  teamsMessage,
  WEBHOOK_EVENTS,
  type EventBody,
} from "@/lib/domain/webhooks";
import { WebhookCreateSchema } from "@/lib/validation/webhooks";

const NOW = new Date("2026-12-05T10:00:00Z");
const MINUTE = 60_000;

describe("addresses a webhook may not reach", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.10",
    "169.254.169.254",
    "0.0.0.0",
    "::1",
    "[::1]",
    "::",
    "fc00::1",
    "fd12:3456::9",
    "fe80::1",
    "fe80::1%eth0",
    "::ffff:127.0.0.1",
    "::ffff:a00:1",
  ])("%s is private", (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(["8.8.8.8", "203.0.113.10", "172.32.0.1", "172.15.255.255", "192.169.0.1", "169.255.0.1", "11.0.0.1", "2001:db8::1", "fec0::1", "::ffff:8.8.8.8"])(
    "%s is not",
    (address) => expect(isPrivateAddress(address)).toBe(false),
  );

  it("a host name is not an address: it is judged on what it resolves to", () => {
    expect(isPrivateAddress("localhost")).toBe(false);
  });
});

describe("retries and pausing", () => {
  it("backs off 1, 5, 30, 120 and 360 minutes, then gives up", () => {
    const waits = Array.from({ length: MAX_DELIVERY_ATTEMPTS }, (_, i) => nextAttemptAt(i + 1, NOW)).map((d) =>
      d ? (d.getTime() - NOW.getTime()) / MINUTE : null,
    );
    expect(waits).toEqual([1, 5, 30, 120, 360, null]);
  });

  it("pauses after 10 failed tries in a row, or a day of nothing but failures", () => {
    expect(pauseReason(PAUSE_AFTER_FAILURES - 1, new Date(NOW.getTime() - MINUTE), NOW)).toBeNull();
    expect(pauseReason(PAUSE_AFTER_FAILURES, new Date(NOW.getTime() - MINUTE), NOW)).toBe("Paused: its last 10 deliveries failed in a row.");
    const dayAgo = new Date(NOW.getTime() - 24 * 60 * MINUTE);
    expect(pauseReason(1, dayAgo, NOW)).toBeNull();
    expect(pauseReason(2, dayAgo, NOW)).toBe("Paused: every delivery has failed since 2026-12-04 10:00 UTC.");
    expect(pauseReason(0, null, NOW)).toBeNull();
  });
});

describe("Slack and Teams messages", () => {
  it("are written for every event, with a title, and never longer than the services take", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WEBHOOK_EVENTS), fc.string({ maxLength: 5000 }), (type, text) => {
        const event: EventBody = {
          type,
          timestamp: NOW.toISOString(),
          data: {
            party: { tag: "2026-Q4", kind: "qa" },
            change: { title: text },
            reason: text,
            execution: { member: text, message: text },
            resource: { name: text },
          },
        };
        const slack = slackMessage(event);
        expect(slack.blocks[0]).toMatchObject({ type: "header" });
        for (const block of slack.blocks as { text?: { text: string } }[]) if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
        const teams = teamsMessage(event);
        expect(teams.attachments[0]!.content.version).toBe("1.4");
        expect(summarize(event).title.length).toBeGreaterThan(0);
      }),
    );
  });

  it("escape what Slack would read as markup", () => {
    const message = slackMessage({ type: "change.submitted", timestamp: NOW.toISOString(), data: { change: { title: "<!channel> & <@U123>" } } });
    expect(JSON.stringify(message)).not.toContain("<!channel>");
    expect(JSON.stringify(message)).toContain("&lt;!channel&gt; &amp; &lt;@U123&gt;");
  });
});

describe("the endpoint schema", () => {
  it("takes events by name or all of them, and refuses the rest by name", () => {
    const base = { url: "https://example.com/hook", kind: "standard" };
    expect(WebhookCreateSchema.parse({ ...base, events: ["*"] }).events).toEqual(["*"]);
    expect(WebhookCreateSchema.parse({ ...base, events: ["party.moved", "slot.halted"] }).description).toBe("");
    const refused = WebhookCreateSchema.safeParse({ ...base, events: ["party.moved", "party.moved"] });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe("lists an event twice");
  });
});
