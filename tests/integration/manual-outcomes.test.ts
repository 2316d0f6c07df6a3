// Manual outcomes (issue 15, point 2): with the manual executor nothing runs, and operators record
// each member's outcome on the party slot's or the template's page — a selection, or a CSV file.
// The engines start the members; the actions record; the next tick turns what was recorded into
// patch outcomes and member versions. Owners record only their team's members; an outcome is
// recorded once; a CSV is recorded whole or not at all.
import { beforeEach, describe, expect, it, vi } from "vitest";

const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("next/headers", async () => {
  const { cookieStore, sessionCookies } = await import("./fixtures/session");
  return { cookies: async () => cookieStore(await sessionCookies(session.userId)), headers: async () => new Headers() };
});

import { importManualOutcomesAction, recordManualOutcomesAction } from "@/lib/actions/manual-outcomes";
import type { FormResult } from "@/lib/actions/result";
import type { CurrentUser } from "@/lib/auth/permissions";
import type { CsvError } from "@/lib/data/csv";
import { createPolicy } from "@/lib/data/policies";
import { createTemplate, updateTemplate } from "@/lib/data/templates";
import { db } from "@/lib/db";
import { tick } from "@/lib/rollout/engine";
import { manualExecutor } from "@/lib/rollout/executors";
import { tickParties } from "@/lib/rollout/party-engine";
import { PolicyInputSchema } from "@/lib/validation/policies";
import { TemplateCreateSchema } from "@/lib/validation/templates";
import { approveUpgrade } from "./fixtures/changes";
import { makeFleet } from "./fixtures/fleet";
import { EXECUTION_TEST_SLOTS, keepPartyRule, setSlotSettings } from "./fixtures/party-rule";
import { createQaParty } from "./fixtures/qa-party";

keepPartyRule();

const MINUTE = 60_000;
let f: Awaited<ReturnType<typeof makeFleet>>;

beforeEach(async () => {
  f = await makeFleet();
  // Four QA members of team A and two of team B in group 1; the fleet's own resources stay out.
  await db.resource.createMany({
    data: [
      ...Array.from({ length: 4 }, (_, i) => ({ name: `${f.prefix}-a${i}`, teamId: f.teamA.id })),
      ...Array.from({ length: 2 }, (_, i) => ({ name: `${f.prefix}-b${i}`, teamId: f.teamB.id })),
    ].map((r) => ({ ...r, kind: "VM" as const, environment: "NON_PRODUCTION" as const, serviceId: f.web.serviceId, patchGroup: 1, version: "1.0" })),
  });
  await setSlotSettings(EXECUTION_TEST_SLOTS);
});

/** A QA party of its own in a far year; its group 1 slot has started: every member waits for a person. */
async function startedSlot() {
  const party = await createQaParty();
  const { startsAt } = party;
  const [first] = await tickParties(startsAt, manualExecutor, { partyIds: [party.id], teamIds: [f.teamA.id, f.teamB.id] });
  expect(first).toMatchObject({ state: "RUNNING", started: 6 });
  const executions = await db.execution.findMany({ where: { partyId: party.id }, orderBy: { memberName: "asc" } });
  const key = (name: string) => executions.find((e) => e.memberName === `${f.prefix}-${name}`)!.key;
  return {
    party,
    key,
    next: (minutes: number) =>
      tickParties(new Date(startsAt.getTime() + minutes * MINUTE), manualExecutor, { partyIds: [party.id], teamIds: [f.teamA.id, f.teamB.id] }),
  };
}

async function as<T>(user: CurrentUser, call: () => Promise<T>): Promise<T> {
  session.userId = user.id;
  try {
    return await call();
  } finally {
    session.userId = null;
  }
}

function form(fields: Record<string, string | string[] | File>) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const v of value) data.append(name, v);
    else data.set(name, value);
  }
  return data;
}

const slotFields = (tag: string) => ({ scope: "slot", tag, kind: "qa", group: "1" });
const record = (user: CurrentUser, fields: Record<string, string | string[]>) => as(user, () => recordManualOutcomesAction({ ok: false }, form(fields)));
const upload = (user: CurrentUser, target: Record<string, string>, csv: string) =>
  as(user, () =>
    importManualOutcomesAction({ ok: false } as FormResult<CsvError[]>, form({ ...target, file: new File([csv], "outcomes.csv", { type: "text/csv" }) })),
  );
const states = async (partyId: string) =>
  Object.fromEntries(
    (await db.execution.findMany({ where: { partyId }, select: { memberName: true, state: true } })).map((e) => [
      e.memberName.slice(f.prefix.length + 1),
      e.state,
    ]),
  );
const outcomes = async (partyId: string) =>
  Object.fromEntries(
    (await db.patchOutcome.findMany({ where: { partyId }, select: { status: true, message: true, resource: { select: { name: true } } } })).map((o) => [
      o.resource.name.slice(f.prefix.length + 1),
      [o.status, o.message],
    ]),
  );

describe("recording outcomes for a selection on the party slot's page", () => {
  it("an admin records a selection patched and one failed with its reason; the next tick makes them outcomes", async () => {
    const { party, key, next } = await startedSlot();
    expect(await record(f.admin, { ...slotFields(party.tag), key: [key("a0"), key("b1")], outcome: "patched" })).toMatchObject({
      ok: true,
      message: expect.stringContaining("2 patched"),
    });
    expect(await record(f.admin, { ...slotFields(party.tag), key: [key("a1")], outcome: "failed", reason: "Console shows a kernel panic" })).toMatchObject({
      ok: true,
      message: expect.stringContaining("1 failed"),
    });
    expect(await states(party.id)).toEqual({ a0: "SUCCEEDED", a1: "FAILED", a2: "QUEUED", a3: "QUEUED", b0: "QUEUED", b1: "SUCCEEDED" });
    const a0 = await db.execution.findUniqueOrThrow({ where: { key: key("a0") } });
    expect(a0).toMatchObject({ reportedBy: f.admin.email, message: null });
    expect(a0.finishedAt).not.toBeNull();

    // Nothing is an outcome until the engine reads them.
    expect(await outcomes(party.id)).toEqual({});
    await next(1);
    expect(await outcomes(party.id)).toEqual({ a0: ["PATCHED", null], a1: ["FAILED", "Console shows a kernel panic"], b1: ["PATCHED", null] });
    const patched = await db.resource.findFirstOrThrow({ where: { name: `${f.prefix}-a0` }, select: { lastOutcome: true, lastPatchTag: true } });
    expect(patched).toEqual({ lastOutcome: "PATCHED", lastPatchTag: party.tag });

    const audit = await db.auditEvent.findMany({
      where: { entityType: "execution", entityId: { in: [key("a0"), key("a1"), key("b1")] } },
      orderBy: { entityLabel: "asc" },
    });
    expect(audit.map((a) => [a.action, a.actorLabel, a.reason])).toEqual([
      ["execution.succeeded", f.admin.email, null],
      ["execution.failed", f.admin.email, "Console shows a kernel panic"],
      ["execution.succeeded", f.admin.email, null],
    ]);
  });

  it("an owner records their team's members, and is refused another team's: nothing of that selection is recorded", async () => {
    const { party, key } = await startedSlot();
    const refused = await record(f.owner, { ...slotFields(party.tag), key: [key("a0"), key("b0")], outcome: "patched" });
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/^You may not record outcomes for .*-b0/) });
    expect(await record(f.ownerB, { ...slotFields(party.tag), key: [key("a2")], outcome: "failed", reason: "Not mine" })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^You may not/),
    });
    expect(await record(f.viewer, { ...slotFields(party.tag), key: [key("a2")], outcome: "patched" })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^You may not/),
    });
    expect(Object.values(await states(party.id)).every((s) => s === "QUEUED")).toBe(true);
    expect(await db.auditEvent.count({ where: { entityType: "execution", entityId: { in: [key("a0"), key("b0"), key("a2")] } } })).toBe(0);

    expect(await record(f.owner, { ...slotFields(party.tag), key: [key("a0"), key("a2")], outcome: "patched" })).toMatchObject({ ok: true });
    expect(await record(f.ownerB, { ...slotFields(party.tag), key: [key("b0")], outcome: "failed", reason: "Disk full" })).toMatchObject({ ok: true });
    expect(await states(party.id)).toMatchObject({ a0: "SUCCEEDED", a2: "SUCCEEDED", b0: "FAILED", a1: "QUEUED" });
  });

  it("a member that has its outcome is refused (recorded once), and so is the rest of that selection", async () => {
    const { party, key, next } = await startedSlot();
    expect(await record(f.admin, { ...slotFields(party.tag), key: [key("a0")], outcome: "patched" })).toMatchObject({ ok: true });
    await next(1);
    const again = await record(f.admin, { ...slotFields(party.tag), key: [key("a3"), key("a0")], outcome: "failed", reason: "Changed my mind" });
    expect(again).toMatchObject({ ok: false, message: expect.stringMatching(/-a0 already has an outcome \(succeeded\); an outcome is recorded once/) });
    expect(await states(party.id)).toMatchObject({ a0: "SUCCEEDED", a3: "QUEUED" });
    expect(await outcomes(party.id)).toEqual({ a0: ["PATCHED", null] });
  });

  it("refuses a failure without a reason, a key of another slot, and an empty selection", async () => {
    const { party, key } = await startedSlot();
    const other = await startedSlot();
    expect(await record(f.admin, { ...slotFields(party.tag), key: [key("a0")], outcome: "failed", reason: "  " })).toMatchObject({
      ok: false,
      fieldErrors: { reason: [expect.stringMatching(/^Say why it failed/)] },
    });
    expect(await record(f.admin, { ...slotFields(party.tag), key: [other.key("a0")], outcome: "patched" })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not upgrades of .* QA group 1/),
    });
    expect(await record(f.admin, { ...slotFields(party.tag), outcome: "patched" })).toMatchObject({ ok: false, message: "Select at least one member." });
    expect(await record(f.admin, { ...slotFields(party.tag), key: [key("a0")], outcome: "patched", reason: "bad\u0000" })).toMatchObject({ ok: false });
    expect(Object.values(await states(party.id)).every((s) => s === "QUEUED")).toBe(true);
  });
});

describe("recording outcomes from a CSV file", () => {
  it("checks every row first: one bad row records nothing, with the errors by line; the fixed file records all", async () => {
    const { party, next } = await startedSlot();
    const target = slotFields(party.tag);
    const bad = await upload(
      f.admin,
      target,
      [
        "member,state,message",
        `${f.prefix}-a0,patched,`,
        `${f.prefix}-a1,failed,`, // no reason
        `${f.prefix}-nope,patched,`, // not in this slot
        `${f.prefix}-a2,maybe,`,
        `${f.prefix}-a0,failed,"twice"`,
        `${f.prefix}-b0,failed,"Mirror unreachable, retried twice"`,
      ].join("\n"),
    );
    expect(bad.ok).toBe(false);
    expect(bad.data).toEqual([
      { line: 3, column: "message", message: "say why it failed" },
      { line: 4, column: "member", message: expect.stringContaining(`has no upgrade of ${f.prefix}-nope`) },
      { line: 5, column: "state", message: "state is patched or failed" },
      { line: 6, column: "member", message: `${f.prefix}-a0 is already on line 2` },
    ]);
    expect(Object.values(await states(party.id)).every((s) => s === "QUEUED")).toBe(true);

    const good = await upload(
      f.admin,
      target,
      [
        "member,state,message",
        `${f.prefix}-a0,patched`,
        `${f.prefix}-a1,FAILED,Kernel panic on boot`,
        `${f.prefix}-b0,failed,"Mirror unreachable, retried twice"`,
      ].join("\r\n"),
    );
    expect(good).toMatchObject({ ok: true, message: expect.stringContaining("1 patched, 2 failed") });
    await next(1);
    expect(await outcomes(party.id)).toEqual({
      a0: ["PATCHED", null],
      a1: ["FAILED", "Kernel panic on boot"],
      b0: ["FAILED", "Mirror unreachable, retried twice"],
    });

    // Sent again: every row already has its outcome, so nothing changes.
    const twice = await upload(f.admin, target, ["member,state,message", `${f.prefix}-a0,failed,oops`].join("\n"));
    expect(twice).toMatchObject({ ok: false, data: [{ line: 2, column: "member", message: expect.stringContaining("already has an outcome (succeeded)") }] });
  });

  it("by key too; an owner's file with another team's member is refused whole", async () => {
    const { party, key } = await startedSlot();
    const target = slotFields(party.tag);
    const refused = await upload(f.owner, target, ["key,state,message", `${key("a0")},patched,`, `${key("b0")},patched,`].join("\n"));
    expect(refused).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^You may not/),
      data: [{ line: 3, column: "key", message: expect.stringMatching(/^you may not record outcomes for .*-b0/) }],
    });
    expect(Object.values(await states(party.id)).every((s) => s === "QUEUED")).toBe(true);
    expect(await upload(f.owner, target, ["key,state,message", `${key("a0")},patched,`, `${key("a1")},patched,`].join("\n"))).toMatchObject({ ok: true });
    expect(await states(party.id)).toMatchObject({ a0: "SUCCEEDED", a1: "SUCCEEDED", b0: "QUEUED" });
  });

  it("refuses a header it does not know, an empty file and one that is not a CSV", async () => {
    const { party } = await startedSlot();
    const target = slotFields(party.tag);
    expect((await upload(f.admin, target, "name,outcome\nx,patched\n")).data).toEqual([
      { line: 1, column: "name", message: expect.stringContaining("unknown column") },
      { line: 1, column: "outcome", message: expect.stringContaining("unknown column") },
      { line: 1, column: "", message: expect.stringContaining("key or by member") },
      { line: 1, column: "state", message: "the header has no state column" },
    ]);
    expect(await upload(f.admin, target, "member,state,message\n")).toMatchObject({ ok: false, data: [{ line: 2, message: "the file has no rows" }] });
    expect(await upload(f.admin, target, 'member,state\n"unclosed,patched\n')).toMatchObject({ ok: false });
    expect(await upload(f.admin, target, "")).toMatchObject({ ok: false, message: "Choose a CSV file first." });
    expect(Object.values(await states(party.id)).every((s) => s === "QUEUED")).toBe(true);
  });
});

describe("a template run by the manual executor", () => {
  it("members recorded patched move to the target version on the next tick; failed ones stay, with the reason", async () => {
    const names = ["a0", "a1", "a2"].map((n) => `${f.prefix}-${n}`);
    const policy = await createPolicy(
      f.admin,
      PolicyInputSchema.parse({ name: `${f.prefix}-sundays`, tags: "", schedules: [{ name: "Sunday", preset: "weekly-sunday", windowHours: 4 }] }),
      new Date("2026-11-25T10:00:00Z"),
    );
    if (!policy.ok) throw new Error(policy.message);
    const made = await createTemplate(
      f.admin,
      TemplateCreateSchema.parse({ name: `${f.prefix}-fleet`, policyId: policy.value.id, targetVersion: "1.0.0", members: names }),
      new Date("2026-11-25T10:00:00Z"),
    );
    if (!made.ok) throw new Error(made.message);
    const id = made.value.id;
    const at = new Date("2026-11-25T11:00:00Z");
    expect(await updateTemplate(f.admin, id, { targetVersion: "2.0.0" }, at)).toMatchObject({ ok: true });
    await approveUpgrade(f, id, at);
    const window = new Date("2026-11-29T00:00:00Z");
    const [started] = await tick(window, manualExecutor, { templateIds: [id] });
    expect(started).toMatchObject({ started: 3 });
    const target = { scope: "template", templateId: id };

    expect(
      await record(f.owner, {
        ...target,
        key: (await db.execution.findMany({ where: { templateId: id, memberName: names[0] } })).map((e) => e.key),
        outcome: "patched",
      }),
    ).toMatchObject({ ok: true });
    expect(await upload(f.admin, target, ["member,state,message", `${names[1]},failed,Service did not come back`].join("\n"))).toMatchObject({ ok: true });
    await tick(new Date(window.getTime() + MINUTE), manualExecutor, { templateIds: [id] });
    const members = await db.templateMember.findMany({
      where: { templateId: id },
      select: { currentVersion: true, state: true, lastError: true, resource: { select: { name: true } } },
      orderBy: { resource: { name: "asc" } },
    });
    expect(members.map((m) => [m.resource!.name, m.currentVersion, m.state, m.lastError])).toEqual([
      [names[0], "2.0.0", "IN_SYNC", null],
      [names[1], "1.0.0", "FAILED", "Service did not come back"],
      [names[2], "1.0.0", "UPGRADING", null],
    ]);
  });
});
