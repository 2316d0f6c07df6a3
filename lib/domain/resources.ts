// Exclusion state of a resource at an instant: an exclusion with an expiry ends by itself.
export type ExclusionFields = { excluded: boolean; exclusionUntil: Date | null };

export function isExcludedAt(resource: ExclusionFields, now: Date): boolean {
  return resource.excluded && (resource.exclusionUntil === null || resource.exclusionUntil > now);
}

export const CONFLICT_MESSAGE = "This resource was changed by someone else since you loaded it. Nothing was saved: reload to see the change, then try again.";
