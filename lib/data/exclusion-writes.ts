// Exclusion changes of many resources at once (a bulk change, the expiry job): each resource's new
// state, its exclusion event and its audit event, as lib/domain/exclusions.ts says, in three
// statements for the whole batch. A single change writes the same in one statement of its own
// (resource-changes.ts, decision 012).
import "server-only";
import type { Prisma } from "@prisma/client";
import { execute, qb, unnest } from "../db";
import type { ExclusionChange } from "../domain";
import type { Actor } from "./audit";

/** Writes each row's change, its exclusion event and its audit event: three statements for the batch. */
export async function writeExclusionChanges(
  tx: Prisma.TransactionClient,
  actor: Actor,
  changes: { row: { id: string; name: string }; change: ExclusionChange }[],
  now: Date,
) {
  const column = <T>(pick: (c: ExclusionChange, r: { id: string }) => T) => changes.map(({ row, change }) => pick(change, row));
  const values = unnest("v", {
    id: [column((_, r) => r.id), "text"],
    excluded: [column((c) => c.after.excluded), "boolean"],
    grp: [column((c) => c.after.patchGroup), "integer"],
    reason: [column((c) => c.after.exclusionReason), "text"],
    until: [column((c) => c.after.exclusionUntil?.toISOString() ?? null), "timestamp(3)"],
    at: [column((c) => c.after.excludedAt?.toISOString() ?? null), "timestamp(3)"],
    by: [column((c) => c.after.excludedById), "text"],
  });
  await execute(
    qb
      .updateTable("Resource as r")
      .from(values)
      .set((eb) => ({
        excluded: eb.ref("v.excluded"),
        patchGroup: eb.ref("v.grp"),
        exclusionReason: eb.ref("v.reason"),
        exclusionUntil: eb.ref("v.until"),
        excludedAt: eb.ref("v.at"),
        excludedById: eb.ref("v.by"),
        revision: eb("r.revision", "+", eb.lit(1)),
        updatedAt: now,
      }))
      .whereRef("r.id", "=", "v.id"),
    tx,
  );
  await tx.exclusionEvent.createMany({
    data: changes.map(({ row, change: { event } }) => ({ resourceId: row.id, ...event, actorId: actor.id, actorLabel: actor.label, at: now })),
  });
  await tx.auditEvent.createMany({
    data: changes.map(({ row, change: { audit } }) => ({
      actorId: actor.id,
      actorLabel: actor.label,
      action: audit.action,
      entityType: "resource",
      entityId: row.id,
      entityLabel: row.name,
      before: audit.before,
      after: audit.after,
      reason: audit.reason,
      at: now,
    })),
  });
}
