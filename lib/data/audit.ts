// Audit events: who changed what, before and after, when. Written in the same transaction as
// the change they describe.
import { Prisma } from "@prisma/client";

export type Actor = { id: string | null; label: string };

export const SCHEDULER: Actor = { id: null, label: "scheduler" };

export type AuditInput = {
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  entityLabel: string;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
  reason?: string | null;
  at?: Date;
};

// "Nothing before" is SQL NULL, never JSON null: a backup cannot tell the two apart, and a restored
// database must be identical (a party rule created by its first save audited JSON null as before).
const json = (value: Prisma.InputJsonValue | null | undefined) => (value == null ? null : JSON.stringify(value));

/**
 * The statement that writes `event`: run alone by recordAudit, or as one part of a larger
 * statement (a resource change writes itself, its history and its audit in one, resource-changes.ts).
 * With `onlyFor`, a CTE of that statement, it writes one row per row of that CTE: none when the
 * change it records did not happen.
 */
export function auditInsert(event: AuditInput, onlyFor?: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "AuditEvent" ("actorId", "actorLabel", action, "entityType", "entityId", "entityLabel", before, after, reason, at)
    SELECT ${event.actor.id}, ${event.actor.label}, ${event.action}, ${event.entityType}, ${event.entityId}, ${event.entityLabel},
           ${json(event.before)}::jsonb, ${json(event.after)}::jsonb, ${event.reason ?? null}, ${event.at ?? new Date()}::timestamp(3)
    ${onlyFor ? Prisma.sql`FROM ${onlyFor}` : Prisma.empty}`;
}

export async function recordAudit(tx: Prisma.TransactionClient, event: AuditInput): Promise<void> {
  await tx.$executeRaw(auditInsert(event));
}
