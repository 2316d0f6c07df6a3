// 50 people edit one resource at the same moment, each from the revision they read: for every
// revision exactly one edit wins, the others are told 409, nothing is lost, and the audit has one
// row per change that happened (issue 8, "Concurrency").
import { beforeEach, describe, expect, it } from "vitest";
import { PATCH } from "@/app/api/v1/resources/[name]/route";
import { DELETE, PUT } from "@/app/api/v1/resources/[name]/exclusion/route";
import { createApiToken } from "@/lib/data/api-tokens";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";

const CLIENTS = 50;
let f: Awaited<ReturnType<typeof makeFleet>>;
let token: string;

beforeEach(async () => {
  f = await makeFleet();
  token = (await createApiToken(f.admin.id, { name: "concurrency", scope: "write", days: 90 }, { id: null, label: "test" })).secret;
});

const request = (method: string, name: string, revision: number | null, body: unknown) =>
  new Request(`http://localhost/api/v1/resources/${name}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(revision === null ? {} : { "If-Match": `"${revision}"` }) },
    body: JSON.stringify(body),
  });
const params = (name: string) => ({ params: Promise.resolve({ name }) });
const revisionOf = async (name: string) => (await db.resource.findUniqueOrThrow({ where: { name }, select: { revision: true } })).revision;

describe("50 concurrent conflicting edits of one resource", () => {
  it("exactly one wins per revision, the rest get 409, and the audit matches what happened", async () => {
    const name = f.web.name; // standalone, group 2
    const auditBefore = await db.auditEvent.count({ where: { entityId: f.web.id } });
    const winners: string[] = [];
    const rounds = [
      // Everyone moves it to a group of their own choosing.
      (i: number, revision: number) => PATCH(request("PATCH", name, revision, { group: (i % 3) + 1 === 2 ? 1 : (i % 3) + 1 }), params(name)),
      // Everyone excludes it, each with their own reason.
      (i: number, revision: number) => PUT(request("PUT", `${name}/exclusion`, revision, { reason: `Client ${i} excludes it` }), params(name)),
      // Everyone includes it again, into group 3.
      (i: number, revision: number) => DELETE(request("DELETE", `${name}/exclusion`, revision, { group: 3 }), params(name)),
    ];
    for (const round of rounds) {
      const revision = await revisionOf(name);
      const responses = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => round(i, revision)));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(CLIENTS - 1);
      const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ error?: string; revision?: number }>));
      expect(bodies.filter((b) => b.error).every((b) => /changed|since you loaded|revision/i.test(b.error!))).toBe(true);
      expect(await revisionOf(name)).toBe(revision + 1); // no edit lost, none applied twice
      winners.push(JSON.stringify(bodies.find((b) => !b.error)));
    }
    const after = await db.resource.findUniqueOrThrow({ where: { name } });
    expect(after).toMatchObject({ excluded: false, patchGroup: 3 });
    // One audit row and one exclusion-history event per change that happened.
    const audit = await db.auditEvent.findMany({ where: { entityId: f.web.id }, orderBy: { at: "asc" }, select: { action: true } });
    expect(audit.slice(auditBefore).map((a) => a.action)).toEqual(["resource.regroup", "resource.exclude", "resource.include"]);
    const history = await db.exclusionEvent.findMany({ where: { resourceId: f.web.id }, orderBy: { at: "asc" }, select: { action: true } });
    expect(history.map((h) => h.action)).toEqual(["REGROUP", "EXCLUDE", "INCLUDE"]);
  });

  it("without a revision every edit is applied, each exactly once, one after another", async () => {
    const name = f.web.name;
    const revision = await revisionOf(name);
    const auditBefore = await db.auditEvent.count({ where: { entityId: f.web.id } });
    const responses = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) =>
        i % 2 === 0
          ? PUT(request("PUT", `${name}/exclusion`, null, { reason: `Client ${i} excludes it` }), params(name))
          : DELETE(request("DELETE", `${name}/exclusion`, null, { group: 3 }), params(name)),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(CLIENTS).fill(200));
    // Every change once: fifty revisions, and each client's own exclusion reason in the audit.
    expect(await revisionOf(name)).toBe(revision + CLIENTS);
    const audit = await db.auditEvent.findMany({ where: { entityId: f.web.id }, orderBy: { id: "asc" }, select: { action: true, reason: true } });
    const excluded = audit.slice(auditBefore).filter((a) => a.action === "resource.exclude");
    expect(audit.length - auditBefore).toBe(CLIENTS);
    expect(excluded.map((a) => a.reason).sort()).toEqual(Array.from({ length: CLIENTS / 2 }, (_, i) => `Client ${2 * i} excludes it`).sort());
    expect(await db.exclusionEvent.count({ where: { resourceId: f.web.id } })).toBe(CLIENTS);
  });
});
