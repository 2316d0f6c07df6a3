import { quickAddJob, runOnce } from "graphile-worker";
import pg from "pg";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { expireExclusions } from "@/lib/data/exclusion-expiry";
import { db } from "@/lib/db";
import { requestRolloutTick } from "@/lib/jobs/enqueue";
import { SCHEMA_LOCK } from "@/lib/jobs/schema-lock";
import { taskList } from "@/lib/jobs/tasks";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate, updateTemplate, upgradeNow } from "@/lib/data/templates";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { approveUpgrade } from "./fixtures/changes";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;
const NOW = new Date("2026-11-25T10:00:00Z");

beforeEach(async () => {
  f = await makeFleet();
});

async function excludeUntil(id: string, until: Date) {
  await db.resource.update({
    where: { id },
    data: { excluded: true, exclusionReason: "Freeze", exclusionUntil: until, excludedAt: new Date("2026-11-01T00:00:00Z"), excludedById: f.owner.id },
  });
}

describe("exclusion expiry", () => {
  it("includes again, once, the resources whose exclusion has ended, and audits it as the scheduler", async () => {
    await excludeUntil(f.web.id, new Date("2026-11-25T09:59:59Z"));
    await excludeUntil(f.other.id, new Date("2026-11-26T00:00:00Z"));
    const runs = await Promise.all([expireExclusions(NOW), expireExclusions(NOW), expireExclusions(NOW)]);
    expect(runs.flat().filter((n) => n.startsWith(f.prefix))).toEqual([f.web.name]);
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.web.id } })).toMatchObject({
      excluded: false,
      exclusionReason: null,
      patchGroup: 2,
      revision: 2,
    });
    expect((await db.resource.findUniqueOrThrow({ where: { id: f.other.id } })).excluded).toBe(true);
    const audit = await db.auditEvent.findMany({ where: { entityId: f.web.id } });
    expect(audit).toMatchObject([
      { action: "resource.expire", actorLabel: "scheduler", actorId: null, before: { excluded: true, reason: "Freeze" }, after: { excluded: false, group: 2 } },
    ]);
  });

  it("runs as a graphile-worker job", async () => {
    await excludeUntil(f.web.id, new Date(Date.now() - 60_000));
    const connectionString = inject("databaseUrl");
    await quickAddJob({ connectionString }, "expire_exclusions", {});
    await runOnce({ connectionString, taskList, logger: undefined });
    expect((await db.resource.findUniqueOrThrow({ where: { id: f.web.id } })).excluded).toBe(false);
  });
});

describe("rollout tick", () => {
  it('runs as a graphile-worker job: "Upgrade now" starts members at once and queues the next tick', async () => {
    const connectionString = inject("databaseUrl");
    const policy = await createPolicy(
      f.admin,
      PolicyInputSchema.parse({ name: `${f.prefix}-p`, tags: "", schedules: [{ name: "Monthly", preset: "monthly-1st", windowHours: 2 }] }),
      NOW,
    );
    if (!policy.ok) throw new Error(policy.message);
    const template = await createTemplate(
      f.admin,
      TemplateCreateSchema.parse({ name: `${f.prefix}-t`, policyId: policy.value.id, targetVersion: "1.0.0", members: [f.web.name, f.cluster.name] }),
      NOW,
    );
    if (!template.ok) throw new Error(template.message);
    expect((await updateTemplate(f.admin, template.value.id, { targetVersion: "1.1.0" }, new Date())).ok).toBe(true);
    await approveUpgrade(f, template.value.id, new Date());
    expect((await upgradeNow(f.admin, template.value.id, new Date())).ok).toBe(true);

    await runOnce({ connectionString, taskList, logger: undefined }); // installs the schema if this test runs first
    expect(await requestRolloutTick()).toBe(true);
    await runOnce({ connectionString, taskList, logger: undefined });
    expect(await db.upgradeAttempt.count({ where: { run: { templateId: template.value.id }, status: "RUNNING" } })).toBe(2);
    expect(await db.templateMember.count({ where: { templateId: template.value.id, state: "UPGRADING" } })).toBe(2);
    const queued = await db.$queryRaw<{ run_at: Date }[]>`SELECT run_at FROM graphile_worker.jobs WHERE key = 'rollout_tick'`;
    expect(queued).toHaveLength(1);
    expect(queued[0]!.run_at.getTime()).toBeGreaterThan(Date.now());
  });

  it("waits while a worker installs the job runner's schema (a job added mid-install deadlocked the installer)", async () => {
    const connectionString = inject("databaseUrl");
    await runOnce({ connectionString, taskList, logger: undefined }); // the schema exists
    const installer = new pg.Client({ connectionString });
    await installer.connect();
    try {
      await installer.query("SELECT pg_advisory_lock(hashtext($1))", [SCHEMA_LOCK]);
      let settled = false;
      const request = requestRolloutTick().then((ok) => ((settled = true), ok));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      await installer.query("SELECT pg_advisory_unlock(hashtext($1))", [SCHEMA_LOCK]);
      expect(await request).toBe(true);
    } finally {
      await installer.end();
    }
  });
});
