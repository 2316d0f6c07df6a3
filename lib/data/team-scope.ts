// What a reader's teams (`readableTeams`, issue 21) hold, for the lists of template members and
// their history: a server when its team is one of them, a cluster when one of its nodes is. The
// lists of executions say the same of executions (execution-rows.ts, by member name).
import "server-only";
import { sql, type Expression, type RawBuilder, type SqlBool } from "kysely";
import { qb } from "../db";
import type { TeamScope } from "../auth/permissions";

/** Whether a row naming a server (`resourceId`) or a cluster (`clusterId`) is held by `teams`; null holds all. */
export function heldByTeams(teams: TeamScope, resourceId: Expression<string | null>, clusterId: Expression<string | null>): RawBuilder<SqlBool> {
  if (teams === null) return sql<SqlBool>`true`;
  if (teams.length === 0) return sql<SqlBool>`false`;
  const ofTeams = qb.selectFrom("Resource").where("teamId", "in", [...teams]);
  return sql<SqlBool>`(${resourceId} in (${ofTeams.select("id")}) or ${clusterId} in (${ofTeams.select("clusterId")}))`;
}
