// Issue 16, point 5: a party slot that patches servers of a template while one of its upgrade
// windows is open is listed as a conflict, with a fix, in the API.
import { beforeEach, describe, expect, it } from "vitest";
import { GET as conflictsRoute } from "@/app/api/v1/conflicts/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { findConflicts } from "@/lib/data/conflicts";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
let token: string;
const NOW = new Date("2027-01-10T00:00:00Z");

beforeEach(async () => {
  f = await makeFleet();
  token = (await createApiToken(f.viewer.id, { name: "test", scope: "read", days: 90 }, { id: null, label: "test" })).secret;
});

/** Sunday 00:00–08:00 UTC windows, for a template of the fleet's cluster (three nodes, groups 1–3) and its web server (group 2). */
async function sundayTemplate() {
  const policy = await createPolicy(
    f.admin,
    PolicyInputSchema.parse({ name: `${f.prefix}-sundays`, tags: "", schedules: [{ name: "Sunday night", preset: "weekly-sunday", windowHours: 8 }] }),
    NOW,
  );
  if (!policy.ok) throw new Error(policy.message);
  const template = await createTemplate(
    f.admin,
    TemplateCreateSchema.parse({ name: `${f.prefix}-kafka`, policyId: policy.value.id, targetVersion: "3.7.0", members: [f.cluster.name, f.web.name] }),
    NOW,
  );
  if (!template.ok) throw new Error(template.message);
  return template.value.id;
}

describe("conflicts", () => {
  it("a production party's group 1 slot inside a Sunday window of a template whose cluster has a node in group 1", async () => {
    const templateId = await sundayTemplate();
    // The rule's 2027-Q1 production party: Sunday 7 March 2027, group 1 06:00–10:00 Paris (05:00–09:00 UTC).
    const { windows } = await findConflicts(new Date("2027-03-01T00:00:00Z"), new Date("2027-03-15T00:00:00Z"), NOW, null, { templateId });
    const mine = windows.filter((c) => c.template.id === templateId);
    expect(mine.map((c) => `${c.party.tag} ${c.party.kind} G${c.group}`)).toEqual(["2027-Q1 production G1"]);
    expect(mine[0]).toMatchObject({
      servers: 1,
      names: [f.nodes[0]!.name],
      window: { schedule: "Sunday night", startsAt: new Date("2027-03-07T00:00:00Z"), endsAt: new Date("2027-03-07T08:00:00Z") },
    });
    // Group 2's slot (09:00–13:00 UTC) misses the window: the fix says so.
    expect(mine[0]!.fix).toMatch(/^Move these servers to group 2 \(its slot, 09:00–13:00 UTC, misses the window\), or change the schedule of /);
    // Excluded servers are not patched: no conflict.
    await db.resource.update({ where: { id: f.nodes[0]!.id }, data: { excluded: true, exclusionReason: "Broker replaced" } });
    const after = await findConflicts(new Date("2027-03-01T00:00:00Z"), new Date("2027-03-15T00:00:00Z"), NOW, null, { templateId });
    expect(after.windows).toEqual([]);
  });

  it("GET /api/v1/conflicts lists them with the servers and the fix; bad ranges are refused", async () => {
    const templateId = await sundayTemplate();
    const get = (query: string) => conflictsRoute(new Request(`http://localhost/api/v1/conflicts${query}`, { headers: { Authorization: `Bearer ${token}` } }));
    const response = await get("?from=2027-03-01&to=2027-03-14");
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as {
      items: { kind: string; template?: { id: string }; party: { tag: string }; servers?: { count: number; names: string[] }; fix: string }[];
    };
    const mine = items.filter((i) => i.kind === "template-window" && i.template?.id === templateId);
    expect(mine).toEqual([
      expect.objectContaining({
        party: { tag: "2027-Q1", kind: "production" },
        group: 1,
        servers: { count: 1, names: [f.nodes[0]!.name] },
        fix: expect.any(String),
      }),
    ]);
    expect((await get("?from=2027-03-14&to=2027-03-01")).status).toBe(400);
    expect((await get("?from=2027-01-01&to=2028-12-31")).status).toBe(400);
    expect((await get("?from=2027-02-30")).status).toBe(400);
  });
});
