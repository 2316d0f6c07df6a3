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

/** An audit event as the values of its row. */
export type AuditRow = {
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string;
  entityLabel: string;
  before: string | null;
  after: string | null;
  reason: string | null;
  at: Date;
};

/** `event`'s row: the JSON as text, "nothing" as NULL, no time as now. */
export const auditRow = (event: AuditInput): AuditRow => ({
  actorId: event.actor.id,
  actorLabel: event.actor.label,
  action: event.action,
  entityType: event.entityType,
  entityId: event.entityId,
  entityLabel: event.entityLabel,
  before: json(event.before),
  after: json(event.after),
  reason: event.reason ?? null,
  at: event.at ?? new Date(),
});

/**
 * An event's row as the selection that writes it: alone (recordAudit), or as one part of a larger
 * statement, selected FROM a CTE of it (a resource change writes itself, its history and its audit
 * in one, resource-changes.ts): one row per row of that CTE, none when the change it records did
 * not happen. Values in a SELECT are text unless cast, hence the casts of the JSON and the timestamp.
 * It only hands the values to the builder, so a prepared statement may give it placeholders.
 */
export function auditValues(row: AuditRow) {
  return [
    eb.val(row.actorId).as("actorId"),
    eb.val(row.actorLabel).as("actorLabel"),
    eb.val(row.action).as("action"),
    eb.val(row.entityType).as("entityType"),
    eb.val(row.entityId).as("entityId"),
    eb.val(row.entityLabel).as("entityLabel"),
    eb.cast(eb.val(row.before), "jsonb").as("before"),
    eb.cast(eb.val(row.after), "jsonb").as("after"),
    eb.val(row.reason).as("reason"),
    eb.cast(eb.val(row.at), "timestamp(3)").as("at"),
  ];
}

export async function recordAudit(tx: Prisma.TransactionClient, event: AuditInput): Promise<void> {
  await execute(
    qb
      .insertInto("AuditEvent")
      .columns(AUDIT_COLUMNS)
      .expression(qb.selectNoFrom(auditValues(auditRow(event)))),
    tx,
  );
}
