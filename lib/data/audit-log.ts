import { db } from "../db";

export const AUDIT_PAGE_SIZE = 50;

/** Newest first; keyset on the id (`before` is the last id of the previous page). */
export async function listAuditEvents({ before }: { before?: bigint }) {
  const rows = await db.auditEvent.findMany({
    where: before ? { id: { lt: before } } : {},
    orderBy: { id: "desc" },
    take: AUDIT_PAGE_SIZE + 1,
  });
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), next: rows.length > AUDIT_PAGE_SIZE ? rows[AUDIT_PAGE_SIZE - 1]?.id : undefined };
}
