import { beforeEach, describe, expect, it } from "vitest";
import { createPolicy, deletePolicy, getPolicy, listPolicyWindows, storedSchedules, updatePolicy, previewWindows } from "@/lib/data/policies";
import { db } from "@/lib/db";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { makeFleet } from "./fixtures/fleet";

const NOW = new Date("2026-11-25T10:00:00Z");
let f: Awaited<ReturnType<typeof makeFleet>>;

beforeEach(async () => {
  f = await makeFleet();
});

const input = (name: string, schedules: unknown[] = [{ name: "Sundays", preset: "weekly-sunday", windowHours: 4 }]) =>
  PolicyInputSchema.parse({ name, tags: "k8s, emea, k8s", schedules });

describe("maintenance policies", () => {
  it("the calendar's windows come from every policy, however many there are", async () => {
    // A bug: the windows were read from the first 200 policies by id, so the 201st policy's windows
    // (and its templates' conflicts) were silently missing. Pad with policies that sort first.
    const padding = Array.from({ length: 201 }, (_, i) => ({ id: `0-${f.prefix}-${String(i).padStart(3, "0")}`, name: `${f.prefix}-pad-${i}` }));
    await db.maintenancePolicy.createMany({ data: padding });
    try {
      const created = await createPolicy(f.admin, input(`${f.prefix}-late`), NOW);
      if (!created.ok) throw new Error(created.message);
      const windows = await listPolicyWindows(new Date("2026-11-29T00:00:00Z"), new Date("2026-12-07T00:00:00Z"));
      expect(windows.filter((w) => w.policyId === created.value.id).map((w) => w.start.toISOString())).toEqual([
        "2026-11-29T00:00:00.000Z",
        "2026-12-06T00:00:00.000Z",
      ]);
    } finally {
      await db.maintenancePolicy.deleteMany({ where: { id: { in: padding.map((p) => p.id) } } });
    }
  });

  it("creating, editing and deleting are admin permissions, each checked", async () => {
    for (const who of [f.viewer, f.owner, f.approver]) {
      expect(await createPolicy(who, input(`${f.prefix}-p`), NOW)).toMatchObject({ ok: false, status: 403 });
    }
    const created = await createPolicy(f.admin, input(`${f.prefix}-p`), NOW);
    if (!created.ok) throw new Error(created.message);
    expect(await updatePolicy(f.owner, created.value.id, input(`${f.prefix}-p2`), NOW)).toMatchObject({ ok: false, status: 403 });
    expect(await deletePolicy(f.viewer, created.value.id, NOW)).toMatchObject({ ok: false, status: 403 });
    const policy = await getPolicy(created.value.id);
    expect(policy).toMatchObject({ name: `${f.prefix}-p`, tags: ["k8s", "emea"], schedules: [{ name: "Sundays", preset: "weekly-sunday", windowHours: 4 }] });
    expect(
      previewWindows(storedSchedules(policy!), NOW)
        .map((w) => w.start.toISOString())
        .slice(0, 2),
    ).toEqual(["2026-11-29T00:00:00.000Z", "2026-12-06T00:00:00.000Z"]);
    expect(await db.auditEvent.count({ where: { entityId: created.value.id, action: "policy.create" } })).toBe(1);
  });

  it("names are unique; schedule names are unique within a policy; windows are 1–24 hours", async () => {
    expect((await createPolicy(f.admin, input(`${f.prefix}-dup`), NOW)).ok).toBe(true);
    expect(await createPolicy(f.admin, input(`${f.prefix}-dup`), NOW)).toMatchObject({
      ok: false,
      status: 409,
      message: `A policy named "${f.prefix}-dup" already exists.`,
    });
    const twice = PolicyInputSchema.safeParse({
      name: "x",
      tags: "",
      schedules: [
        { name: "A", preset: "biweekly", windowHours: 2 },
        { name: "a", preset: "monthly-1st", windowHours: 2 },
      ],
    });
    expect(twice.error?.issues[0]).toMatchObject({ path: ["schedules", 1, "name"], message: 'Another schedule of this policy is already named "a".' });
    expect(
      PolicyInputSchema.safeParse({ name: "x", tags: "", schedules: [{ name: "A", preset: "biweekly", windowHours: 25 }] }).error?.issues[0]?.message,
    ).toBe("The window is at most 24 hours.");
    const custom = PolicyInputSchema.safeParse({
      name: "x",
      tags: "",
      schedules: [
        { name: "A", preset: "custom", windowHours: 2, custom: { minutes: "0", hours: "24", weekdays: "every", monthDays: "every", months: "every" } },
      ],
    });
    expect(custom.error?.issues[0]?.message).toBe('hours: "24" is not within 0–23 (write e.g. 0, 1-3 or every)');
  });

  it("a policy linked to a template keeps a schedule and cannot be deleted; stale edits are refused", async () => {
    const created = await createPolicy(f.admin, input(`${f.prefix}-linked`), NOW);
    if (!created.ok) throw new Error(created.message);
    await db.template.create({ data: { name: `${f.prefix}-template`, policyId: created.value.id, targetVersion: "1.0.0" } });
    expect(await updatePolicy(f.admin, created.value.id, input(`${f.prefix}-linked`, []), NOW)).toMatchObject({ ok: false, status: 409, code: "linked" });
    expect(await deletePolicy(f.admin, created.value.id, NOW)).toMatchObject({
      ok: false,
      status: 409,
      message: expect.stringContaining(`${f.prefix}-template`),
    });
    const edit = { ...input(`${f.prefix}-linked`, [{ name: "Firsts", preset: "monthly-1st", windowHours: 6 }]), revision: 1 };
    expect((await updatePolicy(f.admin, created.value.id, edit, NOW)).ok).toBe(true);
    expect(await updatePolicy(f.admin, created.value.id, edit, NOW)).toMatchObject({ ok: false, status: 409, code: "conflict" });
    expect((await getPolicy(created.value.id))?.schedules.map((s) => s.name)).toEqual(["Firsts"]);
    await db.template.deleteMany({ where: { policyId: created.value.id } });
    expect((await deletePolicy(f.admin, created.value.id, NOW)).ok).toBe(true);
    expect(await getPolicy(created.value.id)).toBeNull();
  });
});
