// Production installs what QA tested (issue 20, point 2; decision 020). When a quarter's QA party
// completes, the versions its servers' upgrades ended with are the quarter's tested set, per
// distribution release. The production party installs exactly those (the executors are handed
// `install: { tag, release }` and read the list when they run); a package that appeared or changed
// since QA is held back until an admin lets it through, audited.
import "server-only";
import type { Prisma } from "@prisma/client";
import { can, type CurrentUser } from "../auth/permissions";
import { db, execute, qb } from "../db";
import { recordAudit } from "./audit";
import type { Outcome } from "./outcome";

type Tx = Prisma.TransactionClient;

/** A tested package: what production installs for it on servers of `release`. */
export type TestedPackageRow = { release: string; package: string; version: string; source: "qa" | "approved" };

/**
 * Records the tested set of the QA party `partyId` (tag `tag`) from its members' successful
 * upgrades: per release and package, the version it was upgraded to (the latest upgrade's, when
 * servers differ). A version an admin approved for production stays. Returns how many were recorded.
 */
export async function recordTestedSet(tx: Tx, partyId: string, tag: string, now: Date): Promise<number> {
  const rows = await execute(
    qb
      .selectFrom("Execution as e")
      .leftJoin("UpdateScan as s", "s.resourceId", "e.resourceId")
      .select(["e.packages", "s.release", "e.finishedAt"])
      .where("e.partyId", "=", partyId)
      .where("e.state", "=", "SUCCEEDED")
      .orderBy("e.finishedAt")
      .orderBy("e.id"),
    tx,
  );
  const tested = new Map<string, { release: string; package: string; version: string }>();
  for (const row of rows) {
    const release = row.release ?? "";
    for (const change of row.packages) if (change.to) tested.set(`${release}\n${change.name}`, { release, package: change.name, version: change.to });
  }
  if (tested.size === 0) return 0;
  for (const t of tested.values()) {
    const existing = await tx.testedPackage.findUnique({ where: { tag_release_package: { tag, release: t.release, package: t.package } } });
    if (existing?.source === "approved") continue;
    await tx.testedPackage.upsert({
      where: { tag_release_package: { tag, release: t.release, package: t.package } },
      create: { tag, ...t, source: "qa", recordedAt: now },
      update: { version: t.version, source: "qa", recordedAt: now },
    });
  }
  await recordAudit(tx, {
    actor: { id: null, label: "scheduler" },
    action: "party.tested-set",
    entityType: "party",
    entityId: partyId,
    entityLabel: `${tag} QA`,
    after: { packages: tested.size, releases: [...new Set([...tested.values()].map((t) => t.release || "unknown"))].sort() },
    at: now,
  });
  return tested.size;
}

/** Whether QA recorded a tested set for the quarter `tag` (none: production upgrades as before). */
export async function hasTestedSet(tag: string, tx: Tx | typeof db = db): Promise<boolean> {
  return (await tx.testedPackage.count({ where: { tag }, take: 1 })) > 0;
}

/** What production installs on servers of `release` in quarter `tag`. */
export async function testedPackages(tag: string, release: string): Promise<{ name: string; version: string }[]> {
  const rows = await db.testedPackage.findMany({ where: { tag, release }, select: { package: true, version: true }, orderBy: { package: "asc" } });
  return rows.map((r) => ({ name: r.package, version: r.version }));
}

export type ProductionPackages = {
  tag: string;
  /** null: QA recorded no package versions (its executor reports none): production installs the newest. */
  testedSet: TestedPackageRow[] | null;
  groups: {
    group: number;
    /** What production installs: the tested version, on this many servers that have the package pending. */
    install: { release: string; package: string; version: string; source: "qa" | "approved"; servers: number }[];
    /** Pending but not installed: never tested, or the candidate changed since QA. */
    heldBack: { release: string; package: string; candidate: string; tested: string | null; servers: number }[];
  }[];
};

const releaseLabel = (release: string | null) => release ?? "";

/** The production party of quarter `tag`: per group, what it will install and what it holds back (from the servers' last scans). */
export async function productionPackages(tag: string): Promise<ProductionPackages> {
  const set = await db.testedPackage.findMany({ where: { tag }, orderBy: [{ release: "asc" }, { package: "asc" }] });
  const rows = await execute(
    qb
      .selectFrom("PendingUpdate as p")
      .innerJoin("Resource as r", "r.id", "p.resourceId")
      .leftJoin("UpdateScan as s", "s.resourceId", "r.id")
      .leftJoin("TestedPackage as t", (join) =>
        join
          .on("t.tag", "=", tag)
          .onRef("t.package", "=", "p.package")
          .on((eb) => eb("t.release", "=", eb.fn.coalesce("s.release", eb.val("")))),
      )
      .select((eb) => [
        "r.patchGroup as group",
        "s.release",
        "p.package",
        "p.candidate",
        "t.version as tested",
        "t.source",
        eb.fn.countAll<string>().as("servers"),
      ])
      .where("p.resolvedAt", "is", null)
      .where("r.environment", "=", "PRODUCTION")
      .where("r.excluded", "=", false)
      .groupBy(["r.patchGroup", "s.release", "p.package", "p.candidate", "t.version", "t.source"])
      .orderBy("r.patchGroup")
      .orderBy("p.package"),
  );
  const groups = new Map<number, ProductionPackages["groups"][number]>();
  for (const row of rows) {
    const g = groups.get(row.group) ?? { group: row.group, install: [], heldBack: [] };
    groups.set(row.group, g);
    const release = releaseLabel(row.release);
    const servers = Number(row.servers);
    if (row.tested) {
      const same = g.install.find((i) => i.release === release && i.package === row.package && i.version === row.tested);
      if (same) same.servers += servers;
      else g.install.push({ release, package: row.package, version: row.tested, source: row.source === "approved" ? "approved" : "qa", servers });
    }
    if (row.tested !== row.candidate && set.length > 0)
      g.heldBack.push({ release, package: row.package, candidate: row.candidate, tested: row.tested, servers });
  }
  return {
    tag,
    testedSet: set.length
      ? set.map((t) => ({ release: t.release, package: t.package, version: t.version, source: t.source === "approved" ? "approved" : "qa" }))
      : null,
    groups: [...groups.values()],
  };
}

/** An admin lets a held-back version through to the production party of `tag`, with a reason (audited). */
export async function approveForProduction(
  user: CurrentUser,
  tag: string,
  input: { release: string; package: string; version: string; reason: string },
  now: Date,
): Promise<Outcome<TestedPackageRow>> {
  if (!can(user, { action: "party:manage" })) return { ok: false, status: 403, code: "forbidden", message: "Only admins may let an untested version through." };
  const party = await db.party.findUnique({ where: { tag_kind: { tag, kind: "PRODUCTION" } }, select: { id: true, status: true } });
  if (!party) return { ok: false, status: 404, code: "not_found", message: `There is no production party ${tag}.` };
  if (party.status === "COMPLETED" || party.status === "CANCELLED")
    return { ok: false, status: 409, code: "party_over", message: `The production party ${tag} is ${party.status.toLowerCase()}: nothing more is installed.` };
  const key = { tag_release_package: { tag, release: input.release, package: input.package } };
  return db.$transaction(async (tx) => {
    const before = await tx.testedPackage.findUnique({ where: key });
    const row = await tx.testedPackage.upsert({
      where: key,
      create: {
        tag,
        release: input.release,
        package: input.package,
        version: input.version,
        source: "approved",
        recordedAt: now,
        approvedById: user.id,
        reason: input.reason,
      },
      update: { version: input.version, source: "approved", recordedAt: now, approvedById: user.id, reason: input.reason },
    });
    await recordAudit(tx, {
      actor: { id: user.id, label: user.email },
      action: "party.tested-set.approve",
      entityType: "party",
      entityId: party.id,
      entityLabel: `${tag} production`,
      before: before ? { package: before.package, release: before.release, version: before.version, source: before.source } : undefined,
      after: { package: row.package, release: row.release, version: row.version, source: "approved" },
      reason: input.reason,
      at: now,
    });
    return { ok: true as const, value: { release: row.release, package: row.package, version: row.version, source: "approved" as const } };
  });
}
