// How party slots roll out (the party engine reads these): at once as a count or a share of the
// slot, the canary share, the failure thresholds. Kept on the party rule's row; admins edit them.
import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import { DEFAULT_PARTY_RULE, type Safety, defaultExecutor, type DefaultExecutor } from "../domain";
import { env } from "../env";
import { holdsDemoData } from "./installation";
import type { ExecutionSettingsInput, SlotRolloutInput } from "../validation/templates";
import { recordAudit } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";
import { ruleToRow } from "./party-rule";

export const DEFAULT_SLOT_ROLLOUT: Safety = { concurrency: 25, concurrencyPercent: null, canaryPercent: 10, maxFailures: null, maxFailurePercent: 10 };

type Row = Pick<
  Prisma.PartyRuleGetPayload<object>,
  "slotConcurrency" | "slotConcurrencyPercent" | "slotCanaryPercent" | "slotMaxFailures" | "slotMaxFailurePercent"
> | null;

export function slotRolloutFromRow(row: Row): Safety {
  if (!row) return DEFAULT_SLOT_ROLLOUT;
  return {
    concurrency: row.slotConcurrency,
    concurrencyPercent: row.slotConcurrencyPercent,
    canaryPercent: row.slotCanaryPercent,
    maxFailures: row.slotMaxFailures,
    maxFailurePercent: row.slotMaxFailurePercent,
  };
}

export async function getSlotRollout(client: Prisma.TransactionClient = db): Promise<Safety> {
  return slotRolloutFromRow(await client.partyRule.findUnique({ where: { id: "default" } }));
}

export type SlotExecution = { executor: string | null; preHook: string | null; postHook: string | null; cutoffMinutes: number; memberTimeoutMinutes: number };
export const DEFAULT_SLOT_EXECUTION: SlotExecution = { executor: null, preHook: null, postHook: null, cutoffMinutes: 30, memberTimeoutMinutes: 60 };

/** How party slots are executed: the executor (null = the installation's default), hooks, cutoff and per-member timeout. */
export async function getSlotExecution(client: Prisma.TransactionClient = db): Promise<SlotExecution> {
  const row = await client.partyRule.findUnique({
    where: { id: "default" },
    select: { slotExecutor: true, slotPreHook: true, slotPostHook: true, slotCutoffMinutes: true, slotMemberTimeoutMinutes: true },
  });
  if (!row) return DEFAULT_SLOT_EXECUTION;
  return {
    executor: row.slotExecutor,
    preHook: row.slotPreHook,
    postHook: row.slotPostHook,
    cutoffMinutes: row.slotCutoffMinutes,
    memberTimeoutMinutes: row.slotMemberTimeoutMinutes,
  };
}

export async function saveSlotRollout(user: CurrentUser, input: SlotRolloutInput, now: Date): Promise<Outcome<Safety>> {
  if (!can(user, { action: "party-rule:edit" })) return refuse(403, "forbidden", "Only admins change how party slots roll out.");
  return saveSlotSettings(user, now, input, {
    read: getSlotRollout,
    columns: (next) => ({
      slotConcurrency: next.concurrency,
      slotConcurrencyPercent: next.concurrencyPercent,
      slotCanaryPercent: next.canaryPercent,
      slotMaxFailures: next.maxFailures,
      slotMaxFailurePercent: next.maxFailurePercent,
    }),
    audit: { action: "party-rule.rollout", label: "Party slot rollouts" },
  });
}

/**
 * Saves some of the party slots' settings (a field left out keeps its setting) on the rule's row,
 * made with the default rule if there is none yet, and audits them, before and after.
 */
async function saveSlotSettings<T extends Prisma.InputJsonObject>(
  user: CurrentUser,
  now: Date,
  input: Partial<T>,
  settings: {
    read: (tx: Prisma.TransactionClient) => Promise<T>;
    columns: (next: T) => Partial<Prisma.PartyRuleUncheckedCreateInput>;
    audit: { action: string; label: string };
  },
): Promise<Outcome<T>> {
  return db.$transaction(async (tx) => {
    const before = await settings.read(tx);
    const next: T = { ...before, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
    const columns = settings.columns(next);
    await tx.partyRule.upsert({
      where: { id: "default" },
      create: { id: "default", ...ruleToRow(DEFAULT_PARTY_RULE), ...columns, updatedById: user.id },
      update: columns,
    });
    await recordAudit(tx, {
      actor: { id: user.id, label: user.email },
      action: settings.audit.action,
      entityType: "party-rule",
      entityId: "default",
      entityLabel: settings.audit.label,
      before,
      after: next,
      at: now,
    });
    return succeed(next);
  });
}

/**
 * Why an executor may not be chosen, or null. The simulated one makes outcomes up: only the demo
 * data, or an installation that runs it by name (PATCHPARTY_EXECUTOR=simulated), may choose it.
 */
export async function executorRefusal(name: string | null | undefined): Promise<string | null> {
  if (name !== "simulated") return null;
  if (env().PATCHPARTY_EXECUTOR === "simulated" || (await holdsDemoData())) return null;
  return "The simulated executor makes outcomes up: it may be chosen only on the demo data or when PATCHPARTY_EXECUTOR=simulated.";
}

/** What the execution settings forms offer: the installation's default executor, and whether simulated may be chosen (one query). */
export async function executorChoices(): Promise<{ defaultExecutor: DefaultExecutor; simulatedAllowed: boolean }> {
  const demoData = await holdsDemoData();
  const configured = env().PATCHPARTY_EXECUTOR;
  return { defaultExecutor: defaultExecutor(configured, demoData), simulatedAllowed: demoData || configured === "simulated" };
}

/** Saves how party slots are executed (admins); a field left out keeps its setting. Slots that start from now on use it. */
export async function saveSlotExecution(user: CurrentUser, input: ExecutionSettingsInput, now: Date): Promise<Outcome<SlotExecution>> {
  if (!can(user, { action: "party-rule:edit" })) return refuse(403, "forbidden", "Only admins change how party slots are executed.");
  const refusal = await executorRefusal(input.executor);
  if (refusal) return refuse(400, "executor", refusal);
  return saveSlotSettings(user, now, input, {
    read: getSlotExecution,
    columns: (next) => ({
      slotExecutor: next.executor,
      slotPreHook: next.preHook,
      slotPostHook: next.postHook,
      slotCutoffMinutes: next.cutoffMinutes,
      slotMemberTimeoutMinutes: next.memberTimeoutMinutes,
    }),
    audit: { action: "party-rule.execution", label: "Party slot execution" },
  });
}
