// The home page's "Needs you": what waits for the person signed in. Approvers (and admins) see the
// submitted changes they may decide; owners see, per team of theirs, the resources excluded from
// the coming parties and the members that failed their latest party or upgrade. Two aggregate
// statements, whatever the fleet size.
import "server-only";
import { can, type CurrentUser } from "../auth/permissions";
import { execute, qb } from "../db";

/** How many submitted changes the card names; the rest are counted and one link away. */
export const NEEDS_YOU_CHANGES_SHOWN = 5;

export type TeamAttention = { slug: string; name: string; excluded: number; failedInParty: number; failedInUpgrade: number };
export type NeedsYou = {
  /** Null for someone who does not decide changes. */
  changes: { total: number; items: { id: string; title: string; plannedStart: Date }[] } | null;
  /** One entry per team of the person's with something to follow; empty when nothing is. */
  teams: TeamAttention[];
};

/** Submitted changes the person may decide (not their own requests), soonest first, with how many there are. */
async function changesToDecide(user: CurrentUser) {
  const rows = await execute(
    qb
      .selectFrom("ChangeRequest")
      .select((eb) => ["id", "title", "plannedStart", eb.cast<number>(eb.fn.countAll().over(), "integer").as("total")])
      .where("state", "=", "SUBMITTED")
      .where("requestedById", "!=", user.id)
      .orderBy("plannedStart")
      .orderBy("id")
      .limit(NEEDS_YOU_CHANGES_SHOWN),
  );
  return { total: rows[0]?.total ?? 0, items: rows.map(({ id, title, plannedStart }) => ({ id, title, plannedStart })) };
}

/** Per team: resources excluded (from the coming parties), failed in their latest party, failed in their template's upgrade. */
async function teamsToFollow(teamIds: string[]): Promise<TeamAttention[]> {
  if (teamIds.length === 0) return [];
  const rows = await execute(
    qb
      .selectFrom("Team as t")
      .leftJoin("Resource as r", "r.teamId", "t.id")
      .select((eb) => [
        "t.slug",
        "t.name",
        eb.cast<number>(eb.fn.countAll().filterWhere("r.excluded", "=", true), "integer").as("excluded"),
        eb.cast<number>(eb.fn.countAll().filterWhere("r.lastOutcome", "=", "FAILED"), "integer").as("failedInParty"),
        // Members of a template whose last upgrade failed: the team's servers, or clusters holding one of them.
        eb
          .selectFrom("TemplateMember as m")
          .select((eb) => eb.cast<number>(eb.fn.count("m.id").distinct(), "integer").as("n"))
          .where("m.state", "=", "FAILED")
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom("Resource as mr")
                .select("mr.id")
                .whereRef("mr.teamId", "=", "t.id")
                .where((eb) => eb.or([eb("mr.id", "=", eb.ref("m.resourceId")), eb("mr.clusterId", "=", eb.ref("m.clusterId"))])),
            ),
          )
          .as("failedInUpgrade"),
      ])
      .where((eb) => eb("t.id", "=", eb.fn.any(eb.val(teamIds))))
      .groupBy(["t.id", "t.slug", "t.name"])
      .orderBy("t.name"),
  );
  return rows
    .map((r) => ({ slug: r.slug, name: r.name, excluded: r.excluded, failedInParty: r.failedInParty, failedInUpgrade: r.failedInUpgrade ?? 0 }))
    .filter((r) => r.excluded + r.failedInParty + r.failedInUpgrade > 0);
}

export async function needsYou(user: CurrentUser): Promise<NeedsYou> {
  const [changes, teams] = await Promise.all([
    can(user, { action: "change:decide" }) ? changesToDecide(user) : Promise.resolve(null),
    teamsToFollow(user.teamIds),
  ]);
  return { changes, teams };
}
