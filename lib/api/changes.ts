// Change requests as /api/v1 shows them, and the shared handler of their transitions.
import "server-only";
import type { ChangeAction } from "../domain";
import { authenticateRequest } from "../auth/session";
import { scopeDrift } from "../data/change-binding";
import { decideChange, getChange, type ChangeRecord } from "../data/change-requests";
import { DecisionSchema } from "../validation/changes";
import { apiError, readBody, unauthorized } from "./respond";

import type { IdParams } from "./respond";
export type { IdParams };

export function changeJson(c: ChangeRecord) {
  return {
    id: c.id,
    title: c.title,
    state: c.state,
    subject: c.party
      ? { party: { tag: c.party.tag, kind: c.party.kind.toLowerCase() } }
      : c.template
        ? { template: { id: c.template.id, name: c.template.name } }
        : null,
    scope: c.scope,
    plannedStart: c.plannedStart.toISOString(),
    plannedEnd: c.plannedEnd.toISOString(),
    rollbackPlan: c.rollbackPlan,
    acceptanceCriteria: c.acceptanceCriteria,
    contacts: c.contacts,
    requestedBy: c.requestedBy,
    decidedBy: c.decidedBy,
    decidedAt: c.decidedAt?.toISOString() ?? null,
    decisionComment: c.decisionComment,
    revision: c.revision,
    createdAt: c.createdAt.toISOString(),
    approvedWindow: c.approvedStart && c.approvedEnd ? { startsAt: c.approvedStart.toISOString(), endsAt: c.approvedEnd.toISOString() } : null,
    driftNote: c.driftNote,
  };
}

export async function changeResponse(id: string, status = 200) {
  const change = id.length <= 40 ? await getChange(id) : null;
  if (!change) return apiError(404, "No change request has that id.");
  // Since it was approved: the resources added to or removed from its scope, per group.
  const drift = change.approvedStart ? await scopeDrift(change) : null;
  return Response.json({ ...changeJson(change), scopeDrift: drift }, { status, headers: { ETag: `"${change.revision}"` } });
}

/** POST /api/v1/changes/{id}/{submit|approve|reject} { comment?, revision? } (or If-Match). */
export async function transitionRoute(request: Request, { params }: IdParams, action: Exclude<ChangeAction, "edit" | "reopen">) {
  const user = await authenticateRequest(request);
  if (!user) return unauthorized();
  const body = await readBody(request, DecisionSchema);
  if (!body.ok) return body.response;
  const { id } = await params;
  if (id.length > 40) return apiError(404, "No change request has that id.");
  const result = await decideChange(user, id, action, body.data, new Date());
  if (!result.ok) return apiError(result.status, result.message);
  return changeResponse(id);
}
