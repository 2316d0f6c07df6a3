// Exclusions with an expiry end by themselves: the scheduler includes the resource again, in
// the group it had, and audits it. Safe when several workers run it at once: due rows are locked
// and skipped by the others, so each resource is included once.
import "server-only";
import { db, execute, qb } from "../db";
import { exclusionChange } from "../domain";
import { SCHEDULER } from "./audit";
import { writeExclusionChanges } from "./exclusion-writes";

export async function expireExclusions(now: Date): Promise<string[]> {
  return db.$transaction(async (tx) => {
    const due = await execute(
      qb
        .selectFrom("Resource")
        .select(["id", "name", "excluded", "patchGroup", "exclusionReason", "exclusionUntil", "excludedAt", "excludedById"])
        .where("excluded", "=", true)
        .where("exclusionUntil", "<=", now)
        .orderBy("id")
        .forUpdate()
        .skipLocked(),
      tx,
    );
    const changes = due.flatMap((row) => {
      const change = exclusionChange(row, { action: "expire" }, SCHEDULER.id, now);
      return change ? [{ row, change }] : [];
    });
    if (changes.length) await writeExclusionChanges(tx, SCHEDULER, changes, now);
    return changes.map(({ row }) => row.name);
  });
}
