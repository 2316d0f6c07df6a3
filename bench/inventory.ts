// `npm run bench:inventory` (and the end of `npm run bench`): inventory sync at scale (issue 21,
// point 4). The tests' NetBox stand-in (NetBox's documented page shape, 1,000 a page) serving
// 100,000 devices generated here; the source is synced and applied (timed, wall clock), then
// synced again with nothing changed, counting the Resource rows it wrote (by their transaction
// ids: must be 0). Then an Ansible static YAML inventory of BENCH_INVENTORY_ANSIBLE_HOSTS
// (10,000) hosts, through the real ansible-inventory: its read and the whole sync, timed.
// BENCH_INVENTORY_HOSTS (100000). Writes bench/inventory-results.json. A benchmark, not a test.
process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
import { writeFileSync } from "node:fs";
import { sql } from "kysely";
import { freePort, startEmbeddedPostgres } from "../lib/database/embedded";
import { migrateDatabase } from "../lib/database/migrate";
import { db, disconnectDb, execute, qb } from "../lib/db";
import { useDatabaseUrl } from "../lib/env";
import { createSource, startSync } from "../lib/data/inventory";
import type { CurrentUser } from "../lib/auth/permissions";
import { startNetBox } from "../tests/fixtures/netbox";

const HOSTS = Number(process.env.BENCH_INVENTORY_HOSTS ?? 100_000);
const ANSIBLE_HOSTS = Number(process.env.BENCH_INVENTORY_ANSIBLE_HOSTS ?? 10_000);
const TOKEN = "bench0123456789abcdef0123456789abcdef0123";
const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (from: number) => Math.round((performance.now() - from) / 100) / 10;

/**
 * A mark to count Resource rows written after: the next transaction id. PostgreSQL's statistics
 * counters were used first, but each pooled connection flushes its own, up to ten seconds late,
 * so one sync's writes showed up in the next one's count.
 */
async function writeMark(): Promise<bigint> {
  const [row] = await execute(qb.selectNoFrom(sql<string>`txid_current()`.as("t")));
  return BigInt(row!.t) + 1n;
}

/** Resource rows whose current version a transaction from `mark` on wrote (inserted or updated; a sync never deletes). */
async function resourceRowsWrittenSince(mark: bigint): Promise<number> {
  const [row] = await execute(
    qb
      .selectFrom("Resource")
      .select((eb) => eb.cast<number>(eb.fn.countAll(), "integer").as("n"))
      // xmin is the 32-bit part of the writer's transaction id; this database is far from wrapping.
      .where(sql<boolean>`xmin::text::bigint >= ${Number(mark % 4_294_967_296n)}`),
  );
  return row!.n;
}

const server = await startEmbeddedPostgres({ port: await freePort() });
const teams = ["payments", "identity", "search", "storage"];
// A device as NetBox's REST API documents it (GET /api/dcim/devices/).
const devices = Array.from({ length: HOSTS }, (_, i) => ({
  id: i + 1,
  name: `nb-${String(i + 1).padStart(6, "0")}.example.com`,
  status: { value: "active", label: "Active" },
  role: { id: 1, name: "Web", slug: `svc-${i % 50}` },
  tenant: { id: 1, name: teams[i % teams.length], slug: teams[i % teams.length] },
  site: { id: 1, name: "AMS1", slug: "ams1" },
  cluster: i % 10 === 0 ? { id: 1, name: `cluster-${i % 500}` } : null,
  primary_ip4: { id: i, address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/24` },
  tags: [{ id: 1, name: "Linux", slug: "linux" }],
  custom_fields: { patch_environment: i % 3 === 0 ? "non-production" : "production" },
}));
// The tests' NetBox (tests/fixtures/netbox.ts), paging by 1,000 as the sync asks.
const netbox = await startNetBox({ token: TOKEN, devices, maxPageSize: 1_000 });
const netboxUrl = netbox.url;

try {
  await migrateDatabase(server);
  useDatabaseUrl(server.url);
  for (const t of teams) await db.team.create({ data: { slug: t, name: t } });
  const row = await db.user.create({ data: { email: "bench-admin@example.com", name: "Bench", role: "ADMIN" } });
  const admin: CurrentUser = { id: row.id, email: row.email, name: row.name, role: "ADMIN", teamIds: [] };
  const actor = { id: admin.id, label: admin.email };

  const nb = await createSource(
    admin,
    {
      name: "bench netbox",
      kind: "netbox",
      config: { url: netboxUrl, objects: ["devices"], filter: "" },
      token: TOKEN,
      mapping: {
        fields: {
          team: "field:tenant.slug",
          environment: "cf:patch_environment",
          kind: "const:server",
          service: "field:role.slug",
          cluster: "field:cluster.name",
          address: "field:primary_ip4.address",
          tags: "field:tags",
        },
      },
      intervalMinutes: null,
      autoApply: false,
    },
    new Date(),
  );
  if (!nb.ok) throw new Error(nb.message);
  let started = performance.now();
  const first = await startSync(admin, nb.value.id, { actor, trigger: "person", apply: true }, new Date());
  const firstSeconds = seconds(started);
  if (!first.ok || first.value.state !== "APPLIED") throw new Error(`first sync: ${JSON.stringify(first)}`);
  log(
    `NetBox, ${HOSTS.toLocaleString("en")} devices: first sync (read, plan, apply) ${firstSeconds} s; added ${first.value.added}, errors ${first.value.hostErrors.length}`,
  );

  const writesBefore = await writeMark();
  started = performance.now();
  const second = await startSync(admin, nb.value.id, { actor, trigger: "person", apply: true }, new Date());
  const secondSeconds = seconds(started);
  const written = await resourceRowsWrittenSince(writesBefore);
  if (!second.ok) throw new Error(second.message);
  log(`  second sync, nothing changed: ${secondSeconds} s; ${second.value.unchanged} unchanged, Resource rows written: ${written}`);

  // A thousand devices change, a thousand leave.
  for (let i = 0; i < 1000; i++) devices[i]!.custom_fields.patch_environment = "non-production";
  devices.splice(HOSTS - 1000, 1000);
  const thirdMark = await writeMark();
  started = performance.now();
  const third = await startSync(admin, nb.value.id, { actor, trigger: "person", apply: true }, new Date());
  const thirdSeconds = seconds(started);
  if (!third.ok) throw new Error(third.message);
  // The count's own check: this sync must be seen writing what it changed and retired.
  const thirdWritten = await resourceRowsWrittenSince(thirdMark);
  log(`  third sync, ${third.value.changed} changed and ${third.value.retired} retired: ${thirdSeconds} s; Resource rows written: ${thirdWritten}`);

  // Ansible: a static YAML inventory through the real ansible-inventory.
  let ansible: Record<string, number> | { skipped: string } = { skipped: "BENCH_INVENTORY_ANSIBLE_HOSTS=0" };
  if (ANSIBLE_HOSTS > 0) {
    let text = "all:\n  children:\n";
    for (const t of teams) {
      text += `    team_${t}:\n      vars:\n        patch_service: ansible-svc\n        patch_env: prod\n      hosts:\n`;
      for (let i = 0; i < ANSIBLE_HOSTS / teams.length; i++)
        text += `        ans-${t}-${i}.example.com:\n          ansible_host: 10.99.${(i >> 8) & 255}.${i & 255}\n`;
    }
    const src = await createSource(
      admin,
      {
        name: "bench ansible",
        kind: "ansible",
        config: { fileName: "hosts.yml", text },
        mapping: {
          fields: { team: "group:team_", environment: "var:patch_env", kind: "const:vm", service: "var:patch_service", address: "var:ansible_host" },
          values: { environment: { prod: "production" } },
        },
        intervalMinutes: null,
        autoApply: false,
      },
      new Date(),
    );
    if (!src.ok) throw new Error(src.message);
    started = performance.now();
    const a = await startSync(admin, src.value.id, { actor, trigger: "person", apply: true }, new Date());
    const aSeconds = seconds(started);
    if (!a.ok || a.value.state !== "APPLIED") throw new Error(`ansible sync: ${JSON.stringify(a)}`);
    const writes = await writeMark();
    started = performance.now();
    const again = await startSync(admin, src.value.id, { actor, trigger: "person", apply: true }, new Date());
    const againSeconds = seconds(started);
    const againWritten = await resourceRowsWrittenSince(writes);
    ansible = { hosts: ANSIBLE_HOSTS, firstSyncSeconds: aSeconds, added: a.value.added, secondSyncSeconds: againSeconds, secondSyncRowsWritten: againWritten };
    log(
      `Ansible YAML, ${ANSIBLE_HOSTS.toLocaleString("en")} hosts: first sync ${aSeconds} s (added ${a.value.added}); second ${againSeconds} s, Resource rows written: ${againWritten}`,
    );
    if (!again.ok) throw new Error(again.message);
  }
  writeFileSync(
    "bench/inventory-results.json",
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        netbox: {
          hosts: HOSTS,
          firstSyncSeconds: firstSeconds,
          secondSyncSeconds: secondSeconds,
          secondSyncRowsWritten: written,
          thirdSync: { seconds: thirdSeconds, changed: third.value.changed, retired: third.value.retired, rowsWritten: thirdWritten },
        },
        ansible,
      },
      null,
      2,
    )}\n`,
  );
  log("Wrote bench/inventory-results.json");
  if (written !== 0) process.exitCode = 1;
} finally {
  await netbox.close();
  await disconnectDb();
  await server.stop();
}
