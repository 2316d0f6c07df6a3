// Bulk include/exclude of a selection (ids, or every resource matching a filter). Works in
// batches of one transaction each, touches only what the caller may change, and reports what it
// refused and why.
import "server-only";
import type { Prisma } from "@prisma/client";
import { db, execute, qb } from "../db";
import { can, readableTeams, type CurrentUser, type TeamScope } from "../auth/permissions";
import { checkGroupChange, exclusionChange, expiryRefusal, type ClusterNode, type ExclusionRequest, type PatchGroup } from "../domain";
import { writeExclusionChanges } from "./exclusion-writes";
import type { BulkActionInput } from "../validation/resources";
import { refuse, succeed, type Outcome } from "./outcome";
import { listMatchingBatch } from "./resource-list";

const BATCH = 500;
const REFUSALS_LISTED = 200;

export type BulkResult = { changed: number; unchanged: number; refusedCount: number; refused: { name: string; reason: string }[] };

async function* batches(selection: BulkActionInput["selection"], teams: TeamScope): AsyncGenerator<string[]> {
  if (selection.mode === "ids") {
    const ids = [...new Set(selection.ids)];
    for (let i = 0; i < ids.length; i += BATCH) yield ids.slice(i, i + BATCH);
    return;
  }
  let after: string | null = null;
  for (;;) {
    const rows = await listMatchingBatch(selection.filters, teams, after, BATCH);
    if (rows.length === 0) return;
    yield rows.map((r) => r.id);
    after = rows[rows.length - 1]?.name ?? null;
  }
}

const ROW_SELECT = {
  id: true,
  name: true,
  teamId: true,
  clusterId: true,
  patchGroup: true,
  excluded: true,
  exclusionReason: true,
  exclusionUntil: true,
  excludedAt: true,
  excludedById: true,
} satisfies Prisma.ResourceSelect;
type Row = Prisma.ResourceGetPayload<{ select: typeof ROW_SELECT }>;

async function clusterNodes(tx: Prisma.TransactionClient, clusterIds: string[]) {
  const byCluster = new Map<string, ClusterNode[]>();
  if (clusterIds.length === 0) return byCluster;
  await execute(
    qb
      .selectFrom("Cluster")
      .select("id")
      .where((eb) => eb("id", "=", eb.fn.any(eb.val(clusterIds))))
      .orderBy("id")
      .forUpdate(),
    tx,
  );
  const nodes = await tx.resource.findMany({ where: { clusterId: { in: clusterIds } }, select: { id: true, name: true, patchGroup: true, clusterId: true } });
  for (const n of nodes) {
    const list = byCluster.get(n.clusterId!) ?? [];
    list.push({ id: n.id, name: n.name, group: n.patchGroup as PatchGroup });
    byCluster.set(n.clusterId!, list);
  }
  return byCluster;
}

export async function bulkChangeResources(user: CurrentUser, input: BulkActionInput, now: Date): Promise<Outcome<BulkResult>> {
  const refusal = input.action === "exclude" ? expiryRefusal(input.until, now) : null;
  if (refusal) return refuse(400, "invalid", refusal);
  if (!can(user, { action: "resource:bulk" })) return refuse(403, "forbidden", "Your role cannot change resources.");
  const request: ExclusionRequest =
    input.action === "exclude"
      ? { action: "exclude", reason: input.reason, until: input.until ?? null }
      : { action: "include", group: input.group, reason: "Bulk include" };
  const result: BulkResult = { changed: 0, unchanged: 0, refusedCount: 0, refused: [] };
  const refuseRow = (name: string, reason: string) => {
    result.refusedCount += 1;
    if (result.refused.length < REFUSALS_LISTED) result.refused.push({ name, reason });
  };

  for await (const ids of batches(input.selection, readableTeams(user))) {
    await db.$transaction(
      async (tx) => {
        await execute(
          qb
            .selectFrom("Resource")
            .select("id")
            .where((eb) => eb("id", "=", eb.fn.any(eb.val(ids))))
            .orderBy("id")
            .forUpdate(),
          tx,
        );
        const rows = await tx.resource.findMany({ where: { id: { in: ids } }, orderBy: { name: "asc" }, select: ROW_SELECT });
        const allowed = rows.filter((r) => {
          if (can(user, { action: "resource:change", target: { teamId: r.teamId } })) return true;
          // Only an owner gets here, and another team's server is not theirs to read: refused by the id they sent, unnamed.
          refuseRow(r.id, "no server of your teams has this id");
          return false;
        });
        const changing: Row[] = [];
        if (input.action === "exclude") {
          // An exclusion already in place keeps its own reason and author.
          for (const r of allowed) {
            if (r.excluded) result.unchanged += 1;
            else changing.push(r);
          }
        } else {
          const clusters = await clusterNodes(tx, [...new Set(allowed.flatMap((r) => (r.clusterId ? [r.clusterId] : [])))]);
          for (const r of allowed) {
            if (!r.excluded && r.patchGroup === input.group) {
              result.unchanged += 1;
              continue;
            }
            const nodes = r.clusterId ? clusters.get(r.clusterId) : undefined;
            if (nodes) {
              const check = checkGroupChange(nodes, r.id, input.group);
              if (!check.ok) {
                refuseRow(r.name, check.message);
                continue;
              }
              // Later rows of the same cluster are checked against this move.
              const node = nodes.find((n) => n.id === r.id);
              if (node) node.group = input.group;
            }
            changing.push(r);
          }
        }
        if (changing.length === 0) return;
        await writeExclusionChanges(
          tx,
          { id: user.id, label: user.email },
          changing.map((r) => ({ row: r, change: exclusionChange(r, request, user.id, now)! })),
          now,
        );
        result.changed += changing.length;
      },
      { timeout: 60_000 },
    );
  }
  return succeed(result);
}
