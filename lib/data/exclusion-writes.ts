// Exclusion changes of many resources at once (a bulk change, the expiry job): each resource's new
// state, its exclusion event and its audit event, as lib/domain/exclusions.ts says, in three
// statements for the whole batch. A single change writes the same in one statement of its own
// (resource-changes.ts, decision 012).
import type { Prisma } from "@prisma/client";
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
  await tx.$executeRaw`
    UPDATE "Resource" r SET excluded = v.excluded, "patchGroup" = v.grp, "exclusionReason" = v.reason, "exclusionUntil" = v.until,
           "excludedAt" = v.at, "excludedById" = v.by, revision = r.revision + 1, "updatedAt" = ${now}
    FROM unnest(${column((_, r) => r.id)}::text[], ${column((c) => c.after.excluded)}::boolean[], ${column((c) => c.after.patchGroup)}::int[],
                ${column((c) => c.after.exclusionReason)}::text[], ${column((c) => c.after.exclusionUntil?.toISOString() ?? null)}::timestamp(3)[],
                ${column((c) => c.after.excludedAt?.toISOString() ?? null)}::timestamp(3)[], ${column((c) => c.after.excludedById)}::text[])
         AS v(id, excluded, grp, reason, until, at, by)
    WHERE r.id = v.id`;
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
