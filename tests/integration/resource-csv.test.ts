import { beforeEach, describe, expect, it } from "vitest";
import { applyImport, checkImport, exportResourcesCsv } from "@/lib/data/resource-csv";
import { db } from "@/lib/db";
import { makeFleet } from "./fixtures/fleet";

let f: Awaited<ReturnType<typeof makeFleet>>;

beforeEach(async () => {
  f = await makeFleet();
});

const header = "name,kind,environment,team,service,cluster,group,tags";
const withConnection = `${header},address,ssh_port,ssh_user`;
/** The export adds what the portal knows (issue 18); the import reads past these columns. */
const exportHeader = `${withConnection},excluded,exclusion_reason,exclusion_until,last_patched_at,last_patch_tag,last_outcome,pending_updates,security_updates,reboot_pending`;

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
    const csv = [
      header,
      `${f.nodes[1]!.name},vm,production,${f.teamA.slug},${f.prefix}-svc,${f.cluster.name},1,`,
      `${f.prefix}-n4,vm,production,${f.teamA.slug},,${f.cluster.name},1,`,
    ].join("\n");
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
    expect(await db.resource.findUniqueOrThrow({ where: { name: f.web.name } })).toMatchObject({
      kind: "SERVER",
      teamId: f.teamB.id,
      patchGroup: 3,
      tags: ["pci", "linux"],
      revision: 2,
    });
    const created = await db.resource.findUniqueOrThrow({ where: { name: `${f.prefix}-new1` }, include: { service: true } });
    expect(created).toMatchObject({ environment: "NON_PRODUCTION", patchGroup: 2, tags: [] });
    expect(created.service.name).toBe(`${f.teamA.slug}-unassigned`);
    const audit = await db.auditEvent.findMany({
      where: { entityLabel: { in: [f.web.name, `${f.prefix}-new1`, f.other.name] } },
      orderBy: { entityLabel: "asc" },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(["resource.create", "resource.update"]);
  });

  it("exports what it imports", async () => {
    const lines: string[] = [];
    for await (const chunk of exportResourcesCsv({ q: f.prefix }, null)) lines.push(chunk);
    const csv = lines.join("");
    expect(csv.split("\n")[0]).toBe(exportHeader);
    expect(csv).toContain(`${f.nodes[0]!.name},vm,production,${f.teamA.slug},${f.prefix}-svc,${f.cluster.name},1,`);
    const plan = await checkImport(csv);
    expect(plan.errors).toEqual([]);
    expect(await applyImport(f.admin, plan.rows, () => {})).toEqual({ created: 0, updated: 0, unchanged: 5 });
  });

  it("checks the connection columns like the API does, by line and column, and imports nothing", async () => {
    const csv = [
      withConnection,
      `${f.prefix}-c1,vm,production,${f.teamA.slug},,,1,,web-01.example.com,2222,deploy`,
      `${f.prefix}-c2,vm,production,${f.teamA.slug},,,1,,-oProxyCommand=x,22,root`,
      `${f.prefix}-c3,vm,production,${f.teamA.slug},,,1,,a b,0,`,
      `${f.prefix}-c4,vm,production,${f.teamA.slug},,,1,,10.0.0.5,70000,1root`,
    ].join("\n");
    const plan = await checkImport(csv);
    expect(plan.errors).toEqual([
      { line: 3, column: "address", message: 'The address cannot start with "-".' },
      { line: 4, column: "address", message: "The address cannot hold spaces or control characters." },
      { line: 4, column: "ssh_port", message: "The port must be a whole number from 1 to 65535 (empty means 22)." },
      { line: 5, column: "ssh_port", message: "The port must be a whole number from 1 to 65535 (empty means 22)." },
      { line: 5, column: "ssh_user", message: "The user must start with a letter or _ and hold only letters, digits, _ and -." },
    ]);
    expect(await db.resource.count({ where: { name: { startsWith: `${f.prefix}-c` } } })).toBe(0);
  });

  it("round-trips the connection: set, exported, kept by a file without the columns, cleared by empty cells", async () => {
    const exportCsv = async () => {
      const lines: string[] = [];
      for await (const chunk of exportResourcesCsv({ q: f.web.name }, null)) lines.push(chunk);
      return lines.join("");
    };
    const set = await checkImport(
      [withConnection, `${f.web.name},vm,production,${f.teamA.slug},${f.prefix}-svc,,2,,web-01.example.com,2222,deploy`].join("\n"),
    );
    expect(set.errors).toEqual([]);
    expect(await applyImport(f.admin, set.rows, () => {})).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.web.id }, select: { address: true, sshPort: true, sshUser: true } })).toEqual({
      address: "web-01.example.com",
      sshPort: 2222,
      sshUser: "deploy",
    });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityId: f.web.id, action: "resource.update" } });
    expect(audit.before).toMatchObject({ address: null, sshPort: null, sshUser: null });
    expect(audit.after).toMatchObject({ address: "web-01.example.com", sshPort: 2222, sshUser: "deploy" });

    const exported = await exportCsv();
    expect(exported).toBe(`${exportHeader}\n${f.web.name},vm,production,${f.teamA.slug},${f.prefix}-svc,,2,,web-01.example.com,2222,deploy,no,,,,,,0,0,no\n`);
    const again = await checkImport(exported);
    expect(await applyImport(f.admin, again.rows, () => {})).toEqual({ created: 0, updated: 0, unchanged: 1 });

    // An older file without the columns keeps the connection.
    const older = await checkImport([header, `${f.web.name},vm,production,${f.teamA.slug},${f.prefix}-svc,,3,`].join("\n"));
    expect(await applyImport(f.admin, older.rows, () => {})).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.web.id }, select: { patchGroup: true, address: true, sshPort: true, sshUser: true } })).toEqual(
      { patchGroup: 3, address: "web-01.example.com", sshPort: 2222, sshUser: "deploy" },
    );

    const cleared = await checkImport([withConnection, `${f.web.name},vm,production,${f.teamA.slug},${f.prefix}-svc,,3,,,,`].join("\n"));
    expect(await applyImport(f.admin, cleared.rows, () => {})).toEqual({ created: 0, updated: 1, unchanged: 0 });
    expect(await db.resource.findUniqueOrThrow({ where: { id: f.web.id }, select: { address: true, sshPort: true, sshUser: true } })).toEqual({
      address: null,
      sshPort: null,
      sshUser: null,
    });
    expect(await exportCsv()).toBe(`${exportHeader}\n${f.web.name},vm,production,${f.teamA.slug},${f.prefix}-svc,,3,,,,,no,,,,,,0,0,no\n`);
  });
});
