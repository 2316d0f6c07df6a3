import { beforeEach, describe, expect, it } from "vitest";
import { applyImport, checkImport, exportResourcesCsv } from "@/lib/data/resource-csv";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;

beforeEach(async () => {
  f = await makeFleet();
});

const header = "name,kind,environment,team,service,cluster,group,tags";

describe("CSV import", () => {
  it("reports every bad row by line and column, and imports nothing", async () => {
    const csv = [
      header,
      `${f.prefix}-new1,vm,production,${f.teamA.slug},,,1,linux`,
      `${f.prefix}-new2,toaster,production,${f.teamA.slug},,,2,`,
      `${f.prefix}-new3,vm,staging,nobody,,,7,`,
      `${f.prefix}-new1,vm,production,${f.teamA.slug},,,1,`,
      `bad name!,vm,production,${f.teamA.slug},,,1,`,
    ].join("\n");
    const plan = await checkImport(csv);
    expect(plan.errors.map((e) => [e.line, e.column])).toEqual([
      [3, "kind"],
      [4, "environment"],
      [4, "group"],
      [5, "name"],
      [6, "name"],
    ]);
    expect(plan.errors[3]?.message).toBe(`${f.prefix}-new1 is already on line 2`);
    const teamError = await checkImport([header, `${f.prefix}-x,vm,production,nobody,,,1,`].join("\n"));
    expect(teamError.errors).toEqual([{ line: 2, column: "team", message: 'no team has the short name "nobody"' }]);
  });

  it("checks the header and the cluster rule before anything is written", async () => {
    expect((await checkImport("name,kind\nx,vm\n")).errors.map((e) => e.column)).toEqual(["environment", "team", "group"]);
    // A new node in the 3-node cluster, in group 1: fine (every group is used). Moving node2 to 1 as well is not.
    const csv = [header, `${f.nodes[1]!.name},vm,production,${f.teamA.slug},${f.prefix}-svc,${f.cluster.name},1,`, `${f.prefix}-n4,vm,production,${f.teamA.slug},,${f.cluster.name},1,`].join("\n");
    const plan = await checkImport(csv);
    expect(plan.errors.map((e) => [e.line, e.column])).toEqual([
      [2, "group"],
      [3, "group"],
    ]);
    expect(plan.errors[0]?.message).toMatch(/would all be in group 1 while group 2 is free/);
  });

  it("upserts by name, all rows in one go, audits each change, and says what changed", async () => {
    const csv = [
      header,
      `${f.web.name},server,production,${f.teamB.slug},${f.prefix}-svc,,3,pci;linux`,
      `${f.prefix}-new1,vm,non-production,${f.teamA.slug},,,2,`,
      `${f.other.name},vm,production,${f.teamB.slug},${f.prefix}-svc,,1,`,
    ].join("\n");
    const plan = await checkImport(csv);
    expect(plan.errors).toEqual([]);
    const progress: number[] = [];
    const summary = await applyImport(f.admin, plan.rows, (p) => progress.push(p.done));
    expect(summary).toEqual({ created: 1, updated: 1, unchanged: 1 });
    expect(progress).toEqual([3]);
    expect(await db.resource.findUniqueOrThrow({ where: { name: f.web.name } })).toMatchObject({ kind: "SERVER", teamId: f.teamB.id, patchGroup: 3, tags: ["pci", "linux"], revision: 2 });
    const created = await db.resource.findUniqueOrThrow({ where: { name: `${f.prefix}-new1` }, include: { service: true } });
    expect(created).toMatchObject({ environment: "NON_PRODUCTION", patchGroup: 2, tags: [] });
    expect(created.service.name).toBe(`${f.teamA.slug}-unassigned`);
    const audit = await db.auditEvent.findMany({ where: { entityLabel: { in: [f.web.name, `${f.prefix}-new1`, f.other.name] } }, orderBy: { entityLabel: "asc" } });
    expect(audit.map((a) => a.action).sort()).toEqual(["resource.create", "resource.update"]);
  });

  it("exports what it imports", async () => {
    const lines: string[] = [];
    for await (const chunk of exportResourcesCsv({ q: f.prefix })) lines.push(chunk);
    const csv = lines.join("");
    expect(csv.split("\n")[0]).toBe(header);
    expect(csv).toContain(`${f.nodes[0]!.name},vm,production,${f.teamA.slug},${f.prefix}-svc,${f.cluster.name},1,`);
    const plan = await checkImport(csv);
    expect(plan.errors).toEqual([]);
    expect(await applyImport(f.admin, plan.rows, () => {})).toEqual({ created: 0, updated: 0, unchanged: 5 });
  });
});
