import type { Prisma } from "@prisma/client";
import { db } from "../db";

export const RESOURCE_PAGE_SIZE = 50;

/** One page of resources by name (keyset: `after` is the last name of the previous page). */
export async function listResources({ q, after }: { q?: string; after?: string }) {
  const where: Prisma.ResourceWhereInput = { name: { ...(q ? { startsWith: q } : {}), ...(after ? { gt: after } : {}) } };
  const rows = await db.resource.findMany({
    where,
    orderBy: { name: "asc" },
    take: RESOURCE_PAGE_SIZE + 1,
    select: {
      id: true,
      name: true,
      kind: true,
      environment: true,
      patchGroup: true,
      excluded: true,
      lastPatchTag: true,
      lastOutcome: true,
      team: { select: { name: true } },
      cluster: { select: { name: true } },
    },
  });
  return { rows: rows.slice(0, RESOURCE_PAGE_SIZE), next: rows.length > RESOURCE_PAGE_SIZE ? rows[RESOURCE_PAGE_SIZE - 1]?.name : undefined };
}
