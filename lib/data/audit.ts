// Audit events: who changed what, before and after, when. Written in the same transaction as
// the change they describe.
import type { Prisma } from "@prisma/client";

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

export function recordAudit(tx: Prisma.TransactionClient, event: AuditInput) {
  return tx.auditEvent.create({
    data: {
      actorId: event.actor.id,
      actorLabel: event.actor.label,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId,
      entityLabel: event.entityLabel,
      before: event.before,
      after: event.after,
      reason: event.reason ?? null,
      ...(event.at ? { at: event.at } : {}),
    },
  });
}
