import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignClusterGroups, checkGroupChange, clusterGroupViolations, serviceGroupRisk, type ClusterNode, type PatchGroup } from "@/lib/domain";

const nodes = (...groups: PatchGroup[]): ClusterNode[] => groups.map((group, i) => ({ id: `n${i + 1}`, name: `db-${i + 1}`, group }));

describe("the cluster rule", () => {
  it("accepts a 3-node cluster on 1, 2, 3 and a 5-node one once every group is used", () => {
    expect(clusterGroupViolations(nodes(1, 2, 3))).toEqual([]);
    expect(clusterGroupViolations(nodes(1, 2, 3, 1, 2))).toEqual([]);
    expect(clusterGroupViolations(nodes(1, 2))).toEqual([]);
  });

  it("reports two nodes sharing a group while another is free", () => {
    expect(clusterGroupViolations(nodes(2, 2, 3))).toEqual([{ group: 2, nodes: ["db-1", "db-2"], freeGroups: [1] }]);
  });

  it("refuses a change that breaks it, with an explanation, and allows one that repairs it", () => {
    const check = checkGroupChange(nodes(1, 2, 3), "n1", 2);
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.message).toBe("db-1 and db-2 would all be in group 2 while group 1 is free: the cluster would lose 2 nodes at once. Pick group 1.");
    expect(checkGroupChange(nodes(1, 2, 3), "n1", 1)).toEqual({ ok: true });
    expect(checkGroupChange(nodes(2, 2, 3), "n1", 1)).toEqual({ ok: true });
  });

  it("assigns groups that satisfy the rule for any cluster, keeping valid groups (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.constantFrom<PatchGroup>(1, 2, 3), { nil: null }), { minLength: 1, maxLength: 9 }), (groups) => {
        const input = groups.map((group, i) => ({ id: `n${i}`, group }));
        const assigned = assignClusterGroups(input);
        const result = input.map((n) => ({ id: n.id, name: n.id, group: assigned.get(n.id)! }));
        expect(clusterGroupViolations(result)).toEqual([]);
        const counts = [1, 2, 3].map((g) => result.filter((n) => n.group === g).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        // A cluster that already follows the rule keeps its groups.
        const valid = groups.every((g) => g !== null) && clusterGroupViolations(input.map((n) => ({ ...n, name: n.id, group: n.group! }))).length === 0;
        const balanced = (() => {
          const c = [1, 2, 3].map((g) => groups.filter((x) => x === g).length);
          return Math.max(...c) - Math.min(...c) <= 1;
        })();
        if (valid && balanced) expect(result.map((n) => n.group)).toEqual(groups);
      }),
      { numRuns: 500 },
    );
  });
});

describe("service risk", () => {
  it("flags a service whose production resources all share one group", () => {
    expect(serviceGroupRisk([2, 2, 2])).toEqual({ group: 2, resources: 3 });
    expect(serviceGroupRisk([1, 2, 2])).toBeNull();
    expect(serviceGroupRisk([])).toBeNull();
  });
});
