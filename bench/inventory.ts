// `npm run bench:inventory` (and the end of `npm run bench`): inventory sync at scale (issue 21,
// point 4). A NetBox stand-in (node:http, NetBox's documented page shape, 1,000 a page) serving
// 100,000 devices generated here; the source is synced and applied (timed, wall clock), then
// synced again with nothing changed, counting the Resource rows written (PostgreSQL's own
// counters: must be 0). Then an Ansible static YAML inventory of BENCH_INVENTORY_ANSIBLE_HOSTS
// (10,000) hosts, through the real ansible-inventory: its read and the whole sync, timed.
// BENCH_INVENTORY_HOSTS (100000). Writes bench/inventory-results.json. A benchmark, not a test.
process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { freePort, startEmbeddedPostgres } from "../lib/database/embedded";
import { migrateDatabase } from "../lib/database/migrate";
import { db, disconnectDb, execute, qb } from "../lib/db";
import { useDatabaseUrl } from "../lib/env";
import { createSource, startSync } from "../lib/data/inventory";
import type { CurrentUser } from "../lib/auth/permissions";

const HOSTS = Number(process.env.BENCH_INVENTORY_HOSTS ?? 100_000);
const ANSIBLE_HOSTS = Number(process.env.BENCH_INVENTORY_ANSIBLE_HOSTS ?? 10_000);
const TOKEN = "bench0123456789abcdef0123456789abcdef0123";
const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (from: number) => Math.round((performance.now() - from) / 100) / 10;

/** Rows PostgreSQL inserted and updated in Resource so far (its statistics, flushed first). */
async function resourceWrites(): Promise<number> {
  await execute(qb.selectNoFrom(sql<unknown>`pg_stat_force_next_flush()`.as("f")));
  const [row] = await execute(
    qb
      .selectFrom(sql<{ n_tup_ins: bigint; n_tup_upd: bigint; n_tup_del: bigint; relname: string }>`pg_stat_user_tables`.as("t"))
      .select((eb) => eb.cast<number>(sql`n_tup_ins + n_tup_upd + n_tup_del`, "integer").as("n"))
      .where("t.relname", "=", "Resource"),
  );
  return Number(row?.n ?? 0);
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
const netbox = createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://x");
  if (request.headers.authorization !== `Token ${TOKEN}`) return void response.writeHead(403).end("{}");
  const all = url.pathname === "/api/dcim/devices/" ? devices : [];
  const limit = Math.min(Number(url.searchParams.get("limit") ?? 50), 1000);
  const offset = Number(url.searchParams.get("offset") ?? 0);
  const next = offset + limit < all.length ? `http://127.0.0.1${url.pathname}?limit=${limit}&offset=${offset + limit}` : null;
  response
    .writeHead(200, { "Content-Type": "application/json" })
    .end(JSON.stringify({ count: all.length, next, previous: null, results: all.slice(offset, offset + limit) }));
});
await new Promise<void>((resolve) => netbox.listen(0, "127.0.0.1", resolve));
const netboxUrl = `http://127.0.0.1:${(netbox.address() as AddressInfo).port}`;

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

  const writesBefore = await resourceWrites();
  started = performance.now();
  const second = await startSync(admin, nb.value.id, { actor, trigger: "person", apply: true }, new Date());
  const secondSeconds = seconds(started);
  const written = (await resourceWrites()) - writesBefore;
  if (!second.ok) throw new Error(second.message);
  log(`  second sync, nothing changed: ${secondSeconds} s; ${second.value.unchanged} unchanged, Resource rows written: ${written}`);

  // A thousand devices change, a thousand leave.
  for (let i = 0; i < 1000; i++) devices[i]!.custom_fields.patch_environment = "non-production";
  devices.splice(HOSTS - 1000, 1000);
  started = performance.now();
  const third = await startSync(admin, nb.value.id, { actor, trigger: "person", apply: true }, new Date());
  const thirdSeconds = seconds(started);
  if (!third.ok) throw new Error(third.message);
  log(`  third sync, ${third.value.changed} changed and ${third.value.retired} retired: ${thirdSeconds} s`);

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
    const writes = await resourceWrites();
    started = performance.now();
    const again = await startSync(admin, src.value.id, { actor, trigger: "person", apply: true }, new Date());
    const againSeconds = seconds(started);
    const againWritten = (await resourceWrites()) - writes;
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
          thirdSync: { seconds: thirdSeconds, changed: third.value.changed, retired: third.value.retired },
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
  netbox.close();
  await disconnectDb();
  await server.stop();
}
