// A tampered or mistyped cursor (issue 17) is a 400 with a message on every keyset-paginated list of
// the API, and an error on the resources page, never a 500; the cursors the lists give out still work.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const { previousUrl, session } = vi.hoisted(() => {
  const previousUrl = process.env.NEXTAUTH_URL;
  process.env.NEXTAUTH_URL = "https://patchparty.test"; // PORTAL, before the app reads it
  return { previousUrl, session: { userId: null as string | null, jar: null as Map<string, string> | null, headers: new Headers() } };
});
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => (await import("./fixtures/https-portal")).httpsHeaders(session));

import * as changesRoute from "@/app/api/v1/changes/route";
import * as executionsRoute from "@/app/api/v1/executions/route";
import * as membersRoute from "@/app/api/v1/templates/[id]/members/route";
import * as notificationsRoute from "@/app/api/v1/notifications/route";
import * as resourcesRoute from "@/app/api/v1/resources/route";
import * as usersRoute from "@/app/api/v1/users/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { createPolicy } from "@/lib/data/policies";
import { encodeCursor, listResourcePage } from "@/lib/data/resource-list";
import { createTemplate } from "@/lib/data/templates";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { filtersFromSearchParams } from "@/lib/validation/resources";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { makeFleet } from "./fixtures/fleet";
import { caller, route } from "./fixtures/requests";
import { PORTAL, restoreNextAuthUrl } from "./fixtures/https-portal";

let f: Awaited<ReturnType<typeof makeFleet>>;
let adminToken: string;
const call = caller(session, PORTAL);

beforeAll(async () => {
  f = await makeFleet();
  adminToken = (await createApiToken(f.admin.id, { name: "guards", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
});

afterAll(() => restoreNextAuthUrl(previousUrl));

describe("a tampered cursor is a 400 with a message, never a 500", () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const list = (query: string) => call(route(resourcesRoute, "GET"), "GET", `/api/v1/resources?${query}`, { token: adminToken });

  it("the resource list, every sort", async () => {
    const cases: [string, string][] = [
      ["group", b64(["abc", "y"])],
      ["group", encodeURIComponent(JSON.stringify(["abc", "y"]))],
      ["group", b64([1e12, "y"])],
      ["group", b64([1.5, "y"])],
      ["group", b64([1])],
      ["kind", b64(["NOT_A_KIND", "y"])],
      ["kind", b64([3, "y"])],
      ["environment", b64(["STAGING", "y"])],
      ["name", b64(["a\u0000b"])],
      ["name", b64([{ $ne: null }])],
      ["-name", b64(["x".repeat(301)])],
      ["lastPatched", b64(["abc", "y"])],
      ["lastPatched", b64(["2026-02-30T00:00:00.000Z", "y"])],
      ["-lastPatched", b64(["+275760-09-13T00:00:00.000Z", "y"])],
      ["-lastPatched", b64(["0000-01-01T00:00:00.000Z", "y"])],
      ["-lastPatched", b64([5, 6])],
      ["name", "!!!"],
      ["name", b64("just text")],
    ];
    for (const [sort, cursor] of cases) {
      const response = await list(`sort=${sort}&cursor=${cursor}`);
      expect(response.status, `${sort} ${cursor}`).toBe(400);
      expect((await response.json()).error).toMatch(/^cursor: /);
    }
  });

  it("a cursor the list gave out still works, in every sort", async () => {
    for (const sort of ["name", "-name", "group", "kind", "environment", "lastPatched", "-lastPatched"]) {
      const first = await (await list(`sort=${sort}&limit=1`)).json();
      expect(first.nextCursor, sort).toBeTruthy();
      expect((await list(`sort=${sort}&limit=1&cursor=${first.nextCursor}`)).status, sort).toBe(200);
    }
    expect((await list(`sort=lastPatched&cursor=${encodeCursor(["never", "a"])}`)).status).toBe(200);
  });

  it("the resources page shows an error, not a 500", async () => {
    const query = filtersFromSearchParams({ sort: "group", cursor: b64(["abc", "y"]) });
    const { sort, cursor, limit, ...filters } = query;
    expect(await listResourcePage(filters, null, sort, cursor, limit)).toEqual({ error: expect.stringMatching(/^cursor: /) });
  });

  it("the other lists: changes, notices, executions, a template's members, people", async () => {
    const policy = await createPolicy(
      f.admin,
      PolicyInputSchema.parse({ name: `${f.prefix}-guards`, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }] }),
      new Date(),
    );
    if (!policy.ok) throw new Error(policy.message);
    const made = await createTemplate(
      f.admin,
      TemplateCreateSchema.parse({ name: `${f.prefix}-guards`, policyId: policy.value.id, targetVersion: "1.0.0", members: [f.cluster.name] }),
      new Date(),
    );
    if (!made.ok) throw new Error(made.message);
    const calls: [string, Promise<Response>][] = [
      ["changes", call(route(changesRoute, "GET"), "GET", "/api/v1/changes?cursor=abc_def", { token: adminToken })],
      ["notices", call(route(notificationsRoute, "GET"), "GET", `/api/v1/notifications?cursor=${encodeURIComponent("1_\u0000")}`, { token: adminToken })],
      [
        "executions",
        call(route(executionsRoute, "GET"), "GET", `/api/v1/executions?party=2026-Q1&kind=qa&cursor=${encodeURIComponent("a|\u0000")}`, { token: adminToken }),
      ],
      [
        "members",
        call(route(membersRoute, "GET"), "GET", `/api/v1/templates/x/members?after=${encodeURIComponent("a\u0000")}`, {
          token: adminToken,
          params: { id: made.value.id },
        }),
      ],
      ["people", call(route(usersRoute, "GET"), "GET", `/api/v1/users?after=${encodeURIComponent("a\u0000@x")}`, { token: adminToken })],
    ];
    for (const [what, pending] of calls) {
      const response = await pending;
      expect(response.status, what).toBe(400);
      expect((await response.json()).error, what).toBeTruthy();
    }
  });
});
