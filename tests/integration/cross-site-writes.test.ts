// Writes signed with the session cookie come from the portal's own pages (issue 17): another
// site's Origin (or Sec-Fetch-Site) is a 403, a body that is not JSON a 415, both before anything
// is read or written; the portal's own pages and API tokens are not held back. API answers carry
// the security headers. The portal here is https://patchparty.test (NEXTAUTH_URL, set first).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const { previousUrl, session } = vi.hoisted(() => {
  const previousUrl = process.env.NEXTAUTH_URL;
  process.env.NEXTAUTH_URL = "https://patchparty.test"; // PORTAL, before the app reads it
  return { previousUrl, session: { userId: null as string | null, jar: null as Map<string, string> | null, headers: new Headers() } };
});
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => (await import("./fixtures/https-portal")).httpsHeaders(session));

import * as changesRoute from "@/app/api/v1/changes/route";
import * as approveRoute from "@/app/api/v1/changes/[id]/approve/route";
import * as submitRoute from "@/app/api/v1/changes/[id]/submit/route";
import * as csvRoute from "@/app/api/v1/resources.csv/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { decideChange, openPartyChange } from "@/lib/data/change-requests";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";
import { caller, lonelyParty, route } from "./fixtures/requests";
import { PORTAL, restoreNextAuthUrl } from "./fixtures/https-portal";

const JSON_TYPE = { "Content-Type": "application/json" };
const changeCount = () => db.changeRequest.count();

let f: Awaited<ReturnType<typeof makeFleet>>;
let adminToken: string;
const call = caller(session, PORTAL);

beforeAll(async () => {
  f = await makeFleet();
  adminToken = (await createApiToken(f.admin.id, { name: "guards", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
});

afterAll(() => restoreNextAuthUrl(previousUrl));

describe("a write signed with the session cookie comes from the portal's own pages", () => {
  it("from another site: 403 with a message, and the change request is neither created, submitted nor approved", async () => {
    const p = await lonelyParty();
    const before = await changeCount();
    const elsewhere: Record<string, string>[] = [{ Origin: "http://evil.example" }, { Origin: "null" }, { Origin: "https://patchparty.test.evil.example" }, {}];
    for (const headers of elsewhere) {
      const created = await call(route(changesRoute, "POST"), "POST", "/api/v1/changes", {
        as: f.admin.id,
        headers: { ...headers, ...JSON_TYPE },
        body: JSON.stringify({ partyTag: p.tag }),
      });
      expect(created.status, JSON.stringify(headers)).toBe(403);
      expect((await created.json()).error).toMatch(/another site/);
    }
    // Sec-Fetch-Site from another site, with no Origin: refused as well.
    const fetched = await call(route(changesRoute, "POST"), "POST", "/api/v1/changes", {
      as: f.admin.id,
      headers: { "Sec-Fetch-Site": "cross-site", ...JSON_TYPE },
      body: JSON.stringify({ partyTag: p.tag }),
    });
    expect(fetched.status).toBe(403);
    expect(await changeCount()).toBe(before);

    const opened = await openPartyChange(f.admin, p.tag, new Date());
    if (!opened.ok) throw new Error(opened.message);
    const evil = { Origin: "http://evil.example", "Content-Type": "text/plain" };
    const submit = await call(route(submitRoute, "POST"), "POST", "/x", { as: f.admin.id, headers: evil, params: { id: opened.value.id } });
    expect(submit.status).toBe(403);
    expect((await db.changeRequest.findUniqueOrThrow({ where: { id: opened.value.id } })).state).toBe("DRAFT");

    await decideChange(f.admin, opened.value.id, "submit", {}, new Date());
    const approve = await call(route(approveRoute, "POST"), "POST", "/x", {
      as: f.approver.id,
      headers: evil,
      body: JSON.stringify({ comment: "CAB: go" }),
      params: { id: opened.value.id },
    });
    expect(approve.status).toBe(403);
    expect((await db.changeRequest.findUniqueOrThrow({ where: { id: opened.value.id } })).state).toBe("SUBMITTED");
  });

  it("a body that is not JSON: 415 with a message, and nothing is written", async () => {
    const p = await lonelyParty();
    const before = await changeCount();
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const response = await call(route(changesRoute, "POST"), "POST", "/api/v1/changes", {
        as: f.admin.id,
        headers: { Origin: PORTAL, "Content-Type": type },
        body: JSON.stringify({ partyTag: p.tag }),
      });
      expect(response.status, type).toBe(415);
      expect((await response.json()).error).toBe("Content-Type: must be application/json");
    }
    expect(await changeCount()).toBe(before);
  });

  it("from the portal itself it works: Origin, or Sec-Fetch-Site without one; +json is JSON", async () => {
    const portal: Record<string, string>[] = [
      { Origin: PORTAL },
      { "Sec-Fetch-Site": "same-origin" },
      { Origin: PORTAL, "Content-Type": "application/merge-patch+json" },
    ];
    for (const headers of portal) {
      const p = await lonelyParty();
      const response = await call(route(changesRoute, "POST"), "POST", "/api/v1/changes", {
        as: f.admin.id,
        headers: { ...JSON_TYPE, ...headers },
        body: JSON.stringify({ partyTag: p.tag }),
      });
      expect(response.status, JSON.stringify(headers)).toBe(201);
    }
  });

  it("an API token is not held to either: no Origin, any Content-Type, even another site's Origin", async () => {
    const any: Record<string, string>[] = [{}, { "Content-Type": "text/plain" }, { Origin: "http://evil.example" }];
    for (const headers of any) {
      const p = await lonelyParty();
      const response = await call(route(changesRoute, "POST"), "POST", "/api/v1/changes", {
        token: adminToken,
        headers,
        body: JSON.stringify({ partyTag: p.tag }),
      });
      expect(response.status, JSON.stringify(headers)).toBe(201);
    }
  });

  it("reads are not refused, and a signed-out write is still a 401", async () => {
    expect((await call(route(changesRoute, "GET"), "GET", "/api/v1/changes", { as: f.viewer.id, headers: { Origin: "http://evil.example" } })).status).toBe(
      200,
    );
    const signedOut = await call(route(changesRoute, "POST"), "POST", "/api/v1/changes", { headers: { Origin: "http://evil.example" }, body: "{}" });
    expect(signedOut.status).toBe(401);
  });

  it("the CSV import keeps its own type: text/csv from a page, anything with a token", async () => {
    const exported = await (await call(route(csvRoute, "GET"), "GET", `/api/v1/resources.csv?q=${f.prefix}-web`, { token: adminToken })).text();
    const asPage = (type: string) =>
      call(route(csvRoute, "POST"), "POST", "/api/v1/resources.csv", { as: f.admin.id, headers: { Origin: PORTAL, "Content-Type": type }, body: exported });
    expect((await asPage("text/plain")).status).toBe(415);
    expect((await asPage("text/csv")).status).toBe(200);
    expect((await call(route(csvRoute, "POST"), "POST", "/api/v1/resources.csv", { token: adminToken, body: exported })).status).toBe(200);
  });
});

describe("API answers carry the security headers", () => {
  it("nosniff, no framing, same-origin referrers, a policy that loads nothing, and HSTS (the portal is https)", async () => {
    for (const response of [
      await call(route(changesRoute, "GET"), "GET", "/api/v1/changes", { token: adminToken }),
      await call(route(changesRoute, "GET"), "GET", "/api/v1/changes"),
      await call(route(changesRoute, "POST"), "POST", "/api/v1/changes", { as: f.admin.id, headers: { Origin: "http://evil.example" }, body: "{}" }),
    ]) {
      expect(Object.fromEntries([...response.headers].filter(([k]) => k !== "content-type" && k !== "cache-control" && k !== "www-authenticate"))).toEqual({
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "same-origin",
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
        "strict-transport-security": "max-age=63072000",
      });
    }
  });
});
