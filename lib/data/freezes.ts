// Freeze periods (issue 16, point 4): stored, listed and edited by admins, read by every check of
// "does anything start inside one" (lib/domain/freezes.ts decides; this module only reads and writes).
import "server-only";
import type { Prisma, Freeze as FreezeRow } from "@prisma/client";
import { db, execute, prepared, qb } from "../db";
import { can, type CurrentUser } from "../auth/permissions";
import { freezesOver, type Freeze, type FreezeConflict, type FreezeScope } from "../domain";
import type { FreezeInput } from "../validation/freezes";
import { recordAudit } from "./audit";
import { refuse, succeed, type Outcome } from "./outcome";

const SCOPE_OF = { ALL: "all", PRODUCTION: "production", NON_PRODUCTION: "non-production" } as const satisfies Record<FreezeRow["scope"], FreezeScope>;
const ROW_SCOPE = { all: "ALL", production: "PRODUCTION", "non-production": "NON_PRODUCTION" } as const satisfies Record<FreezeScope, FreezeRow["scope"]>;

const toFreeze = (row: Pick<FreezeRow, "id" | "name" | "startsAt" | "endsAt" | "reason" | "scope" | "teamIds">): Freeze => ({
  id: row.id,
  name: row.name,
  startsAt: row.startsAt,
  endsAt: row.endsAt,
  reason: row.reason,
  scope: SCOPE_OF[row.scope],
  teamIds: row.teamIds ?? [],
});

/** Compiled once: every page that flags conflicts and every engine tick reads it. */
const freezesEndingAfter = prepared((v: { after: Date }) =>
  qb
    .selectFrom("Freeze")
    .select(["id", "name", "startsAt", "endsAt", "reason", "scope", "teamIds"])
    .where("endsAt", ">", v.after)
    .orderBy("startsAt")
    .orderBy("id")
    .limit(1000),
);

/** The freezes not yet over at `after` (at most 1,000), in time order: what the checks read. */
export async function freezesAfter(after: Date, tx?: Prisma.TransactionClient): Promise<Freeze[]> {
  return (await execute(freezesEndingAfter({ after }), tx)).map(toFreeze);
}

export type FreezeView = Freeze & { teams: { slug: string; name: string }[]; revision: number; createdAt: Date };

/** Every freeze, those still to end first (in time order), then the past ones newest first; at most 500. */
export async function listFreezes(now: Date): Promise<FreezeView[]> {
  const [current, past] = await Promise.all([
    db.freeze.findMany({ where: { endsAt: { gt: now } }, orderBy: [{ startsAt: "asc" }, { id: "asc" }], take: 250 }),
    db.freeze.findMany({ where: { endsAt: { lte: now } }, orderBy: [{ endsAt: "desc" }, { id: "asc" }], take: 250 }),
  ]);
  const rows = [...current, ...past];
  const teams = new Map(
    (await db.team.findMany({ where: { id: { in: [...new Set(rows.flatMap((r) => r.teamIds))] } }, select: { id: true, slug: true, name: true } })).map((t) => [
      t.id,
      t,
    ]),
  );
  return rows.map((r) => ({
    ...toFreeze(r),
    revision: r.revision,
    createdAt: r.createdAt,
    teams: r.teamIds.flatMap((id) => {
      const team = teams.get(id);
      return team ? [{ slug: team.slug, name: team.name }] : [];
    }),
  }));
}

export async function getFreeze(id: string): Promise<FreezeView | null> {
  const row = id.length <= 40 ? await db.freeze.findUnique({ where: { id } }) : null;
  if (!row) return null;
  const teams = await db.team.findMany({ where: { id: { in: row.teamIds } }, select: { slug: true, name: true }, orderBy: { slug: "asc" } });
  return { ...toFreeze(row), revision: row.revision, createdAt: row.createdAt, teams };
}

const actorOf = (user: CurrentUser) => ({ id: user.id, label: user.email });
const FORBIDDEN = "Only admins can define freeze periods.";

/** Team slugs as ids, or the refusal naming the first unknown one. */
async function teamIdsOf(tx: Prisma.TransactionClient, slugs: string[]): Promise<Outcome<string[]>> {
  if (slugs.length === 0) return succeed([]);
  const teams = await tx.team.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } });
  const unknown = slugs.find((s) => !teams.some((t) => t.slug === s));
  if (unknown) return refuse(400, "invalid", `teams: there is no team "${unknown}"`);
  return succeed(teams.map((t) => t.id));
}

const auditShape = (f: { name: string; startsAt: Date; endsAt: Date; scope: string; teams: string[]; reason: string }) => ({
  name: f.name,
  startsAt: f.startsAt.toISOString(),
  endsAt: f.endsAt.toISOString(),
  scope: f.scope,
  teams: f.teams,
  reason: f.reason,
});

/** The columns a freeze's form sets. */
function freezeRow(input: FreezeInput, teamIds: string[]) {
  return { name: input.name, startsAt: input.startsAt, endsAt: input.endsAt, reason: input.reason, scope: ROW_SCOPE[input.scope], teamIds };
}

export async function createFreeze(user: CurrentUser, input: FreezeInput, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "freeze:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  return db.$transaction(async (tx) => {
    const teamIds = await teamIdsOf(tx, input.teams);
    if (!teamIds.ok) return teamIds;
    const row = await tx.freeze.create({
      data: {
        ...freezeRow(input, teamIds.value),
        createdById: user.id,
        createdAt: now,
      },
      select: { id: true },
    });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "freeze.create",
      entityType: "freeze",
      entityId: row.id,
      entityLabel: input.name,
      after: auditShape(input),
      reason: input.reason,
      at: now,
    });
    return succeed(row);
  });
}

const CONFLICT = "Someone changed this freeze since you loaded it. Nothing was saved: reload to see their change.";

export async function updateFreeze(user: CurrentUser, id: string, input: FreezeInput, now: Date): Promise<Outcome<{ id: string }>> {
  if (!can(user, { action: "freeze:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  return db.$transaction(async (tx) => {
    const [current] = await execute(qb.selectFrom("Freeze").selectAll().where("id", "=", id).forUpdate(), tx);
    if (!current) return refuse(404, "not-found", "That freeze does not exist.");
    if (input.revision !== undefined && input.revision !== current.revision) return refuse(409, "conflict", CONFLICT);
    const teamIds = await teamIdsOf(tx, input.teams);
    if (!teamIds.ok) return teamIds;
    await tx.freeze.update({
      where: { id },
      data: {
        ...freezeRow(input, teamIds.value),
        revision: { increment: 1 },
      },
    });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "freeze.update",
      entityType: "freeze",
      entityId: id,
      entityLabel: input.name,
      before: auditShape({ ...current, scope: SCOPE_OF[current.scope], teams: current.teamIds }),
      after: auditShape(input),
      reason: input.reason,
      at: now,
    });
    return succeed({ id });
  });
}

export async function deleteFreeze(user: CurrentUser, id: string, now: Date): Promise<Outcome<null>> {
  if (!can(user, { action: "freeze:manage" })) return refuse(403, "forbidden", FORBIDDEN);
  return db.$transaction(async (tx) => {
    const [current] = await execute(qb.selectFrom("Freeze").selectAll().where("id", "=", id).forUpdate(), tx);
    if (!current) return refuse(404, "not-found", "That freeze does not exist.");
    await tx.freeze.delete({ where: { id } });
    await recordAudit(tx, {
      actor: actorOf(user),
      action: "freeze.delete",
      entityType: "freeze",
      entityId: id,
      entityLabel: current.name,
      before: auditShape({ ...current, scope: SCOPE_OF[current.scope], teams: current.teamIds }),
      at: now,
    });
    return succeed(null);
  });
}

/**
 * The freezes over a template's upgrade window that hold some of its members (their servers, or
 * their clusters' nodes, by environment and team); none without a window.
 */
export async function templateFreezes(templateId: string, window: { start: Date; end: Date } | null): Promise<FreezeConflict[]> {
  if (!window) return [];
  const freezes = (await freezesAfter(window.start)).filter((f) => f.startsAt < window.end);
  if (freezes.length === 0) return [];
  const scope = await execute(
    qb
      .selectFrom("TemplateMember as m")
      .innerJoin("Resource as r", (join) => join.on((eb) => eb.or([eb("r.id", "=", eb.ref("m.resourceId")), eb("r.clusterId", "=", eb.ref("m.clusterId"))])))
      .select(["r.environment", "r.teamId"])
      .distinct()
      .where("m.templateId", "=", templateId),
  );
  const environments = [...new Set(scope.map((s) => (s.environment === "PRODUCTION" ? ("production" as const) : ("non-production" as const))))];
  return freezesOver({ startsAt: window.start, endsAt: window.end }, environments, freezes, new Set(scope.map((s) => s.teamId)));
}
