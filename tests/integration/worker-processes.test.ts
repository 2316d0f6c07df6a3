// Real `npm run worker` processes on the test database: two run a rollout at once, one is killed
// with SIGKILL in the middle of it, the other finishes it. Nobody upgrades a member twice.
import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, expect, inject, it } from "vitest";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate, updateTemplate, upgradeNow } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { requestRolloutTick } from "@/lib/jobs/enqueue";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { approveUpgrade } from "./fixtures/changes";
import { makeFleet } from "./fixtures/fleet";

const workers: ChildProcess[] = [];
afterEach(() => {
  for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
});

function startWorker() {
  // Node itself with tsx's loader (not the tsx launcher, which runs the script in a child): SIGKILL hits the worker.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: inject("databaseUrl"),
      PATCHPARTY_EXECUTOR: "simulated",
      PATCHPARTY_SIM_SECONDS: "2",
      PATCHPARTY_SIM_FAILURE_RATE: "0",
      PATCHPARTY_ROLLOUT_TICK_SECONDS: "1",
      PATCHPARTY_PARTY_ROLLOUTS: "off",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  workers.push(child);
  logs.push(output);
  return { child, output };
}

const logs: string[][] = [];

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until)
      throw new Error(`Timed out waiting for ${what}\n${logs.map((l, i) => `--- worker ${i + 1} ---\n${l.join("").slice(-2000)}`).join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

it("two worker processes share a rollout; one killed mid-way loses nothing and the other finishes it", async () => {
  const f = await makeFleet();
  const names = Array.from({ length: 40 }, (_, i) => `${f.prefix}-w${String(i).padStart(2, "0")}`);
  await db.cluster.createMany({ data: names.map((name) => ({ name })) });
  const policy = await createPolicy(
    f.admin,
    PolicyInputSchema.parse({ name: `${f.prefix}-p`, tags: "", schedules: [{ name: "Monthly", preset: "monthly-1st", windowHours: 1 }] }),
    new Date(),
  );
  if (!policy.ok) throw new Error(policy.message);
  const template = await createTemplate(
    f.admin,
    TemplateCreateSchema.parse({ name: `${f.prefix}-t`, policyId: policy.value.id, targetVersion: "1.0.0", concurrency: 4, members: names }),
    new Date(),
  );
  if (!template.ok) throw new Error(template.message);
  const id = template.value.id;
  expect((await updateTemplate(f.admin, id, { targetVersion: "2.0.0" }, new Date())).ok).toBe(true);
  await approveUpgrade(f, id, new Date());
  expect((await upgradeNow(f.admin, id, new Date())).ok).toBe(true);

  const a = startWorker();
  const b = startWorker();
  // Once a worker has installed its schema, ask for a tick now rather than at the next minute.
  await waitFor("the job runner's schema", requestRolloutTick, 30_000);
  const upgraded = () => db.templateMember.count({ where: { templateId: id, currentVersion: "2.0.0" } });
  await waitFor("the first upgrades", async () => (await upgraded()) >= 8, 30_000);

  const exited = a.child.exitCode !== null || a.child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => a.child.once("exit", resolve));
  expect(a.child.exitCode, "worker A was still running").toBeNull();
  a.child.kill("SIGKILL");
  await waitFor(
    "worker A to die",
    async () => (await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 200))])) as boolean,
    10_000,
  );
  expect(await upgraded()).toBeLessThan(40);

  await waitFor("the other worker to finish", async () => (await db.template.findUniqueOrThrow({ where: { id } })).state === "IN_SYNC", 60_000);
  b.child.kill("SIGTERM");

  expect(await upgraded()).toBe(40);
  const attempts = await db.upgradeAttempt.groupBy({ by: ["memberId"], where: { run: { templateId: id } }, _count: { _all: true } });
  expect(attempts).toHaveLength(40);
  expect(attempts.every((m) => m._count._all === 1)).toBe(true);
  expect(await db.upgradeAttempt.count({ where: { run: { templateId: id }, status: "SUCCEEDED" } })).toBe(40);
  expect(
    await db.auditEvent.count({
      where: {
        action: "template.member-upgraded",
        entityId: { in: (await db.templateMember.findMany({ where: { templateId: id }, select: { id: true } })).map((m) => m.id) },
      },
    }),
  ).toBe(40);
}, 180_000);
