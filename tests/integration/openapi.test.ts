// Issue 18, point 1: the OpenAPI document covers every /api/v1 route, is a valid OpenAPI 3.1
// document, and the API serves it. (That every answer of the other integration tests fits it is
// checked where they get it: lib/api/openapi/conformance.ts.)
import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it, vi } from "vitest";

// Signed out: no session cookie (the route reads it when no token is sent).
vi.mock("next/headers", async () => {
  const { cookieStore, sessionCookies } = await import("./fixtures/session");
  return { cookies: async () => cookieStore(await sessionCookies(null)), headers: async () => new Headers() };
});
import { GET as openApiRoute } from "@/app/api/v1/openapi.json/route";
import { GET as freezeRoute } from "@/app/api/v1/freezes/[id]/route";
import { openApiDocument } from "@/lib/api/openapi/document";
import { checkAnswer } from "@/lib/api/openapi/conformance";
import { HTTP_METHODS, v1RouteFiles } from "@/lib/api/openapi/route-files";
import { createApiToken } from "@/lib/data/api-tokens";
import { env } from "@/lib/env";
import { makeFleet } from "./fixtures/fleet";

type Document = { openapi: string; paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; responses: Record<string, unknown> }>> };
const document = () => openApiDocument() as Document;

let token: string;
let executorToken: string;
beforeAll(async () => {
  const f = await makeFleet();
  token = (await createApiToken(f.viewer.id, { name: "openapi", scope: "read", days: 1 }, { id: null, label: "test" })).secret;
  const { db } = await import("@/lib/db");
  const machine = await db.user.create({ data: { email: `executor-${f.prefix}@openapi.test`, name: "Automation", role: "EXECUTOR" } });
  executorToken = (await createApiToken(machine.id, { name: "openapi", scope: "read", days: 1 }, { id: null, label: "test" })).secret;
});

/** What the code serves: every route file under app/api/v1 and the HTTP methods it exports. */
async function whatTheCodeServes(): Promise<string[]> {
  const served: string[] = [];
  for (const route of v1RouteFiles(process.cwd())) {
    const module = (await import(route.file)) as Record<string, unknown>;
    for (const method of HTTP_METHODS) if (typeof module[method] === "function") served.push(`${method} ${route.path}`);
  }
  return served.sort();
}

describe("the OpenAPI document", () => {
  it("has every route and method under /api/v1, and nothing else", async () => {
    const documented = Object.entries(document().paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const served = await whatTheCodeServes();
    expect(served.length).toBeGreaterThan(50);
    expect(documented).toEqual(served);
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await new Validator().validate(structuredClone(document()));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document().openapi).toMatch(/^3\.1\./);
  });

  it("names every path parameter, and says how to sign in and what is refused", () => {
    const { paths, components, security } = openApiDocument() as Document & { components: { securitySchemes: Record<string, unknown> }; security: unknown[] };
    expect(Object.keys(components.securitySchemes)).toEqual(expect.arrayContaining(["bearerToken", "sessionCookie"]));
    expect(security).toEqual([{ bearerToken: [] }, { sessionCookie: [] }]);
    for (const [path, operations] of Object.entries(paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, operation] of Object.entries(operations)) {
        expect(
          operation.parameters
            .filter((p) => p.in === "path")
            .map((p) => p.name)
            .sort(),
          `${method} ${path}`,
        ).toEqual(inPath);
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(["401", "403"]));
      }
    }
    // Generated from the schemas the routes parse with: the parties' query says what PartiesQuerySchema does.
    const parties = paths["/parties"]!.get!.parameters as unknown as { name: string; required: boolean; schema: { pattern?: string } }[];
    expect(parties.map((p) => [p.name, p.required, p.schema.pattern])).toEqual([
      ["from", true, "^\\d{4}-\\d{2}-\\d{2}$"],
      ["to", true, "^\\d{4}-\\d{2}-\\d{2}$"],
    ]);
  });

  it("is served at /api/v1/openapi.json to anyone signed in, executors too", async () => {
    const get = (auth?: string) =>
      openApiRoute(new Request("http://localhost/api/v1/openapi.json", { headers: auth ? { Authorization: `Bearer ${auth}` } : {} }));
    expect((await get()).status).toBe(401);
    for (const who of [token, executorToken]) {
      const response = await get(who);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    }
  });

  it("refuses an answer it does not describe, naming the route and the mismatch", async () => {
    expect(env().PATCHPARTY_API_CONTRACT, "apiRoute checks every answer of these tests").toBe(true);
    const freeze = { id: "x", name: "Year end", startsAt: "2031-12-20T00:00:00.000Z", endsAt: "2032-01-03T00:00:00.000Z", reason: "Peak" };
    const wrong = Response.json({ ...freeze, name: 3, scope: "all", teams: [], revision: 1, createdAt: "2031-01-01T00:00:00.000Z" });
    await expect(checkAnswer(freezeRoute, wrong)).rejects.toThrow(
      /^GET \/api\/v1\/freezes\/\{id\} answered 200 with a body its OpenAPI schema refuses: body\/name must be string\. Body: \{"id":"x","name":3,/,
    );
    await expect(checkAnswer(freezeRoute, Response.json({ error: "x" }, { status: 418 }))).rejects.toThrow(
      "GET /api/v1/freezes/{id} answered 418, which its OpenAPI operation does not list",
    );
    await expect(checkAnswer(freezeRoute, new Response("x", { status: 404, headers: { "Content-Type": "text/plain" } }))).rejects.toThrow(
      'GET /api/v1/freezes/{id} answered 404 as "text/plain"; the document says application/json.',
    );
    await expect(checkAnswer(freezeRoute, Response.json({ error: "No freeze has that id." }, { status: 404 }))).resolves.toBeUndefined();
  });
});
