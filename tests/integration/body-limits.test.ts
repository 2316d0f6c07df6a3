// Bodies are capped (issue 17): by Content-Length before a byte is read, and by counting while a
// body without one (chunked) streams in, 413 at the cap either way; the caps are BODY_LIMITS.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const { previousUrl, session } = vi.hoisted(() => {
  const previousUrl = process.env.NEXTAUTH_URL;
  process.env.NEXTAUTH_URL = "https://patchparty.test"; // PORTAL, before the app reads it
  return { previousUrl, session: { userId: null as string | null, jar: null as Map<string, string> | null, headers: new Headers() } };
});
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => (await import("./fixtures/https-portal")).httpsHeaders(session));

import * as changesRoute from "@/app/api/v1/changes/route";
import * as csvRoute from "@/app/api/v1/resources.csv/route";
import * as exclusionRoute from "@/app/api/v1/resources/[name]/exclusion/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { db } from "@/lib/db";
import { BODY_LIMITS } from "@/lib/validation/limits";
import { makeFleet } from "./fixtures/fleet";
import { caller, route } from "./fixtures/requests";
import { PORTAL, restoreNextAuthUrl } from "./fixtures/https-portal";

const JSON_TYPE = { "Content-Type": "application/json" };

let f: Awaited<ReturnType<typeof makeFleet>>;
let adminToken: string;
const call = caller(session, PORTAL);

beforeAll(async () => {
  f = await makeFleet();
  adminToken = (await createApiToken(f.admin.id, { name: "guards", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
});

afterAll(() => restoreNextAuthUrl(previousUrl));

/** A body of `size` bytes made as it is read, counting what was read. */
function countedBody(size: number, chunk = 64 * 1024) {
  const seen = { bytes: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.bytes >= size) return controller.close();
      const n = Math.min(chunk, size - seen.bytes);
      seen.bytes += n;
      controller.enqueue(new Uint8Array(n).fill(0x20));
    },
  });
  return { body, seen };
}

describe("bodies are capped", () => {
  const PUT = () => route(exclusionRoute, "PUT");
  const name = () => `${f.prefix}-web`;

  it("by Content-Length, before a byte is read: 413", async () => {
    const { body, seen } = countedBody(20 * 1024 * 1024);
    const response = await call(PUT(), "PUT", "/x", {
      token: adminToken,
      headers: { ...JSON_TYPE, "Content-Length": String(20 * 1024 * 1024) },
      body,
      params: { name: name() },
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error).toBe(`body: must be at most ${BODY_LIMITS.json} bytes (64 kB)`);
    expect(seen.bytes).toBeLessThanOrEqual(64 * 1024); // at most what the stream had ready before anyone read
  });

  it("while streaming, without a length (chunked): read up to the cap, then 413", async () => {
    const { body, seen } = countedBody(20 * 1024 * 1024);
    const response = await call(PUT(), "PUT", "/x", { as: f.admin.id, headers: { Origin: PORTAL, ...JSON_TYPE }, body, params: { name: name() } });
    expect(response.status).toBe(413);
    expect(seen.bytes).toBeLessThan(BODY_LIMITS.json + 3 * 64 * 1024);
    expect((await db.resource.findFirstOrThrow({ where: { name: name() } })).excluded).toBe(false);
  });

  it("a viewer's 20 MB upload is not read either", async () => {
    const { body, seen } = countedBody(20 * 1024 * 1024);
    const response = await call(route(changesRoute, "POST"), "POST", "/api/v1/changes", { as: f.viewer.id, headers: { Origin: PORTAL, ...JSON_TYPE }, body });
    expect([403, 413]).toContain(response.status);
    expect(seen.bytes).toBeLessThan(BODY_LIMITS.json + 3 * 64 * 1024);
  });

  it("a body at the cap is read; the CSV import has its own, larger cap", async () => {
    const reason = "r".repeat(400);
    const padded = JSON.stringify({ reason }).padEnd(BODY_LIMITS.json, " ");
    const ok = await call(PUT(), "PUT", "/x", { token: adminToken, headers: JSON_TYPE, body: padded, params: { name: name() } });
    expect(ok.status).toBe(200);
    const back = await call(route(exclusionRoute, "DELETE"), "DELETE", "/x", {
      token: adminToken,
      body: JSON.stringify({ group: 2 }),
      params: { name: name() },
    });
    expect(back.status).toBe(200);

    const big = await call(route(csvRoute, "POST"), "POST", "/api/v1/resources.csv", {
      token: adminToken,
      headers: { "Content-Type": "text/csv", "Content-Length": String(BODY_LIMITS.csvImport + 1) },
      body: countedBody(BODY_LIMITS.csvImport + 1).body,
    });
    expect(big.status).toBe(413);
    const chunked = countedBody(BODY_LIMITS.csvImport + 5 * 1024 * 1024, 1024 * 1024);
    const streamed = await call(route(csvRoute, "POST"), "POST", "/api/v1/resources.csv", {
      token: adminToken,
      headers: { "Content-Type": "text/csv" },
      body: chunked.body,
    });
    expect(streamed.status).toBe(413);
    expect(chunked.seen.bytes).toBeLessThan(BODY_LIMITS.csvImport + 4 * 1024 * 1024);
  });
});
