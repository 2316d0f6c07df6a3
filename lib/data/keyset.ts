// Newest-first keyset pages on (createdAt, id): the filter that continues after a page, and the
// page cut with its `next` position.

import "server-only";
export type Position = { at: Date; id: string };

export const newestFirstAfter = (before?: Position) =>
  before ? { OR: [{ createdAt: { lt: before.at } }, { createdAt: before.at, id: { lt: before.id } }] } : {};

export const NEWEST_FIRST = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** The first `limit` of `rows` (read with limit + 1) and where the next page starts. */
export function cutPage<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): { page: T[]; next: Position | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, next: rows.length > limit && last ? { at: last.createdAt, id: last.id } : null };
}
