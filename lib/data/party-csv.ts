// A party's resources with their outcomes as CSV (the party page's "Download CSV"): every resource
// of its environment, in name order, a batch at a time (keyset on the name), each with what the
// party did to it once it ran.
import "server-only";
import type { CalendarParty } from "../domain";
import type { TeamScope } from "../auth/permissions";
import { execute, qb } from "../db";
import { KINDS } from "../validation/resources";
import { writeCsv } from "./csv";
import { environmentOf } from "./party-detail";
import { scopeFilter } from "./resource-list";

const EXPORT_BATCH = 2_000;
const kindSlug = (kind: string) => Object.entries(KINDS).find(([, v]) => v === kind)?.[0] ?? kind;
export const PARTY_CSV_COLUMNS = [
  "party",
  "kind",
  "resource",
  "team",
  "resource_kind",
  "cluster",
  "group",
  "excluded",
  "exclusion_reason",
  "outcome",
  "message",
  "started_at",
  "finished_at",
] as const;

export type PartyCsvFilters = { group?: number };

/** The party's resources (of one group, or all) within a reader's teams, with its outcome for each: none yet before it ran, or for a projected party. */
export async function* exportPartyCsv(party: CalendarParty, filters: PartyCsvFilters, teams: TeamScope): AsyncGenerator<string> {
  yield writeCsv([PARTY_CSV_COLUMNS]);
  const partyId = party.id ?? "";
  let after: string | null = null;
  for (;;) {
    let query = qb
      .selectFrom("Resource as r")
      .innerJoin("Team as t", "t.id", "r.teamId")
      .leftJoin("Cluster as c", "c.id", "r.clusterId")
      .leftJoin("PatchOutcome as o", (join) => join.onRef("o.resourceId", "=", "r.id").on("o.partyId", "=", partyId))
      .select((eb) => [
        "r.name",
        "t.slug as team",
        "r.kind",
        "c.name as cluster",
        // The group it was patched in, once it was; the one it is in otherwise.
        eb.fn.coalesce("o.group", "r.patchGroup").as("group"),
        "r.excluded",
        "r.exclusionReason",
        "o.status",
        "o.message",
        "o.startedAt",
        "o.finishedAt",
      ])
      .where("r.environment", "=", environmentOf(party.kind))
      .where(scopeFilter(teams));
    if (filters.group) {
      const group = filters.group;
      query = query.where((eb) => eb(eb.fn.coalesce("o.group", "r.patchGroup"), "=", group));
    }
    if (after !== null) query = query.where("r.name", ">", after);
    const rows = await execute(query.orderBy("r.name").limit(EXPORT_BATCH));
    if (rows.length === 0) return;
    yield writeCsv(
      rows.map((r) => [
        party.tag,
        party.kind,
        r.name,
        r.team,
        kindSlug(r.kind),
        r.cluster,
        r.group,
        r.excluded,
        r.exclusionReason,
        r.status?.toLowerCase(),
        r.message,
        r.startedAt,
        r.finishedAt,
      ]),
    );
    after = rows[rows.length - 1]!.name;
  }
}
