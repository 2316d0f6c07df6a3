// The webhook executor end to end: a real HTTP receiver in the test checks every request's
// Standard Webhooks signature and reports back through the real executions route handlers with
// an executor's bearer token, as a team's automation would. Delivery runs as deliverWebhook
// (the job's body, tried by hand) and once as a real graphile-worker job.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Logger, run } from "graphile-worker";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { GET as getOne, POST as report } from "@/app/api/v1/executions/[key]/route";
import { GET as getList } from "@/app/api/v1/executions/route";
import { GET as getResources } from "@/app/api/v1/resources/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { recordExecutions } from "@/lib/data/executions";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { taskList } from "@/lib/jobs/tasks";
import type { UpgradeRequest } from "@/lib/domain";
import { executorByName } from "@/lib/rollout/executors";
import { deliverWebhook, type UpgradeStartPayload } from "@/lib/rollout/webhook";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { makeFleet } from "./fixtures/fleet";
import { unusedYear } from "./fixtures/years";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const PORTAL = "https://patchparty.example.test";

// ---- the receiver: a team's automation ----
type Delivery = { headers: Record<string, string>; body: string; status: number };
type Answer = (delivery: number) => number;

const receiver = {
  server: null as Server | null,
  url: "",
  deliveries: [] as Delivery[],
  /** The status of the n-th delivery (from 1) that passed the signature check. */
  answer: (() => 200) as Answer,
  /** Webhook ids already acted on: a retry of one is answered 200 and not run again. */
  seen: new Set<string>(),
  /** What each upgrade reported back (running, then the outcome): statuses of the route's answers. */
  reports: [] as Promise<number[]>[],
  reset() {
    this.deliveries = [];
    this.answer = () => 200;
    this.reports = [];
  },
};

const headersOf = (request: IncomingMessage) =>
  Object.fromEntries(Object.entries(request.headers).flatMap(([name, value]) => (typeof value === "string" ? [[name, value]] : [])));

async function receive(request: IncomingMessage): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const headers = headersOf(request);
  let payload: UpgradeStartPayload;
  try {
    payload = new Webhook(SECRET).verify(body, headers) as UpgradeStartPayload;
  } catch {
    receiver.deliveries.push({ headers, body, status: 400 });
    return 400;
  }
  const id = headers["webhook-id"]!;
  const status = receiver.seen.has(id) ? 200 : receiver.answer(receiver.deliveries.filter((d) => d.status !== 400).length + 1);
  receiver.deliveries.push({ headers, body, status });
  if (status === 200 && !receiver.seen.has(id)) {
    receiver.seen.add(id);
    receiver.reports.push(upgradeAndReport(payload));
  }
  return status;
}

/** What the automation does with an upgrade it took: says it runs, then reports the outcome. */
async function upgradeAndReport(payload: UpgradeStartPayload): Promise<number[]> {
  await new Promise((resolve) => setTimeout(resolve, 10)); // after answering the delivery, as automations do
  const running = await reportTo(payload.reportUrl, "executor", { state: "running", output: "Reading package lists...\n" });
  const done = await reportTo(payload.reportUrl, "executor", {
    state: "succeeded",
    message: `Upgraded ${payload.member} to ${payload.toVersion}`,
    output: "Reading package lists...\nSetting up openssl (3.0.15-1) ...\nDB_PASSWORD=hunter2\n",
    packages: [
      { name: "openssl", from: "3.0.14-1", to: "3.0.15-1" },
      { name: "libssl3", from: "3.0.14-1", to: "3.0.15-1" },
    ],
    rebootRequired: false,
    healthCheck: "passed",
    exitStatus: 0,
  });
  return [running.status, done.status];
}

// ---- callers of the route handlers ----
let f: Awaited<ReturnType<typeof makeFleet>>;
const tokens: Record<string, string> = {};
let executorEmail = "";
let party: { id: string; tag: string };
let seq = 0;

/** POST to a report URL as the automation would: the route handler with the URL's last segment as its param. */
function reportTo(url: string, who: string, body: unknown) {
  const key = new URL(url).pathname.split("/").at(-1)!;
  return report(call("POST", url, who, body), { params: Promise.resolve({ key }) });
}
function call(method: string, url: string, who?: string, body?: unknown) {
  return new Request(url.startsWith("http") ? url : `http://localhost${url}`, {
    method,
    headers: { Authorization: `Bearer ${who ? tokens[who] : "pp_nobody"}` },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}
const keyParams = (key: string) => ({ params: Promise.resolve({ key: encodeURIComponent(key) }) });
const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

function upgrade(overrides: Partial<UpgradeRequest> = {}): UpgradeRequest {
  return {
    key: `run_${f.prefix}:${++seq}`,
    resourceId: f.web.id,
    memberName: f.web.name,
    address: "10.20.0.5",
    port: null,
    user: null,
    kind: "VM",
    tags: [],
    cluster: null,
    fromVersion: "3.0.14",
    toVersion: "3.0.15",
    party: { id: party.id, tag: party.tag, kind: "qa", group: 2 },
    template: null,
    deadline: new Date(Date.now() + 3_600_000),
    hooks: { pre: null, post: null },
    ...overrides,
  };
}

/** A queued webhook execution, as the executor records it (its job left out: the test delivers). */
async function queued(overrides: Partial<UpgradeRequest> = {}) {
  const request = upgrade(overrides);
  await db.$transaction((tx) => recordExecutions(tx, "webhook", [request], "QUEUED", new Date()));
  return request.key;
}

beforeAll(async () => {
  receiver.server = createServer((request, response) => {
    receive(request).then(
      (status) => response.writeHead(status, { "content-type": "text/plain" }).end(status === 400 ? "bad signature" : status >= 300 ? "not now" : "ok"),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => receiver.server!.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks/patchparty`;
  // Read by env() on first use, which is below (the first database call).
  process.env.PATCHPARTY_WEBHOOK_URL = receiver.url;
  process.env.PATCHPARTY_WEBHOOK_SECRET = SECRET;
  process.env.NEXTAUTH_URL = PORTAL;
  expect(env()).toMatchObject({ PATCHPARTY_WEBHOOK_URL: receiver.url, PATCHPARTY_WEBHOOK_SECRET: SECRET, NEXTAUTH_URL: PORTAL });

  f = await makeFleet();
  const executor = await db.user.create({ data: { email: `executor-${f.prefix}@automation.test`, name: "AWX", role: "EXECUTOR" } });
  executorEmail = executor.email;
  for (const [who, id] of [
    ["executor", executor.id],
    ["admin", f.admin.id],
    ["owner", f.owner.id],
    ["ownerB", f.ownerB.id],
    ["viewer", f.viewer.id],
  ] as const) {
    tokens[who] = (await createApiToken(id, { name: "webhook-test", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
  }
  const year = await unusedYear();
  const startsAt = new Date(Date.UTC(year, 1, 12, 18));
  const endsAt = new Date(startsAt.getTime() + 4 * 3_600_000);
  party = await db.party.create({
    data: { tag: `${year}-Q1`, kind: "QA", localDate: `${year}-02-12`, timeZone: "UTC", startsAt, endsAt, slots: { create: [{ group: 2, startsAt, endsAt }] } },
    select: { id: true, tag: true },
  });
});

afterAll(async () => {
  await new Promise((resolve) => receiver.server?.close(resolve));
});

beforeEach(() => receiver.reset());

describe("webhook delivery", () => {
  it("delivers a signed upgrade.start; the automation reports back through the API and the execution records it", async () => {
    const key = await queued();
    const row = await db.execution.findUniqueOrThrow({ where: { key } });
    await deliverWebhook(key, 1, 10);
    expect(await Promise.all(receiver.reports)).toEqual([[200, 200]]);

    expect(receiver.deliveries).toHaveLength(1);
    const [delivery] = receiver.deliveries;
    expect(delivery!.status).toBe(200);
    expect(delivery!.headers).toMatchObject({
      "content-type": "application/json",
      "webhook-id": row.id,
      "webhook-signature": expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/),
    });
    expect(Math.abs(Number(delivery!.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
    expect(JSON.parse(delivery!.body)).toEqual({
      type: "upgrade.start",
      key,
      member: f.web.name,
      address: "10.20.0.5",
      fromVersion: "3.0.14",
      toVersion: "3.0.15",
      party: { tag: party.tag, kind: "qa", group: 2 },
      template: null,
      deadline: row.deadline.toISOString(),
      reportUrl: `${PORTAL}/api/v1/executions/${encodeURIComponent(key)}`,
    });
    expect(delivery!.body).not.toContain(SECRET);

    const done = await db.execution.findUniqueOrThrow({ where: { key } });
    expect(done).toMatchObject({
      state: "SUCCEEDED",
      executor: "webhook",
      message: `Upgraded ${f.web.name} to 3.0.15`,
      packages: [
        { name: "openssl", from: "3.0.14-1", to: "3.0.15-1" },
        { name: "libssl3", from: "3.0.14-1", to: "3.0.15-1" },
      ],
      rebootRequired: false,
      healthCheck: "passed",
      exitStatus: 0,
      reportedBy: executorEmail,
    });
    expect(done.startedAt).not.toBeNull();
    expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt!.getTime());
    expect(done.output).toContain("Setting up openssl");
    expect(done.output).not.toContain("hunter2");
    const audit = await db.auditEvent.findMany({ where: { entityType: "execution", entityId: key } });
    expect(audit).toMatchObject([
      {
        action: "execution.succeeded",
        actorLabel: executorEmail,
        entityLabel: f.web.name,
        reason: `Upgraded ${f.web.name} to 3.0.15`,
        after: { state: "succeeded", packages: 2, exitStatus: 0 },
      },
    ]);

    // Finished: a later try of the job sends nothing, and a late report is refused.
    await deliverWebhook(key, 2, 10);
    expect(receiver.deliveries).toHaveLength(1);
    const late = await reportTo(`${PORTAL}/api/v1/executions/${encodeURIComponent(key)}`, "executor", { state: "failed", message: "too late" });
    expect(late.status).toBe(409);
    expect((await json(late)).error).toMatch(/has already finished \(succeeded\)/);
    expect((await db.execution.findUniqueOrThrow({ where: { key } })).state).toBe("SUCCEEDED");
  });

  it("tells a production member's automation the versions QA tested, to install only those (issue 20)", async () => {
    const tag = `${party.tag.slice(0, 4)}-Q3`;
    await db.testedPackage.createMany({
      data: [
        { tag, release: "debian 12", package: "openssl", version: "3.0.15-1~deb12u1", source: "qa", recordedAt: new Date() },
        { tag, release: "debian 12", package: "libssl3", version: "3.0.15-1~deb12u1", source: "approved", recordedAt: new Date() },
        { tag, release: "rhel 9", package: "openssl", version: "1:3.0.7-29.el9", source: "qa", recordedAt: new Date() },
      ],
    });
    const key = await queued({ install: { tag, release: "debian 12" } });
    await deliverWebhook(key, 1, 10);
    const body = JSON.parse(receiver.deliveries.at(-1)!.body) as UpgradeStartPayload;
    expect(body.install).toEqual({
      tag,
      release: "debian 12",
      packages: [
        { name: "libssl3", version: "3.0.15-1~deb12u1" },
        { name: "openssl", version: "3.0.15-1~deb12u1" },
      ],
    });
    // A member that is not told to install a tested set gets no such field.
    const plain = await queued();
    await deliverWebhook(plain, 1, 10);
    expect(JSON.parse(receiver.deliveries.at(-1)!.body)).not.toHaveProperty("install");
    await Promise.all(receiver.reports);
  });

  it("runs as a graphile-worker job queued by the webhook executor in the engine's transaction", async () => {
    const connectionString = inject("databaseUrl");
    // Only this task: jobs other test files left in the shared queue are not this worker's.
    const runner = await run({
      connectionString,
      concurrency: 1,
      taskList: { deliver_webhook: taskList.deliver_webhook! },
      crontab: "",
      noHandleSignals: true,
      pollInterval: 200,
      logger: new Logger(() => (level, message) => void (level === "error" && console.error(message))),
    });
    try {
      const request = upgrade();
      await db.$transaction((tx) => executorByName("webhook").start(tx, [request], new Date()));
      const deadline = Date.now() + 30_000;
      while ((await db.execution.findUniqueOrThrow({ where: { key: request.key } })).state !== "SUCCEEDED" && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await Promise.all(receiver.reports)).toEqual([[200, 200]]);
      expect((await db.execution.findUniqueOrThrow({ where: { key: request.key } })).state).toBe("SUCCEEDED");
      expect(receiver.deliveries.map((d) => JSON.parse(d.body).key)).toEqual([request.key]);
      const [job] = await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) FROM graphile_worker.jobs WHERE key = ${`exec:${request.key}`}`;
      expect(Number(job!.count)).toBe(0); // done, not waiting for a retry
    } finally {
      await runner.stop();
    }
  });

  it("retries a receiver that answers 500: delivered on the third try with the same webhook-id", async () => {
    const key = await queued();
    receiver.answer = (n) => (n <= 2 ? 500 : 200);
    await expect(deliverWebhook(key, 1, 10)).rejects.toThrow(/attempt 1 of 10\): the receiver answered 500/);
    await expect(deliverWebhook(key, 2, 10)).rejects.toThrow(/attempt 2 of 10/);
    expect((await db.execution.findUniqueOrThrow({ where: { key } })).state).toBe("QUEUED");
    await deliverWebhook(key, 3, 10);
    expect(await Promise.all(receiver.reports)).toEqual([[200, 200]]);
    expect(receiver.deliveries.map((d) => d.status)).toEqual([500, 500, 200]);
    const ids = new Set(receiver.deliveries.map((d) => d.headers["webhook-id"]));
    expect(ids).toEqual(new Set([(await db.execution.findUniqueOrThrow({ where: { key } })).id]));
    expect((await db.execution.findUniqueOrThrow({ where: { key } })).state).toBe("SUCCEEDED");
  });

  it("records the failure on the last attempt, and says why", async () => {
    const key = await queued();
    receiver.answer = () => 503;
    await expect(deliverWebhook(key, 1, 2)).rejects.toThrow(/503/);
    await deliverWebhook(key, 2, 2);
    expect(await db.execution.findUniqueOrThrow({ where: { key } })).toMatchObject({
      state: "FAILED",
      reportedBy: "webhook",
      message: "The webhook could not be delivered after 2 attempts: the receiver answered 503 Service Unavailable: not now",
    });
    expect(receiver.reports).toEqual([]);

    // Past its deadline a member is not started at all.
    const late = await queued({ deadline: new Date(Date.now() - 1_000) });
    await deliverWebhook(late, 1, 10);
    expect(await db.execution.findUniqueOrThrow({ where: { key: late } })).toMatchObject({
      state: "FAILED",
      message: expect.stringMatching(/^The webhook was not delivered before the member's deadline/),
    });
    expect(receiver.deliveries).toHaveLength(2);
  });

  it("the receiver's check refuses a tampered signature, a changed body and another secret", async () => {
    const key = await queued();
    await deliverWebhook(key, 1, 10);
    await Promise.all(receiver.reports);
    const { headers: received, body } = receiver.deliveries[0]!;
    const headers = Object.fromEntries(["content-type", "webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [name, received[name]!]));
    const send = (h: Record<string, string>, b: string) => fetch(receiver.url, { method: "POST", headers: h, body: b });
    const signature = headers["webhook-signature"]!;
    const flipped = `v1,${Buffer.from(Buffer.from(signature.slice(3), "base64").map((byte, i) => (i === 0 ? byte ^ 1 : byte))).toString("base64")}`;
    expect((await send({ ...headers, "webhook-signature": flipped }, body)).status).toBe(400);
    expect((await send(headers, body.replace('"toVersion":"3.0.15"', '"toVersion":"9.9.9"'))).status).toBe(400);
    expect((await send({ ...headers, "webhook-id": "msg_other" }, body)).status).toBe(400);
    const other = new Webhook(`whsec_${randomBytes(24).toString("base64")}`);
    const now = new Date();
    expect(
      (
        await send(
          { ...headers, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": other.sign(headers["webhook-id"]!, now, body) },
          body,
        )
      ).status,
    ).toBe(400);
    // The untouched delivery passes again, and is not acted on twice (same webhook-id).
    expect((await send(headers, body)).status).toBe(200);
    expect(receiver.reports).toHaveLength(1);
    expect(receiver.deliveries.map((d) => d.status)).toEqual([200, 400, 400, 400, 400, 200]);
  });
});

describe("POST /api/v1/executions/{key}", () => {
  it("404 for an unknown key; 400 names the bad field; nothing is written", async () => {
    const unknown = await report(call("POST", "/api/v1/executions/x", "executor", { state: "running" }), keyParams("no-such-run:member"));
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toEqual({ error: 'No execution has the key "no-such-run:member".' });

    const key = await queued();
    const bad: [unknown, RegExp][] = [
      [{ state: "done" }, /^state: must be running, succeeded or failed$/],
      [{}, /^state: /],
      [{ state: "failed", message: "x".repeat(2_001) }, /^message: must be at most 2,000 characters$/],
      [{ state: "failed", output: "x".repeat(1024 * 1024 + 1) }, /^output: must be at most 1 MB/],
      [{ state: "succeeded", packages: [{ name: 42, from: "1", to: "2" }] }, /^packages\.0\.name: must be text$/],
      [{ state: "succeeded", packages: [{ name: "a", from: "1", to: "2", arch: "amd64" }] }, /^packages\.0: .*arch/],
      [
        { state: "succeeded", packages: Array.from({ length: 10_001 }, (_, i) => ({ name: `p${i}`, from: null, to: "1" })) },
        /^packages: must be at most 10,000 entries$/,
      ],
      [{ state: "succeeded", rebootRequired: "yes" }, /^rebootRequired: must be true or false$/],
      [{ state: "succeeded", healthCheck: "ok" }, /^healthCheck: must be passed or failed$/],
      [{ state: "failed", exitStatus: 1.5 }, /^exitStatus: must be a whole number$/],
      [{ state: "failed", colour: "red" }, /colour/],
      ["[1]", /^body: must be a JSON object/],
      ["{", /^body: must be JSON/],
    ];
    for (const [body, message] of bad) {
      const response = await report(call("POST", "/api/v1/executions/x", "executor", body), keyParams(key));
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect((await json(response)).error).toMatch(message);
    }
    // Too large is its own status, 413 (BODY_LIMITS.executionReport).
    const large = await report(
      call("POST", "/api/v1/executions/x", "executor", JSON.stringify({ state: "failed", output: "x".repeat(9 * 1024 * 1024) })),
      keyParams(key),
    );
    expect(large.status).toBe(413);
    expect((await json(large)).error).toMatch(/^body: must be at most 8388608 bytes/);
    expect(await db.execution.findUniqueOrThrow({ where: { key } })).toMatchObject({ state: "QUEUED", startedAt: null, message: null, reportedBy: null });
  });

  it("keeps the last 64 kB of a long output; 1 MB is accepted", async () => {
    const key = await queued();
    const output = `${"early line\n".repeat(90_000)}token=abc123secret\nthe end\n`;
    expect(output.length).toBeLessThan(1024 * 1024);
    const response = await report(
      call("POST", "/api/v1/executions/x", "executor", { state: "failed", output, exitStatus: 100, message: "dpkg was interrupted" }),
      keyParams(key),
    );
    expect(response.status).toBe(200);
    const answer = await json(response);
    expect(answer).toMatchObject({ key, state: "failed", exitStatus: 100, message: "dpkg was interrupted", reportedBy: executorEmail });
    expect(Buffer.byteLength(answer.output as string)).toBeLessThanOrEqual(64 * 1024);
    expect(answer.output).toMatch(/^\[… earlier output cut …\]\n/);
    expect(answer.output).toMatch(/token=\[redacted\]\nthe end\n$/);
  });

  it("is for executors, admins and the owners of the resource's team; an executor token opens nothing else", async () => {
    const key = await queued();
    for (const who of ["viewer", "ownerB"]) {
      const refused = await report(call("POST", "/api/v1/executions/x", who, { state: "running" }), keyParams(key));
      expect(refused.status, who).toBe(403);
    }
    expect((await report(call("POST", "/api/v1/executions/x", undefined, { state: "running" }), keyParams(key))).status).toBe(401);
    expect((await db.execution.findUniqueOrThrow({ where: { key } })).state).toBe("QUEUED");
    expect((await report(call("POST", "/api/v1/executions/x", "owner", { state: "running", message: "Patching by hand" }), keyParams(key))).status).toBe(200);
    expect((await report(call("POST", "/api/v1/executions/x", "admin", { state: "failed", message: "Rolled back" }), keyParams(key))).status).toBe(200);
    expect(await db.execution.findUniqueOrThrow({ where: { key } })).toMatchObject({ state: "FAILED", message: "Rolled back", reportedBy: f.admin.email });

    // The executor's token is nobody to the other routes.
    expect((await getResources(call("GET", `/api/v1/resources?q=${f.prefix}`, "executor"))).status).toBe(401);
    expect((await getResources(call("GET", `/api/v1/resources?q=${f.prefix}`, "viewer"))).status).toBe(200);
  });
});

describe("GET /api/v1/executions", () => {
  it("reads one execution, output included, for anyone who may see its server and for executors", async () => {
    const key = await queued();
    for (const who of ["viewer", "executor"]) {
      const response = await getOne(call("GET", "/api/v1/executions/x", who), keyParams(key));
      expect(response.status, who).toBe(200);
      expect(await json(response)).toEqual({
        key,
        executor: "webhook",
        state: "queued",
        member: f.web.name,
        resource: f.web.name,
        address: "10.20.0.5",
        party: { tag: party.tag, kind: "qa", group: 2 },
        template: null,
        fromVersion: "3.0.14",
        toVersion: "3.0.15",
        createdAt: expect.any(String),
        startedAt: null,
        finishedAt: null,
        deadline: expect.any(String),
        exitStatus: null,
        output: null,
        packages: [],
        rebootRequired: null,
        rebooted: null,
        healthCheck: null,
        message: null,
        reportedBy: null,
      });
    }
    expect((await getOne(call("GET", "/api/v1/executions/x"), keyParams(key))).status).toBe(401);
    expect((await getOne(call("GET", "/api/v1/executions/x", "viewer"), keyParams("nope"))).status).toBe(404);
    // Issue 21: another team's owner is told there is none, as for the server itself.
    expect((await getOne(call("GET", "/api/v1/executions/x", "ownerB"), keyParams(key))).status).toBe(404);
  });

  it("lists a party slot's or a template's executions in keyset pages, without output", async () => {
    const year = await unusedYear();
    const startsAt = new Date(Date.UTC(year, 4, 6, 18));
    const own = await db.party.create({
      data: { tag: `${year}-Q2`, kind: "PRODUCTION", localDate: `${year}-05-06`, timeZone: "UTC", startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) },
      select: { id: true, tag: true },
    });
    const keys: string[] = [];
    for (const group of [1, 1, 1, 2, 2]) keys.push(await queued({ party: { id: own.id, tag: own.tag, kind: "production", group } }));
    await report(call("POST", "/api/v1/executions/x", "executor", { state: "failed", output: "boom" }), keyParams(keys[0]!));

    const page = async (query: string, who = "viewer") => {
      const response = await getList(call("GET", `/api/v1/executions?${query}`, who));
      return { status: response.status, body: (await response.json()) as { items: Record<string, unknown>[]; nextCursor: string | null; error?: string } };
    };
    const first = await page(`party=${own.tag}&kind=production&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((i) => i.key)).toEqual([...keys].sort().slice(0, 2));
    expect(first.body.items[0]).not.toHaveProperty("output");
    expect(first.body.items[0]).toMatchObject({ party: { tag: own.tag, kind: "production" }, resource: f.web.name });
    const rest = await page(`party=${own.tag}&kind=production&limit=2&cursor=${encodeURIComponent(first.body.nextCursor!)}`);
    const last = await page(`party=${own.tag}&kind=production&limit=2&cursor=${encodeURIComponent(rest.body.nextCursor!)}`);
    expect([...first.body.items, ...rest.body.items, ...last.body.items].map((i) => i.key)).toEqual([...keys].sort());
    expect(last.body.nextCursor).toBeNull();

    expect((await page(`party=${own.tag}&kind=production&group=2`, "executor")).body.items.map((i) => i.key)).toEqual(keys.slice(3).sort());
    expect((await page(`party=${own.tag}&kind=production&state=failed`)).body.items.map((i) => i.key)).toEqual([keys[0]]);
    expect((await page(`party=${own.tag}&kind=qa`)).status).toBe(404);

    const policy = await createPolicy(
      f.admin,
      PolicyInputSchema.parse({ name: `${f.prefix}-wh`, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }] }),
      new Date(),
    );
    if (!policy.ok) throw new Error(policy.message);
    const template = await createTemplate(
      f.admin,
      TemplateCreateSchema.parse({ name: `${f.prefix}-wh`, policyId: policy.value.id, targetVersion: "1.0.0", members: [f.web.name] }),
      new Date(),
    );
    if (!template.ok) throw new Error(template.message);
    const templateKey = await queued({ party: null, template: { id: template.value.id, name: `${f.prefix}-wh` } });
    expect((await page(`template=${template.value.id}`)).body).toMatchObject({
      items: [{ key: templateKey, template: { id: template.value.id, name: `${f.prefix}-wh` }, party: null }],
      nextCursor: null,
    });

    for (const [query, message] of [
      ["", /Send party \(with kind\) or template, one of them\./],
      [`party=${own.tag}&kind=production&template=${template.value.id}`, /one of them/],
      [`party=${own.tag}`, /^kind: /],
      [`party=${own.tag}&kind=production&limit=201`, /^limit: must be at most 200$/],
      [`party=${own.tag}&kind=production&state=done`, /^state: /],
      [`template=${template.value.id}&group=1`, /^group: goes with party/],
    ] as const) {
      const refused = await page(query);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error).toMatch(message);
    }
    expect((await page(`template=${template.value.id}`, "")).status).toBe(401);
  });
});
