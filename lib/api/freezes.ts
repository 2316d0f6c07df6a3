// Freeze periods as /api/v1 shows them.
import "server-only";
import type { FreezeView } from "../data/freezes";

export function freezeJson(f: FreezeView) {
  return {
    id: f.id,
    name: f.name,
    startsAt: f.startsAt.toISOString(),
    endsAt: f.endsAt.toISOString(),
    reason: f.reason,
    scope: f.scope,
    teams: f.teams.map((t) => t.slug),
    revision: f.revision,
    createdAt: f.createdAt.toISOString(),
  };
}

/** A stored freeze as the body that would save it unchanged (PATCH merges its fields into this). */
export const freezeInputOf = (f: FreezeView) => {
  const { id: _id, revision: _revision, createdAt: _createdAt, ...input } = freezeJson(f);
  return input;
};
