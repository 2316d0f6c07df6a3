// CSV export and import of the inventory. Import checks every row (shape, teams, duplicates, the
// cluster rule) before it writes anything, then upserts by name in one transaction.
import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@prisma/client";
import { sql, type InferResult } from "kysely";
import { db, execute, qb, unnest } from "../db";
import { readCsv, writeCsv, type CsvError } from "./csv";
import type { CurrentUser, TeamScope } from "../auth/permissions";
import { clusterGroupViolations, describeViolation, type PatchGroup } from "../domain";
import { CSV_COLUMNS, CsvRowSchema, EXPORT_ONLY_COLUMNS, REQUIRED_COLUMNS, type CsvRow } from "../validation/resource-csv";
import { ENVIRONMENTS, KINDS, type ResourceFilters } from "../validation/resources";
import { recordAudit } from "./audit";

import { resourceFilter } from "./resource-list";
import { reconcileAllQueryTemplates } from "./template-members";

const EXPORT_BATCH = 2_000;
const APPLY_BATCH = 1_000;

const kindSlug = (db: string) => Object.entries(KINDS).find(([, v]) => v === db)?.[0] ?? db;
const envSlug = (db: string) => (db === "PRODUCTION" ? "production" : "non-production");

/** The matching inventory as CSV, in name order, a batch at a time (keyset on the name). */
export async function* exportResourcesCsv(filters: ResourceFilters, teams: TeamScope): AsyncGenerator<string> {
  yield writeCsv([[...CSV_COLUMNS, ...EXPORT_ONLY_COLUMNS]]);
  let after: string | null = null;
  for (;;) {
    let query = qb
      .selectFrom("Resource as r")
      .innerJoin("Team as t", "t.id", "r.teamId")
      .innerJoin("Service as s", "s.id", "r.serviceId")
      .leftJoin("Cluster as c", "c.id", "r.clusterId")
      .select([
        "r.name",
        "r.kind",
        "r.environment",
        "t.slug as team",
        "s.name as service",
        "c.name as cluster",
        "r.patchGroup",
        "r.tags",
        "r.address",
        "r.sshPort",
        "r.sshUser",
        "r.excluded",
        "r.exclusionReason",
        "r.exclusionUntil",
        "r.lastPatchedAt",
        "r.lastPatchTag",
        "r.lastOutcome",
        "r.pendingUpdates",
        "r.securityUpdates",
        "r.rebootPending",
      ])
      .where(resourceFilter(filters, teams));
    if (after !== null) query = query.where("r.name", ">", after);
    const rows = await execute(query.orderBy("r.name").limit(EXPORT_BATCH));
    if (rows.length === 0) return;
    yield writeCsv(
      rows.map((r) => [
        r.name,
        kindSlug(r.kind),
        envSlug(r.environment),
        r.team,
        r.service,
        r.cluster ?? "",
        r.patchGroup,
        r.tags.join(";"),
        r.address ?? "",
        r.sshPort ?? "",
        r.sshUser ?? "",
        r.excluded,
        r.exclusionReason,
        r.exclusionUntil,
        r.lastPatchedAt,
        r.lastPatchTag,
        r.lastOutcome?.toLowerCase(),
        r.pendingUpdates,
        r.securityUpdates,
        r.rebootPending,
      ]),
    );
    after = rows[rows.length - 1]?.name ?? null;
  }
}

export type ImportPlan = { rows: (CsvRow & { line: number })[]; errors: CsvError[] };
export type ImportProgress = { phase: "validate" | "apply"; done: number; total: number };
export type ImportSummary = { created: number; updated: number; unchanged: number };

const MAX_ERRORS = 500;

/** Parses and checks the whole file; nothing is written. */
export async function checkImport(csv: string): Promise<ImportPlan> {
  const errors: CsvError[] = [];
  const add = (e: CsvError) => errors.length < MAX_ERRORS && errors.push(e);
  const read = readCsv(csv);
  if ("error" in read) return { rows: [], errors: [read.error] };
  const { header, records } = read;
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !([...CSV_COLUMNS, ...EXPORT_ONLY_COLUMNS] as readonly string[]).includes(c));
  if (missing.length || unknown.length) {
    return {
      rows: [],
      errors: [
        ...missing.map((c) => ({ line: 1, column: c, message: `the header has no "${c}" column` })),
        ...unknown.map((c) => ({ line: 1, column: c, message: `unknown column (expected ${CSV_COLUMNS.join(", ")})` })),
      ],
    };
  }
  if (records.length === 0) return { rows: [], errors: [{ line: 2, column: "", message: "the file has no rows" }] };

  const rows: (CsvRow & { line: number })[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records) {
    const line = info.lines;
    const parsed = CsvRowSchema.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) add({ line, column: String(issue.path[0] ?? ""), message: issue.message });
      continue;
    }
    const first = seen.get(parsed.data.name);
    if (first !== undefined) {
      add({ line, column: "name", message: `${parsed.data.name} is already on line ${first}` });
      continue;
    }
    seen.set(parsed.data.name, line);
    rows.push({ ...parsed.data, line });
  }

  const teams = new Set((await db.team.findMany({ select: { slug: true } })).map((t) => t.slug));
  for (const row of rows) if (!teams.has(row.team)) add({ line: row.line, column: "team", message: `no team has the short name "${row.team}"` });

  // The cluster rule on the groups the clusters would have after the import.
  const clusterNames = [...new Set(rows.flatMap((r) => (r.cluster ? [r.cluster] : [])))];
  const existingNodes = clusterNames.length
    ? await db.resource.findMany({
        where: { cluster: { name: { in: clusterNames } } },
        select: { id: true, name: true, patchGroup: true, cluster: { select: { name: true } } },
      })
    : [];
  const byName = new Map(rows.map((r) => [r.name, r]));
  const clusters = new Map<string, { id: string; name: string; group: PatchGroup }[]>();
  for (const node of existingNodes) {
    if (byName.has(node.name)) continue;
    const list = clusters.get(node.cluster!.name) ?? [];
    list.push({ id: node.name, name: node.name, group: node.patchGroup as PatchGroup });
    clusters.set(node.cluster!.name, list);
  }
  for (const row of rows) {
    if (!row.cluster) continue;
    const list = clusters.get(row.cluster) ?? [];
    list.push({ id: row.name, name: row.name, group: row.group });
    clusters.set(row.cluster, list);
  }
  for (const [cluster, nodes] of clusters) {
    for (const violation of clusterGroupViolations(nodes)) {
      for (const nodeName of violation.nodes) {
        const row = byName.get(nodeName);
        if (row) add({ line: row.line, column: "group", message: `cluster ${cluster}: ${describeViolation(violation)}` });
      }
    }
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows, errors };
}

/** The resources a batch of the import names, locked for the rest of the transaction. */
const lockExisting = (names: string[]) =>
  qb
    .selectFrom("Resource")
    .select(["id", "name", "kind", "environment", "teamId", "serviceId", "clusterId", "patchGroup", "tags", "address", "sshPort", "sshUser"])
    .where((eb) => eb("name", "=", eb.fn.any(eb.val(names))))
    .forUpdate();
type Existing = InferResult<ReturnType<typeof lockExisting>>[number];

/** Writes a checked plan in one transaction: all rows or none. */
export async function applyImport(user: CurrentUser, rows: ImportPlan["rows"], onProgress: (p: ImportProgress) => void): Promise<ImportSummary> {
  const summary = await importRows(user, rows, onProgress);
  // Resources came or changed: templates' member queries follow at once (decision 022).
  if (summary.created || summary.updated) await reconcileAllQueryTemplates(new Date());
  return summary;
}

function importRows(user: CurrentUser, rows: ImportPlan["rows"], onProgress: (p: ImportProgress) => void): Promise<ImportSummary> {
  return db.$transaction(
    async (tx) => {
      const teams = new Map((await tx.team.findMany({ select: { id: true, slug: true } })).map((t) => [t.slug, t.id]));
      const serviceNames = [...new Set(rows.map((r) => r.service ?? `${r.team}-unassigned`))];
      await tx.service.createMany({
        data: serviceNames.map((name) => ({ name, teamId: teams.get(rows.find((r) => (r.service ?? `${r.team}-unassigned`) === name)!.team)! })),
        skipDuplicates: true,
      });
      const services = new Map(
        (await tx.service.findMany({ where: { name: { in: serviceNames } }, select: { id: true, name: true } })).map((s) => [s.name, s.id]),
      );
      const clusterNames = [...new Set(rows.flatMap((r) => (r.cluster ? [r.cluster] : [])))];
      await tx.cluster.createMany({ data: clusterNames.map((name) => ({ name })), skipDuplicates: true });
      const clusters = new Map(
        (await tx.cluster.findMany({ where: { name: { in: clusterNames } }, select: { id: true, name: true } })).map((c) => [c.name, c.id]),
      );

      const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0 };
      for (let i = 0; i < rows.length; i += APPLY_BATCH) {
        const batch = rows.slice(i, i + APPLY_BATCH);
        const existing = new Map((await execute(lockExisting(batch.map((r) => r.name)), tx)).map((e) => [e.name, e]));
        const audits: Prisma.AuditEventCreateManyInput[] = [];
        const upserts = batch.flatMap((row) => {
          const before = existing.get(row.name);
          const next = {
            id: before?.id ?? randomUUID(),
            name: row.name,
            kind: KINDS[row.kind],
            environment: ENVIRONMENTS[row.environment],
            teamId: teams.get(row.team)!,
            serviceId: row.service ? services.get(row.service)! : (existing.get(row.name)?.serviceId ?? services.get(`${row.team}-unassigned`)!),
            clusterId: row.cluster ? clusters.get(row.cluster)! : null,
            patchGroup: row.group,
            tags: row.tags,
            // A file without the column keeps what the resource has.
            address: row.address === undefined ? (before?.address ?? null) : row.address,
            sshPort: row.ssh_port === undefined ? (before?.sshPort ?? null) : row.ssh_port,
            sshUser: row.ssh_user === undefined ? (before?.sshUser ?? null) : row.ssh_user,
          };
          const same =
            before &&
            before.kind === next.kind &&
            before.environment === next.environment &&
            before.teamId === next.teamId &&
            before.serviceId === next.serviceId &&
            before.clusterId === next.clusterId &&
            before.patchGroup === next.patchGroup &&
            before.tags.join(";") === next.tags.join(";") &&
            before.address === next.address &&
            before.sshPort === next.sshPort &&
            before.sshUser === next.sshUser;
          if (same) {
            summary.unchanged += 1;
            return [];
          }
          if (before) summary.updated += 1;
          else summary.created += 1;
          const view = (r: typeof next | Existing) => ({
            kind: r.kind,
            environment: r.environment,
            team: r.teamId,
            service: r.serviceId,
            cluster: r.clusterId,
            group: r.patchGroup,
            tags: r.tags,
            address: r.address,
            sshPort: r.sshPort,
            sshUser: r.sshUser,
          });
          audits.push({
            actorId: user.id,
            actorLabel: user.email,
            action: before ? "resource.update" : "resource.create",
            entityType: "resource",
            entityId: next.id,
            entityLabel: next.name,
            before: before ? view(before) : Prisma.DbNull,
            after: view(next),
            reason: "CSV import",
          });
          return [next];
        });
        if (upserts.length) {
          const u = unnest("u", {
            id: [upserts.map((u) => u.id), "text"],
            name: [upserts.map((u) => u.name), "text"],
            kind: [upserts.map((u) => u.kind), "text"],
            environment: [upserts.map((u) => u.environment), "text"],
            team: [upserts.map((u) => u.teamId), "text"],
            service: [upserts.map((u) => u.serviceId), "text"],
            cluster: [upserts.map((u) => u.clusterId), "text"],
            grp: [upserts.map((u) => u.patchGroup), "integer"],
            tags: [upserts.map((u) => u.tags.join(";")), "text"],
            address: [upserts.map((u) => u.address), "text"],
            port: [upserts.map((u) => u.sshPort), "integer"],
            ssh_user: [upserts.map((u) => u.sshUser), "text"],
          });
          await execute(
            qb
              .insertInto("Resource")
              .columns([
                "id",
                "name",
                "kind",
                "environment",
                "teamId",
                "serviceId",
                "clusterId",
                "patchGroup",
                "tags",
                "address",
                "sshPort",
                "sshUser",
                "updatedAt",
              ])
              .expression(
                qb.selectFrom(u).select((eb) => [
                  "u.id",
                  "u.name",
                  eb.cast(eb.ref("u.kind"), sql`"ResourceKind"`).as("kind"),
                  eb.cast(eb.ref("u.environment"), sql`"Environment"`).as("environment"),
                  "u.team",
                  "u.service",
                  "u.cluster",
                  "u.grp",
                  eb
                    .case()
                    .when("u.tags", "=", sql.lit(""))
                    .then(sql<string[]>`'{}'::text[]`)
                    .else(eb.fn<string[]>("string_to_array", ["u.tags", sql.lit(";")]))
                    .end()
                    .as("tags"),
                  "u.address",
                  "u.port",
                  "u.ssh_user",
                  eb.fn<Date>("now").as("updatedAt"),
                ]),
              )
              .onConflict((conflict) =>
                conflict.column("name").doUpdateSet((eb) => ({
                  kind: eb.ref("excluded.kind"),
                  environment: eb.ref("excluded.environment"),
                  teamId: eb.ref("excluded.teamId"),
                  serviceId: eb.ref("excluded.serviceId"),
                  clusterId: eb.ref("excluded.clusterId"),
                  patchGroup: eb.ref("excluded.patchGroup"),
                  tags: eb.ref("excluded.tags"),
                  address: eb.ref("excluded.address"),
                  sshPort: eb.ref("excluded.sshPort"),
                  sshUser: eb.ref("excluded.sshUser"),
                  revision: eb("Resource.revision", "+", eb.lit(1)),
                  updatedAt: eb.fn<Date>("now"),
                })),
              ),
            tx,
          );
          await tx.auditEvent.createMany({ data: audits });
        }
        onProgress({ phase: "apply", done: Math.min(i + APPLY_BATCH, rows.length), total: rows.length });
      }
      await recordAudit(tx, {
        actor: { id: user.id, label: user.email },
        action: "resource.import",
        entityType: "inventory",
        entityId: "csv",
        entityLabel: "CSV import",
        after: summary,
      });
      return summary;
    },
    { timeout: 10 * 60_000, maxWait: 30_000 },
  );
}
