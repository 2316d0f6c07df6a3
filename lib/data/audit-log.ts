import "server-only";
import { Prisma } from "@prisma/client";
import { db } from "../db";
import type { AuditQuery } from "../validation/audit";

export const AUDIT_PAGE_SIZE = 50;
const DAY = 86_400_000;

/** Newest first, filtered; keyset on (at, id): `cursor` is "<epoch ms>_<id>" of the last row shown. */
export async function listAuditEvents(query: AuditQuery) {
  const where: Prisma.AuditEventWhereInput[] = [];
  if (query.actor) where.push({ actorLabel: query.actor.toLowerCase() });
  if (query.resource) where.push({ entityType: "resource", entityLabel: query.resource });
  if (query.action) where.push({ action: query.action });
  if (query.from) where.push({ at: { gte: query.from } });
  if (query.to) where.push({ at: { lt: new Date(query.to.getTime() + DAY) } });
  if (query.cursor) {
    const [ms, id] = query.cursor.split("_");
    const at = new Date(Number(ms));
    where.push({ OR: [{ at: { lt: at } }, { at, id: { lt: BigInt(id ?? "0") } }] });
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
