import "server-only";
import { Prisma } from "@prisma/client";
import { db } from "../db";
import type { AuditQuery } from "../validation/audit";
import { writeCsv } from "./csv";

export const AUDIT_PAGE_SIZE = 50;
const DAY = 86_400_000;

/** The page's filters as a condition (the page and the CSV export share it). */
function auditFilter(query: Omit<AuditQuery, "cursor">): Prisma.AuditEventWhereInput[] {
  const where: Prisma.AuditEventWhereInput[] = [];
  if (query.actor) where.push({ actorLabel: query.actor.toLowerCase() });
  if (query.resource) where.push({ entityType: "resource", entityLabel: query.resource });
  if (query.action) where.push({ action: query.action });
  if (query.from) where.push({ at: { gte: query.from } });
  if (query.to) where.push({ at: { lt: new Date(query.to.getTime() + DAY) } });
  return where;
}

/** Rows older than (at, id) in newest-first order. */
const olderThan = (at: Date, id: bigint): Prisma.AuditEventWhereInput => ({ OR: [{ at: { lt: at } }, { at, id: { lt: id } }] });

/** Newest first, filtered; keyset on (at, id): `cursor` is "<epoch ms>_<id>" of the last row shown. */
export async function listAuditEvents(query: AuditQuery) {
  const where = auditFilter(query);
  if (query.cursor) {
    const [ms, id] = query.cursor.split("_");
    where.push(olderThan(new Date(Number(ms)), BigInt(id ?? "0")));
  }
  const rows = await db.auditEvent.findMany({
    where: { AND: where },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: AUDIT_PAGE_SIZE + 1,
  });
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > AUDIT_PAGE_SIZE && last ? `${last.at.getTime()}_${last.id}` : null };
}

const EXPORT_BATCH = 2_000;
export const AUDIT_CSV_COLUMNS = ["at", "actor", "action", "entity_type", "entity_id", "entity", "before", "after", "reason"] as const;

const auditBatch = (where: Prisma.AuditEventWhereInput[]) =>
  db.auditEvent.findMany({
    where: { AND: where },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: EXPORT_BATCH,
    select: {
      id: true,
      at: true,
      actorLabel: true,
      action: true,
      entityType: true,
      entityId: true,
      entityLabel: true,
      before: true,
      after: true,
      reason: true,
    },
  });

/** The events the page's filters match, newest first, as CSV: a batch at a time, keyset on (at, id). */
export async function* exportAuditCsv(query: Omit<AuditQuery, "cursor">): AsyncGenerator<string> {
  yield writeCsv([AUDIT_CSV_COLUMNS]);
  const filter = auditFilter(query);
  let after: { at: Date; id: bigint } | null = null;
  for (;;) {
    const rows = await auditBatch(after ? [...filter, olderThan(after.at, after.id)] : filter);
    if (rows.length === 0) return;
    yield writeCsv(
      rows.map((e) => [
        e.at,
        e.actorLabel,
        e.action,
        e.entityType,
        e.entityId,
        e.entityLabel,
        e.before === null ? null : JSON.stringify(e.before),
        e.after === null ? null : JSON.stringify(e.after),
        e.reason,
      ]),
    );
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
  }
}
