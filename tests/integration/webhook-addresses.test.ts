// Issue 18, point 2: a webhook must not become a way into the internal network. Without
// PATCHPARTY_WEBHOOKS_ALLOW_PRIVATE, loopback and private addresses are refused when an endpoint
// is registered or changed, and again when a delivery is sent (the name may resolve elsewhere by then).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { POST as createRoute } from "@/app/api/v1/webhooks/route";
import { PATCH as patchRoute } from "@/app/api/v1/webhooks/[id]/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { postWebhook } from "@/lib/notify/webhook-http";
import { deliverEventWebhooks, recordEvents } from "@/lib/data/webhooks";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { makeFleet } from "./fixtures/fleet";
import { startReceiver, type Receiver } from "./fixtures/webhook-receiver";

let f: Awaited<ReturnType<typeof makeFleet>>;
let token: string;
let receiver: Receiver;
const made: string[] = [];

beforeEach(async () => {
  f = await makeFleet();
  token = (await createApiToken(f.admin.id, { name: "test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
  receiver = await startReceiver();
});
afterEach(async () => {
  await db.webhookEndpoint.deleteMany({ where: { id: { in: made.splice(0) } } });
  await receiver.close();
});

const post = (body: unknown) =>
  createRoute(new Request("http://localhost/api/v1/webhooks", { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) }));

describe("webhooks and private addresses", () => {
  it("the tests of this file run without PATCHPARTY_WEBHOOKS_ALLOW_PRIVATE", () => {
    expect(env().PATCHPARTY_WEBHOOKS_ALLOW_PRIVATE).toBe(false);
  });

  it("refuses loopback, private, link-local and unspecified addresses at registration, by address and by name", async () => {
    const port = new URL(receiver.url).port;
    for (const [url, address] of [
      [receiver.url, "127.0.0.1"],
      [`http://localhost:${port}/hook`, "127.0.0.1"],
      ["http://10.20.30.40/hook", "10.20.30.40"],
      ["http://172.16.0.9/hook", "172.16.0.9"],
      ["http://192.168.1.1/hook", "192.168.1.1"],
      ["http://169.254.169.254/latest/meta-data", "169.254.169.254"],
      ["http://0.0.0.0:8080/hook", "0.0.0.0"],
      ["http://[::1]:8080/hook", "::1"],
      ["http://[fd12:3456::1]/hook", "fd12:3456::1"],
      ["http://[fe80::1]/hook", "fe80::1"],
      ["http://[::ffff:127.0.0.1]/hook", "::ffff:7f00:1"],
    ] as const) {
      const response = await post({ url, kind: "standard", events: ["*"] });
      const json = (await response.json()) as { error: string };
      expect({ url, status: response.status }).toEqual({ url, status: 400 });
      expect(json.error).toMatch(/^url: .* a loopback or private address: webhooks may not reach the internal network$/);
      expect(json.error).toContain(address);
    }
    expect(await db.webhookEndpoint.count({ where: { createdById: f.admin.id } })).toBe(0);

    // A public address is taken (an address: nothing to resolve offline).
    const ok = await post({ url: "https://203.0.113.10/hook", kind: "standard", events: ["*"] });
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as { id: string };
    made.push(id);
    // …and may not be changed to a private one.
    const moved = await patchRoute(
      new Request(`http://localhost/api/v1/webhooks/${id}`, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify({ url: `http://localhost:${port}/hook` }),
      }),
      { params: Promise.resolve({ id }) },
    );
    expect(moved.status).toBe(400);
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id } })).url).toBe("https://203.0.113.10/hook");
  });

  it("refuses them again when sending: a name that resolves to loopback now gets nothing", async () => {
    const port = new URL(receiver.url).port;
    // Registered while its name led elsewhere (as if DNS changed since): written directly.
    const byName = await db.webhookEndpoint.create({ data: { url: `http://localhost:${port}/hook`, kind: "SLACK", events: ["*"], createdById: f.admin.id } });
    const byAddress = await db.webhookEndpoint.create({ data: { url: receiver.url, kind: "TEAMS", events: ["*"], createdById: f.admin.id } });
    made.push(byName.id, byAddress.id);
    await db.$transaction((tx) => recordEvents(tx, [{ type: "exclusion.expiring", data: { resource: { name: "x" } } }], new Date()));
    await deliverEventWebhooks(new Date(), postWebhook, 50, [byName.id, byAddress.id]);
    expect(receiver.received).toHaveLength(0);
    const rows = await db.webhookDelivery.findMany({ where: { endpointId: { in: [byName.id, byAddress.id] } }, orderBy: { endpointId: "asc" } });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ state: "PENDING", attempts: 1, lastStatus: null });
      expect(row.lastAnswer).toMatch(/^Not sent: (localhost is at 127\.0\.0\.1|::1)?.*a loopback or private address/);
    }
    expect(rows.map((r) => r.lastAnswer).join(" ")).toContain("localhost is at");
    expect(rows.map((r) => r.lastAnswer).join(" ")).toContain("127.0.0.1 is a loopback");
  });
});
