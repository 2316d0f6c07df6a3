// Audit events: who changed what, before and after, when. Written in the same transaction as
// the change they describe.
import "server-only";
import type { Prisma } from "@prisma/client";
import { expressionBuilder } from "kysely";
import { execute, qb } from "../db";
import type { DB } from "../database/generated/kysely";

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

/** The columns `auditValues` fills, in its order: INSERT INTO "AuditEvent" (AUDIT_COLUMNS) SELECT auditValues(event) [FROM …]. */
export const AUDIT_COLUMNS = ["actorId", "actorLabel", "action", "entityType", "entityId", "entityLabel", "before", "after", "reason", "at"] as const;

const eb = expressionBuilder<DB>();

/**
 * `event` as the selection that writes it: alone (recordAudit), or as one part of a larger
 * statement, selected FROM a CTE of it (a resource change writes itself, its history and its audit
 * in one, resource-changes.ts): one row per row of that CTE, none when the change it records did
 * not happen. Values in a SELECT are text unless cast, hence the casts of the JSON and the timestamp.
 */
export function auditValues(event: AuditInput) {
  return [
    eb.val(event.actor.id).as("actorId"),
    eb.val(event.actor.label).as("actorLabel"),
    eb.val(event.action).as("action"),
    eb.val(event.entityType).as("entityType"),
    eb.val(event.entityId).as("entityId"),
    eb.val(event.entityLabel).as("entityLabel"),
    eb.cast(eb.val(json(event.before)), "jsonb").as("before"),
    eb.cast(eb.val(json(event.after)), "jsonb").as("after"),
    eb.val(event.reason ?? null).as("reason"),
    eb.cast(eb.val(event.at ?? new Date()), "timestamp(3)").as("at"),
  ];
}

export async function recordAudit(tx: Prisma.TransactionClient, event: AuditInput): Promise<void> {
  await execute(
    qb
      .insertInto("AuditEvent")
      .columns(AUDIT_COLUMNS)
      .expression(qb.selectNoFrom(auditValues(event))),
    tx,
  );
}
