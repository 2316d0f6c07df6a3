// Exclusions with an expiry end by themselves: the scheduler includes the resource again, in
// the group it had, and audits it. Safe when several workers run it at once: the UPDATE's WHERE
// is re-checked under the row lock, so each resource is included once.
import { db } from "../db";
import { SCHEDULER } from "./audit";

export async function expireExclusions(now: Date): Promise<string[]> {
  return db.$transaction(async (tx) => {
    const expired = await tx.$queryRaw<{ id: string; name: string; patchGroup: number; exclusionReason: string | null; exclusionUntil: Date }[]>`
      WITH due AS (
        SELECT id, "exclusionReason", "exclusionUntil" FROM "Resource"
        WHERE excluded AND "exclusionUntil" <= ${now}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "Resource" r SET excluded = false, "exclusionReason" = NULL, "exclusionUntil" = NULL, "excludedAt" = NULL, "excludedById" = NULL,
             revision = r.revision + 1, "updatedAt" = ${now}
      FROM due WHERE r.id = due.id
      RETURNING r.id, r.name, r."patchGroup", due."exclusionReason", due."exclusionUntil"`;
    if (expired.length === 0) return [];
    await tx.exclusionEvent.createMany({
      data: expired.map((r) => ({ resourceId: r.id, action: "INCLUDE" as const, group: r.patchGroup, reason: "The exclusion expired", actorLabel: SCHEDULER.label, at: now })),
    });
    await tx.auditEvent.createMany({
      data: expired.map((r) => ({
        actorLabel: SCHEDULER.label,
        action: "resource.expire",
        entityType: "resource",
        entityId: r.id,
        entityLabel: r.name,
        before: { excluded: true, group: r.patchGroup, reason: r.exclusionReason, until: r.exclusionUntil.toISOString() },
        after: { excluded: false, group: r.patchGroup },
        reason: "The exclusion expired",
        at: now,
      })),
    });
    return expired.map((r) => r.name);
  });
}
