// Two worker instances tick the same fleet through a simulated year of weekly windows, a new
// version every week: every window has its run, every member is upgraded exactly once per
// window, and none twice (issue 8, "Concurrency"). The clock is the test's.
import { beforeEach, describe, expect, it } from "vitest";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate, updateTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { tick } from "@/lib/rollout/engine";
import { simulatedExecutor } from "@/lib/rollout/simulated";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { approveUpgrade } from "./fixtures/changes";
import { makeFleet } from "./fixtures/fleet";

const MINUTE = 60_000;
const WEEK = 7 * 86_400_000;
const START = new Date("2027-01-04T12:00:00Z"); // a Monday; windows open on Sundays at midnight
const FIRST_WINDOW = new Date("2027-01-10T00:00:00Z");
const MEMBERS = 30;
const WEEKS = 52;

let f: Awaited<ReturnType<typeof makeFleet>>;
beforeEach(async () => {
  f = await makeFleet();
});

describe("two workers over a simulated year", () => {
  it("upgrade every member once in each of 52 weekly windows, never twice, missing no window", { timeout: 240_000 }, async () => {
    const names = Array.from({ length: MEMBERS }, (_, i) => `${f.prefix}-y${String(i).padStart(2, "0")}`);
    await db.cluster.createMany({ data: names.map((name) => ({ name })) });
    const policy = await createPolicy(
      f.admin,
      PolicyInputSchema.parse({ name: `${f.prefix}-weekly`, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 3 }] }),
      START,
    );
    if (!policy.ok) throw new Error(policy.message);
    const created = await createTemplate(
      f.admin,
      TemplateCreateSchema.parse({ name: `${f.prefix}-year`, policyId: policy.value.id, targetVersion: "1.0.0", concurrency: 10, members: names }),
      START,
    );
    if (!created.ok) throw new Error(created.message);
    const id = created.value.id;
    const workers = [
      simulatedExecutor({ durationSeconds: 600, failureRate: 0, jitter: 0.5 }),
      simulatedExecutor({ durationSeconds: 600, failureRate: 0, jitter: 0.5 }),
    ];

    for (let week = 0; week < WEEKS; week++) {
      const window = new Date(FIRST_WINDOW.getTime() + week * WEEK);
      const bumpAt = new Date(window.getTime() - 2 * 86_400_000);
      const version = `1.${week + 1}.0`;
      const bumped = await updateTemplate(f.admin, id, { targetVersion: version }, bumpAt);
      if (!bumped.ok) throw new Error(`week ${week + 1}: ${bumped.message}`);
      await approveUpgrade(f, id, bumpAt);
      // Both workers tick every 15 minutes through the window, at the same instants.
      for (let t = 0; t <= 180; t += 15) {
        const now = new Date(window.getTime() + t * MINUTE);
        await Promise.all(workers.map((executor) => tick(now, executor, { templateIds: [id] })));
      }
    }

    const runs = await db.upgradeRun.findMany({
      where: { templateId: id },
      orderBy: { windowStart: "asc" },
      select: { id: true, version: true, windowStart: true, state: true, _count: { select: { attempts: true } } },
    });
    expect(runs).toHaveLength(WEEKS); // no window missed, none run twice
    runs.forEach((run, week) => {
      expect(run).toMatchObject({ version: `1.${week + 1}.0`, windowStart: new Date(FIRST_WINDOW.getTime() + week * WEEK), state: "COMPLETED" });
      expect(run._count.attempts).toBe(MEMBERS); // each member once in each window
    });
    const doubles = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (SELECT a."memberId", a."toVersion" FROM "UpgradeAttempt" a JOIN "UpgradeRun" u ON u.id = a."runId" WHERE u."templateId" = ${id} GROUP BY 1, 2 HAVING count(*) > 1) d`;
    expect(Number(doubles[0]!.n)).toBe(0); // no member upgraded twice to the same version
    expect(await db.templateMember.count({ where: { templateId: id, currentVersion: `1.${WEEKS}.0` } })).toBe(MEMBERS);
  });
});
