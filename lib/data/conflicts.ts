// Conflicts found before they happen (issue 16, point 5): reads what lib/domain/conflicts.ts and
// lib/domain/freezes.ts need and asks them. Member scopes are read only for the templates whose
// windows overlap a slot, so a page with no overlap pays one cheap statement, not an aggregate.
import "server-only";
import { sql } from "kysely";
import { db, execute, qb } from "../db";
import type { TeamScope } from "../auth/permissions";
import {
  firstDayClear,
  partyFreezes,
  windowConflicts,
  type CalendarParty,
  type ConflictTemplate,
  type Freeze,
  type PartyKind,
  type WindowConflict,
} from "../domain";
import { freezesAfter } from "./freezes";
import { listParties } from "./parties";
import { getPartyRule } from "./party-rule";
import { listPolicyWindows, type PolicyWindow } from "./policies";

export type FreezeHit = {
  kind: "freeze";
  party: { tag: string; kind: PartyKind };
  freeze: Pick<Freeze, "id" | "name" | "startsAt" | "endsAt">;
  fix: string;
};

/**
 * The servers of these templates (members, and nodes of member clusters) a party patches, per
 * environment and group: of `teams` (the reader's `readableTeams`; null: all). An owner's conflicts
 * count and name their teams' servers only (issue 21).
 */
async function templateScopes(templateIds: string[], teams: TeamScope) {
  if (templateIds.length === 0 || teams?.length === 0) return [];
  const rows = await execute(
    qb
      .selectFrom("TemplateMember as m")
      .innerJoin("Resource as r", (join) => join.on((eb) => eb.or([eb("r.id", "=", eb.ref("m.resourceId")), eb("r.clusterId", "=", eb.ref("m.clusterId"))])))
      .select((eb) => [
        "m.templateId",
        "r.environment",
        "r.patchGroup",
        eb.fn.count<string>("r.id").distinct().as("servers"),
        sql<string[]>`(array_agg(distinct ${eb.ref("r.name")} order by ${eb.ref("r.name")}))[1:5]`.as("names"),
      ])
      .where("m.templateId", "=", (eb) => eb.fn.any(eb.val(templateIds)))
      .where((eb) => eb.not(eb.ref("r.excluded")))
      .$if(teams !== null, (q) => q.where("r.teamId", "in", [...teams!]))
      .groupBy(["m.templateId", "r.environment", "r.patchGroup"]),
  );
  return rows.map((r) => ({
    templateId: r.templateId,
    environment: r.environment === "PRODUCTION" ? ("production" as const) : ("non-production" as const),
    group: r.patchGroup,
    servers: Number(r.servers),
    names: r.names,
  }));
}

/**
 * The conflicts of the parties in [from, to) still to come (optionally one party, or one
 * template's): slots overlapping an upgrade window of a template whose servers they patch, and
 * slots inside a freeze. In time order.
 */
export async function findConflicts(
  from: Date,
  to: Date,
  now: Date,
  teams: TeamScope,
  only: { party?: { tag: string; kind: PartyKind }; templateId?: string } = {},
): Promise<{ windows: WindowConflict[]; freezes: FreezeHit[] }> {
  const [all, windows, freezes] = await Promise.all([listParties(from, to), listPolicyWindows(from, to), freezesAfter(from)]);
  const parties = all.filter((p) => !only.party || (p.tag === only.party.tag && p.kind === only.party.kind));
  const conflicts = await windowConflictsOf(parties, windows, now, teams, only.templateId);
  return {
    windows: conflicts,
    freezes: only.templateId
      ? []
      : await freezeHits(
          parties.filter((p) => p.status === "planned" && p.endsAt > now),
          freezes,
        ),
  };
}

/**
 * The window conflicts among parties and policy windows a page has already read (the calendar):
 * only the parties still to come count, and only the templates (or `templateId`) whose windows
 * overlap one of their slots have their servers counted.
 */
export async function windowConflictsOf(
  parties: readonly CalendarParty[],
  windows: readonly PolicyWindow[],
  now: Date,
  teams: TeamScope,
  templateId?: string,
): Promise<WindowConflict[]> {
  const open = parties.filter((p) => p.status === "planned" && p.endsAt > now);
  const slots = open.flatMap((p) => p.slots);
  const touching = windows.filter((w) => slots.some((s) => s.startsAt < w.end && w.start < s.endsAt));
  if (touching.length === 0) return [];
  const templates = await db.template.findMany({
    where: { policyId: { in: [...new Set(touching.map((w) => w.policyId))] }, ...(templateId ? { id: templateId } : {}) },
    select: { id: true, name: true, policyId: true },
    orderBy: { name: "asc" },
  });
  const candidates: ConflictTemplate[] = templates.map((t) => ({ id: t.id, name: t.name, windows: touching.filter((w) => w.policyId === t.policyId) }));
  const scopes = await templateScopes(
    candidates.map((t) => t.id),
    teams,
  );
  return windowConflicts(
    open.map((p) => ({ tag: p.tag, kind: p.kind, cancelled: false, slots: p.slots })),
    candidates,
    scopes,
  );
}

async function freezeHits(parties: CalendarParty[], freezes: Freeze[]): Promise<FreezeHit[]> {
  const hits = parties.flatMap((party) => partyFreezes(party, freezes).map((c) => ({ party, freeze: freezes.find((f) => f.id === c.id)! })));
  if (hits.length === 0) return [];
  const rule = await getPartyRule();
  return hits.map(({ party, freeze }) => {
    const clear = firstDayClear(rule, party, freezes);
    return {
      kind: "freeze" as const,
      party: { tag: party.tag, kind: party.kind },
      freeze: { id: freeze.id, name: freeze.name, startsAt: freeze.startsAt, endsAt: freeze.endsAt },
      fix: clear
        ? `Move the party to ${clear.localDate}, the first day its slots are clear of every freeze (POST /api/v1/parties/${party.tag}/${party.kind}/move).`
        : "Move the party by hand: no day in the next 120 is clear.",
    };
  });
}
