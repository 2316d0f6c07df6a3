// How long an update may stay pending, per severity (issue 20, point 3): one row, "default", made
// by the migration. Read by anyone signed in; admins change it (audited, with a revision so that a
// stale copy does not overwrite a newer one).
import "server-only";
import type { Prisma } from "@prisma/client";
import { can, type CurrentUser } from "../auth/permissions";
import { db, execute, qb } from "../db";
import type { DeadlineRules } from "../domain/updates";
import type { DeadlinesInput } from "../validation/deadlines";
import { recordAudit } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";

/** The settings as the API and the form show them: days per severity (null: no deadline) and the revision. */
export type Deadlines = {
  criticalDays: number | null;
  highDays: number | null;
  mediumDays: number | null;
  lowDays: number | null;
  unratedDays: number | null;
  revision: number;
};

const SELECT = { criticalDays: true, highDays: true, mediumDays: true, lowDays: true, unratedDays: true, revision: true } as const;
/** The migration's defaults, should the row be missing. */
const DEFAULTS: Deadlines = { criticalDays: 14, highDays: 30, mediumDays: 90, lowDays: null, unratedDays: 30, revision: 1 };

export async function getDeadlines(client: Prisma.TransactionClient = db): Promise<Deadlines> {
  return (await client.updateDeadlines.findUnique({ where: { id: "default" }, select: SELECT })) ?? DEFAULTS;
}

/** The settings as the domain's rules. */
export const deadlineRules = (d: Deadlines): DeadlineRules => ({
  critical: d.criticalDays,
  high: d.highDays,
  medium: d.mediumDays,
  low: d.lowDays,
  unrated: d.unratedDays,
});

/**
 * Saves the deadlines (admins): a field left out keeps its setting. Refused with 409 when
 * `input.revision` is given and someone saved since. Audited with the settings before and after.
 */
export async function saveDeadlines(user: CurrentUser, input: DeadlinesInput, now: Date): Promise<Outcome<Deadlines>> {
  if (!can(user, { action: "deadlines:edit" })) return refuse(403, "forbidden", "Only admins change the update deadlines.");
  const { revision, ...fields } = input;
  return db.$transaction(async (tx): Promise<Outcome<Deadlines>> => {
    // The row lock keeps two saves from both passing the revision check.
    await tx.updateDeadlines.upsert({ where: { id: "default" }, create: { id: "default" }, update: {} });
    const [locked] = await execute(qb.selectFrom("UpdateDeadlines").select("revision").where("id", "=", "default").forUpdate(), tx);
    const before = await getDeadlines(tx);
    if (revision !== undefined && revision !== locked?.revision)
      return refuse(409, "conflict", "Someone changed the deadlines since you loaded them. Nothing was saved: reload to see theirs.");
    const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Omit<Deadlines, "revision">>;
    const after = await tx.updateDeadlines.update({
      where: { id: "default" },
      data: { ...changes, updatedById: user.id, revision: { increment: 1 } },
      select: SELECT,
    });
    const { revision: _b, ...beforeDays } = before;
    const { revision: _a, ...afterDays } = after;
    await recordAudit(tx, {
      actor: { id: user.id, label: user.email },
      action: "deadlines.update",
      entityType: "update-deadlines",
      entityId: "default",
      entityLabel: "Update deadlines",
      before: beforeDays,
      after: afterDays,
      at: now,
    });
    return succeed(after);
  });
}
