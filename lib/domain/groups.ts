// Patch groups: the three times of a patching day. A cluster keeps serving while its nodes are
// spread over the groups, and a service while its production resources are.

export const PATCH_GROUPS = [1, 2, 3] as const;
export type PatchGroup = (typeof PATCH_GROUPS)[number];

export function isPatchGroup(value: unknown): value is PatchGroup {
  return value === 1 || value === 2 || value === 3;
}

export type ClusterNode = { id: string; name: string; group: PatchGroup };

export type GroupViolation = {
  group: PatchGroup;
  /** Names of the nodes that share the group. */
  nodes: string[];
  /** Groups no node of the cluster uses. */
  freeGroups: PatchGroup[];
};

function counts(groups: readonly PatchGroup[]) {
  const result = new Map<PatchGroup, number>(PATCH_GROUPS.map((g) => [g, 0]));
  for (const group of groups) result.set(group, (result.get(group) ?? 0) + 1);
  return result;
}

/**
 * The cluster rule: no two nodes share a group while some group is still unused.
 * Returns one violation per shared group (empty when the cluster is fine).
 */
export function clusterGroupViolations(nodes: readonly ClusterNode[]): GroupViolation[] {
  const perGroup = counts(nodes.map((n) => n.group));
  const freeGroups = PATCH_GROUPS.filter((g) => perGroup.get(g) === 0);
  if (freeGroups.length === 0) return [];
  return PATCH_GROUPS.filter((g) => (perGroup.get(g) ?? 0) > 1).map((group) => ({
    group,
    nodes: nodes
      .filter((n) => n.group === group)
      .map((n) => n.name)
      .sort(),
    freeGroups,
  }));
}

export function describeViolation(violation: GroupViolation): string {
  const free = violation.freeGroups.map((g) => `group ${g}`).join(" or ");
  const names = violation.nodes.length > 1 ? `${violation.nodes.slice(0, -1).join(", ")} and ${violation.nodes.at(-1)}` : (violation.nodes[0] ?? "");
  return `${names} would all be in group ${violation.group} while ${free} is free: the cluster would lose ${violation.nodes.length} nodes at once. Pick ${free}.`;
}

export type GroupChangeCheck = { ok: true } | { ok: false; violations: GroupViolation[]; message: string };

/** What moving one node of a cluster to `group` does to the cluster rule. */
export function checkGroupChange(nodes: readonly ClusterNode[], nodeId: string, group: PatchGroup): GroupChangeCheck {
  const after = nodes.map((n) => (n.id === nodeId ? { ...n, group } : n));
  const before = new Set(clusterGroupViolations(nodes).map((v) => `${v.group}:${v.nodes.join()}`));
  // Only what the change makes worse counts: a cluster already in breach may still be repaired.
  const violations = clusterGroupViolations(after).filter(
    (v) => v.nodes.includes(after.find((n) => n.id === nodeId)?.name ?? "") && !before.has(`${v.group}:${v.nodes.join()}`),
  );
  if (violations.length === 0) return { ok: true };
  return { ok: false, violations, message: violations.map(describeViolation).join(" ") };
}

/**
 * Groups for the nodes of a cluster, spread evenly. Nodes keep their group whenever that keeps
 * the spread even (a cluster that already follows the rule is left as it is); the others go to
 * the least used group, lowest number first.
 */
export function assignClusterGroups(nodes: readonly { id: string; group: PatchGroup | null }[]): Map<string, PatchGroup> {
  const used = new Map<PatchGroup, number>(PATCH_GROUPS.map((g) => [g, 0]));
  const result = new Map<string, PatchGroup>();
  const take = (id: string, group: PatchGroup) => {
    used.set(group, (used.get(group) ?? 0) + 1);
    result.set(id, group);
  };
  const fewest = () => Math.min(...used.values());
  const pending = nodes.filter((n) => n.group !== null);
  // Adding only to a least used group keeps the counts within one of each other.
  for (let next = pending.find((n) => used.get(n.group!) === fewest()); next; next = pending.find((n) => used.get(n.group!) === fewest())) {
    pending.splice(pending.indexOf(next), 1);
    take(next.id, next.group!);
  }
  for (const node of nodes) {
    if (result.has(node.id)) continue;
    take(
      node.id,
      PATCH_GROUPS.reduce((best, g) => ((used.get(g) ?? 0) < (used.get(best) ?? 0) ? g : best), PATCH_GROUPS[0]),
    );
  }
  return result;
}

export type ServiceRisk = { group: PatchGroup; resources: number } | null;

/** A service whose production resources all sit in one group goes down as a whole on patching day. */
export function serviceGroupRisk(productionGroups: readonly PatchGroup[]): ServiceRisk {
  const first = productionGroups[0];
  if (first === undefined) return null;
  return productionGroups.every((g) => g === first) ? { group: first, resources: productionGroups.length } : null;
}
