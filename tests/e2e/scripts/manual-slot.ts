// Drives the e2e server's database for the manual-outcomes test (tests/e2e/manual-outcomes.spec.ts):
// the party engine on a clock the test chooses, run by the manual executor, and a template whose
// run the manual executor started.
//   tsx tests/e2e/scripts/manual-slot.ts setup
//     → { partyId, tag, teamId, startsAt, members, reported }: a team of 12 non-production VMs in
//       group 1 and a QA party of their own in a far year; its group 1 slot has started (the members
//       it started wait for a person), and an automation has reported the last of them with its
//       packages and output.
//   tsx tests/e2e/scripts/manual-slot.ts tick <partyId> <teamId> <iso>
//     → one tick of that party's slots at <iso>, by the manual executor, scoped to the team.
//   tsx tests/e2e/scripts/manual-slot.ts qa-gate
//     → { tag }: a production party still to come (a far year) whose QA party is over, 40 VMs of a
//       team of their own in it, 2 failed (5 %, above the 2 % threshold): the QA gate's case on any
//       day (the demo's next production party may have started, or its QA not run yet).
//   tsx tests/e2e/scripts/manual-slot.ts template <teamId>
//     → { templateId }: five of the team's VMs as a template upgraded now to 2.0.0 by the manual
//       executor; one member reported failed by an automation.
import { randomBytes } from "node:crypto";
import type { CurrentUser } from "../../../lib/auth/permissions";
import { useDatabaseUrl } from "../../../lib/env";
import { e2eDatabaseUrl } from "./e2e-database";
import { db, disconnectDb } from "../../../lib/db";
import { decideChange, openTemplateChange } from "../../../lib/data/change-requests";
import { reportExecution } from "../../../lib/data/executions";
import { createPolicy } from "../../../lib/data/policies";
import { createTemplate, updateTemplate, upgradeNow } from "../../../lib/data/templates";
import { tick as tickTemplates } from "../../../lib/rollout/engine";
import { manualExecutor } from "../../../lib/rollout/executors";
import { tickParties } from "../../../lib/rollout/party-engine";
import { PolicyInputSchema } from "../../../lib/validation/policies";
import { TemplateCreateSchema } from "../../../lib/validation/templates";

useDatabaseUrl(e2eDatabaseUrl());
const [command, ...args] = process.argv.slice(2);

const OUTPUT = [
  "Reading package lists...",
  "Building dependency tree...",
  "The following packages will be upgraded:",
  "  libssl3 openssl",
  "2 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.",
  "Unpacking openssl (3.0.15-1~deb12u1) over (3.0.14-1~deb12u2) ...",
  "Setting up libssl3:amd64 (3.0.15-1~deb12u1) ...",
  "Setting up openssl (3.0.15-1~deb12u1) ...",
  "*** System restart required ***",
].join("\n");

async function user(email: string): Promise<CurrentUser> {
  const row = await db.user.findUniqueOrThrow({
    where: { email },
    select: { id: true, email: true, name: true, role: true, memberships: { select: { teamId: true } } },
  });
  return { id: row.id, email: row.email, name: row.name, role: row.role, teamIds: row.memberships.map((m) => m.teamId) };
}

async function setup() {
  const p = randomBytes(3).toString("hex");
  const team = await db.team.create({ data: { slug: `man-${p}`, name: `Manual ${p}` } });
  const service = await db.service.create({ data: { name: `man-${p}-svc`, teamId: team.id } });
  const members = Array.from({ length: 12 }, (_, i) => `man-${p}-vm${String(i + 1).padStart(2, "0")}`);
  await db.resource.createMany({
    data: members.map((name) => ({
      name,
      kind: "VM" as const,
      environment: "NON_PRODUCTION" as const,
      teamId: team.id,
      serviceId: service.id,
      patchGroup: 1,
      version: "12.7",
    })),
  });
  const year = 7000 + Math.floor(Math.random() * 999);
  const startsAt = new Date(Date.UTC(year, 1, 14, 9));
  const endsAt = new Date(startsAt.getTime() + 4 * 3_600_000);
  const party = await db.party.create({
    data: { tag: `${year}-Q1`, kind: "QA", localDate: `${year}-02-14`, timeZone: "UTC", startsAt, endsAt, slots: { create: [{ group: 1, startsAt, endsAt }] } },
  });
  await tickParties(startsAt, manualExecutor, { partyIds: [party.id], teamIds: [team.id] });
  // The last member started was patched by the team's own automation, which reported through the API.
  const last = await db.execution.findFirstOrThrow({ where: { partyId: party.id }, orderBy: { memberName: "desc" }, select: { key: true, memberName: true } });
  await reportExecution(
    last.key,
    {
      state: "succeeded",
      exitStatus: 0,
      output: OUTPUT,
      packages: [
        { name: "openssl", from: "3.0.14-1~deb12u2", to: "3.0.15-1~deb12u1" },
        { name: "libssl3", from: "3.0.14-1~deb12u2", to: "3.0.15-1~deb12u1" },
      ],
      rebootRequired: true,
      rebooted: true,
      healthCheck: "passed",
      message: "Upgraded 2 packages and rebooted.",
    },
    "automation@example.com",
    new Date(startsAt.getTime() + 30_000),
  );
  return { partyId: party.id, tag: party.tag, teamId: team.id, startsAt: startsAt.toISOString(), members, reported: last.memberName };
}

async function qaGate() {
  const p = randomBytes(3).toString("hex");
  const team = await db.team.create({ data: { slug: `gate-${p}`, name: `Gate ${p}` } });
  const service = await db.service.create({ data: { name: `gate-${p}-svc`, teamId: team.id } });
  const names = Array.from({ length: 40 }, (_, i) => `gate-${p}-vm${String(i + 1).padStart(2, "0")}`);
  await db.resource.createMany({
    data: names.map((name) => ({ name, kind: "VM" as const, environment: "NON_PRODUCTION" as const, teamId: team.id, serviceId: service.id, patchGroup: 1 })),
  });
  const year = 8000 + Math.floor(Math.random() * 999);
  const tag = `${year}-Q1`;
  // The QA party long over (its dates in 2001, so no "latest quarter" is it); production in its far year.
  const qaStart = new Date(Date.UTC(2001, 1, 14, 9));
  const qaEnd = new Date(qaStart.getTime() + 4 * 3_600_000);
  const prodStart = new Date(Date.UTC(year, 1, 28, 9));
  const prodEnd = new Date(prodStart.getTime() + 4 * 3_600_000);
  const qa = await db.party.create({
    data: {
      tag,
      kind: "QA",
      localDate: "2001-02-14",
      timeZone: "UTC",
      startsAt: qaStart,
      endsAt: qaEnd,
      status: "COMPLETED",
      slots: { create: [{ group: 1, startsAt: qaStart, endsAt: qaEnd }] },
    },
  });
  await db.party.create({
    data: {
      tag,
      kind: "PRODUCTION",
      localDate: `${year}-02-28`,
      timeZone: "UTC",
      startsAt: prodStart,
      endsAt: prodEnd,
      slots: { create: [{ group: 1, startsAt: prodStart, endsAt: prodEnd }] },
    },
  });
  const resources = await db.resource.findMany({ where: { teamId: team.id }, orderBy: { name: "asc" }, select: { id: true } });
  await db.patchOutcome.createMany({
    data: resources.map((r, i) => ({
      resourceId: r.id,
      partyId: qa.id,
      group: 1,
      status: i < 2 ? ("FAILED" as const) : ("PATCHED" as const),
      message: i < 2 ? "dpkg was interrupted" : null,
      startedAt: qaStart,
      finishedAt: new Date(qaStart.getTime() + 600_000),
    })),
  });
  return { tag };
}

async function tick(partyId: string, teamId: string, at: string) {
  const ticks = await tickParties(new Date(at), manualExecutor, { partyIds: [partyId], teamIds: [teamId] });
  return ticks.map((r) => ({ state: r.state, started: r.started, patched: r.patched, failed: r.failed }));
}

async function template(teamId: string) {
  const [admin, approver] = [await user("admin@example.com"), await user("approver@example.com")];
  const names = (await db.resource.findMany({ where: { teamId }, orderBy: { name: "asc" }, take: 5, select: { name: true } })).map((r) => r.name);
  const now = new Date();
  const must = <T>(outcome: { ok: true; value: T } | { ok: false; message: string }) => {
    if (!outcome.ok) throw new Error(outcome.message);
    return outcome.value;
  };
  const policy = must(
    await createPolicy(
      admin,
      PolicyInputSchema.parse({ name: `Manual policy ${teamId}`, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }] }),
      now,
    ),
  );
  const made = must(
    await createTemplate(
      admin,
      TemplateCreateSchema.parse({ name: `Manual fleet ${teamId.slice(-6)}`, policyId: policy.id, targetVersion: "1.0.0", members: names }),
      now,
    ),
  );
  must(await updateTemplate(admin, made.id, { targetVersion: "2.0.0" }, now));
  const change = must(await openTemplateChange(admin, made.id, now));
  must(await decideChange(admin, change.id, "submit", {}, now));
  must(await decideChange(approver, change.id, "approve", { comment: "CAB: go" }, now));
  must(await upgradeNow(admin, made.id, now));
  await tickTemplates(now, manualExecutor, { templateIds: [made.id] });
  const first = await db.execution.findFirstOrThrow({ where: { templateId: made.id, memberName: names[0] }, select: { key: true } });
  await reportExecution(
    first.key,
    {
      state: "failed",
      exitStatus: 100,
      output: "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)",
      message: "dpkg is locked by unattended-upgrades",
      healthCheck: null,
    },
    "automation@example.com",
    new Date(now.getTime() + 1000),
  );
  return { templateId: made.id };
}

try {
  const result =
    command === "setup"
      ? await setup()
      : command === "tick"
        ? await tick(args[0]!, args[1]!, args[2]!)
        : command === "template"
          ? await template(args[0]!)
          : command === "qa-gate"
            ? await qaGate()
            : null;
  if (result === null) throw new Error(`Unknown command "${command}": use setup, tick, template or qa-gate.`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await disconnectDb();
}
