// Pending updates per server (issue 20, docs/decisions/020-pending-updates.md): what each scan
// found, kept so that an update's deadline runs from when it was first seen and the compliance
// trend can ask what was pending on a past day. One writer: `recordScan`, whoever scanned.
import "server-only";
import type { Prisma, UpdateSeverity } from "@prisma/client";
import { can, type CurrentUser, type TeamScope } from "../auth/permissions";
import { db, execute, prepared, qb, unnest } from "../db";
import { sql } from "kysely";
import { recordAudit } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";
import type { PendingUpdateReport, Severity, UpdateReport } from "../domain/updates";

type Tx = Prisma.TransactionClient;

const toDb = (s: Severity | null): UpdateSeverity | null => (s ? (s.toUpperCase() as UpdateSeverity) : null);
const fromDb = (s: UpdateSeverity | null): Severity | null => (s ? (s.toLowerCase() as Severity) : null);

/** The server's counts as the resource list filters on them. */
const countsOf = (report: UpdateReport) => ({
  pendingUpdates: report.updates.length,
  securityUpdates: report.updates.filter((u) => u.security || u.severity !== null).length,
  rebootPending: report.rebootRequired === true,
});

/**
 * Records a scan of `resourceId`: replaces its last scan, keeps each package still pending (its
 * first sighting too), opens what is new and closes what is gone; the resource's counts follow.
 * `source` is who scanned: an executor's name or a person's or token's e-mail.
 */
export async function recordScan(resourceId: string, report: UpdateReport, source: string, now: Date, tx?: Tx): Promise<void> {
  if (!tx) return db.$transaction((t) => recordScan(resourceId, report, source, now, t));
  // One package once (a manager may list it for two architectures): the first wins.
  const reported = new Map<string, PendingUpdateReport>();
  for (const u of report.updates) if (!reported.has(u.package)) reported.set(u.package, u);
  const scan = {
    scannedAt: now,
    source,
    packageManager: report.packageManager,
    release: report.release,
    rebootRequired: report.rebootRequired,
    error: null,
    erroredAt: null,
  };
  await tx.updateScan.upsert({ where: { resourceId }, create: { resourceId, ...scan }, update: scan });
  const open = await tx.pendingUpdate.findMany({ where: { resourceId, resolvedAt: null }, select: { id: true, package: true } });
  const gone = open.filter((o) => !reported.has(o.package)).map((o) => o.id);
  if (gone.length) await tx.pendingUpdate.updateMany({ where: { id: { in: gone } }, data: { resolvedAt: now } });
  // One statement for every reported package: a new one is opened (first seen now); one still
  // pending (its open row, by the partial unique index) is updated and keeps its first sighting.
  const rows = [...reported.values()];
  if (rows.length) {
    await execute(
      qb
        .insertInto("PendingUpdate")
        .columns(["id", "resourceId", "package", "installed", "candidate", "security", "severity", "advisories", "firstSeenAt", "lastSeenAt"])
        .expression(
          qb
            .selectFrom(
              unnest("v", {
                package: [rows.map((u) => u.package), "text"],
                installed: [rows.map((u) => u.installed), "text"],
                candidate: [rows.map((u) => u.candidate), "text"],
                security: [rows.map((u) => u.security), "boolean"],
                severity: [rows.map((u) => toDb(u.severity)), "text"],
                // An array of arrays would be flattened by unnest: each row's list travels as JSON.
                advisories: [rows.map((u) => JSON.stringify(u.advisories)), "text"],
              }),
            )
            .select((eb) => [
              eb.cast<string>(eb.fn("gen_random_uuid"), "text").as("id"),
              eb.val(resourceId).as("resourceId"),
              "v.package",
              "v.installed",
              "v.candidate",
              "v.security",
              sql<UpdateSeverity | null>`v.severity::"UpdateSeverity"`.as("severity"),
              sql<string[]>`array(select jsonb_array_elements_text(v.advisories::jsonb))`.as("advisories"),
              eb.val(now).as("firstSeenAt"),
              eb.val(now).as("lastSeenAt"),
            ]),
        )
        .onConflict((oc) =>
          oc
            .columns(["resourceId", "package"])
            .where("resolvedAt", "is", null)
            .doUpdateSet((eb) => ({
              installed: eb.ref("excluded.installed"),
              candidate: eb.ref("excluded.candidate"),
              security: eb.ref("excluded.security"),
              severity: eb.ref("excluded.severity"),
              advisories: eb.ref("excluded.advisories"),
              lastSeenAt: eb.ref("excluded.lastSeenAt"),
            })),
        ),
      tx,
    );
  }
  await tx.resource.update({ where: { id: resourceId }, data: countsOf({ ...report, updates: [...reported.values()] }) });
}

/** A scan that could not be made: said on the server's page; what the last good scan found stays. */
export async function recordScanError(resourceId: string, error: string, source: string, now: Date): Promise<void> {
  await db.updateScan.upsert({
    where: { resourceId },
    create: { resourceId, scannedAt: now, source, error, erroredAt: now },
    update: { error, erroredAt: now },
  });
}

export type ServerUpdates = {
  scan: {
    scannedAt: Date;
    source: string;
    packageManager: string | null;
    release: string | null;
    rebootRequired: boolean | null;
    error: string | null;
    erroredAt: Date | null;
  } | null;
  updates: (PendingUpdateReport & { firstSeenAt: Date })[];
};

// The resource page and the API read these on every request: compiled once (decision 015).
const scanOf = prepared((v: { resourceId: string }) =>
  qb
    .selectFrom("UpdateScan")
    .select(["scannedAt", "source", "packageManager", "release", "rebootRequired", "error", "erroredAt"])
    .where("resourceId", "=", v.resourceId),
);
const pendingOf = prepared((v: { resourceId: string }) =>
  qb
    .selectFrom("PendingUpdate")
    .select(["package", "installed", "candidate", "security", "severity", "advisories", "firstSeenAt"])
    .where("resourceId", "=", v.resourceId)
    .where("resolvedAt", "is", null)
    // The enum's order is critical first; unrated last.
    .orderBy("security", "desc")
    .orderBy("severity", (ob) => ob.asc().nullsLast())
    .orderBy("package"),
);

const resourceIdNamed = prepared((v: { name: string }) => qb.selectFrom("Resource").select(["id", "teamId"]).where("name", "=", v.name));

/** The id of the resource named `name`, or null when there is none in the reader's teams (`readableTeams`). */
export async function getResourceId(name: string, teams: TeamScope): Promise<string | null> {
  const [row] = await execute(resourceIdNamed({ name }));
  return row && (teams === null || teams.includes(row.teamId)) ? row.id : null;
}

/** A server's last scan and what is pending on it: security first (the most severe first), then by name. */
export async function serverUpdates(resourceId: string): Promise<ServerUpdates> {
  const [[scan], rows] = await Promise.all([execute(scanOf({ resourceId })), execute(pendingOf({ resourceId }))]);
  return {
    scan: scan ?? null,
    updates: rows.map((r) => ({
      package: r.package,
      installed: r.installed,
      candidate: r.candidate,
      security: r.security,
      severity: fromDb(r.severity),
      advisories: r.advisories,
      firstSeenAt: r.firstSeenAt,
    })),
  };
}

export type ReportedUpdates = { resource: { id: string; name: string }; updates: ServerUpdates };

/**
 * A scan reported over the API (the webhook and manual executors, or a person): admins, executors
 * and the server's team owners. Recorded as `recordScan` records any scan, `source` the caller's
 * e-mail, with one audit event of the counts (not the packages) in the same transaction.
 */
export async function reportUpdatesAs(user: CurrentUser, name: string, report: UpdateReport, now: Date): Promise<Outcome<ReportedUpdates>> {
  const resource = await db.resource.findUnique({ where: { name }, select: { id: true, name: true, teamId: true } });
  if (!resource) return refuse(404, "not-found", `No resource is named ${name}.`);
  if (!can(user, { action: "updates:report", target: { teamId: resource.teamId } })) {
    return refuse(403, "forbidden", "You may not report this server's updates: executors, admins and the owners of its team may.");
  }
  await db.$transaction(async (tx) => {
    await recordScan(resource.id, report, user.email, now, tx);
    // As recordScan counts them: a package listed twice (two architectures) once, the first.
    const seen = new Set<string>();
    const counts = countsOf({ ...report, updates: report.updates.filter((u) => !seen.has(u.package) && seen.add(u.package)) });
    await recordAudit(tx, {
      actor: { id: user.id, label: user.email },
      action: "resource.updates.report",
      entityType: "resource",
      entityId: resource.id,
      entityLabel: resource.name,
      after: {
        packageManager: report.packageManager,
        release: report.release,
        rebootRequired: report.rebootRequired,
        pendingUpdates: counts.pendingUpdates,
        securityUpdates: counts.securityUpdates,
      },
      at: now,
    });
  });
  return succeed({ resource: { id: resource.id, name: resource.name }, updates: await serverUpdates(resource.id) });
}
