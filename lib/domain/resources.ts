// Exclusion state of a resource at an instant: an exclusion with an expiry ends by itself.
export type ExclusionFields = { excluded: boolean; exclusionUntil: Date | null };

export function isExcludedAt(resource: ExclusionFields, now: Date): boolean {
  return resource.excluded && (resource.exclusionUntil === null || resource.exclusionUntil > now);
}

export const CONFLICT_MESSAGE = "This resource was changed by someone else since you loaded it. Nothing was saved: reload to see the change, then try again.";

/** The environments and kinds as the API and the CSV write them, with their stored values. */
export const ENVIRONMENTS = { production: "PRODUCTION", "non-production": "NON_PRODUCTION" } as const;
export const KINDS = {
  server: "SERVER",
  vm: "VM",
  hypervisor: "HYPERVISOR",
  "container-node": "CONTAINER_NODE",
  "database-node": "DATABASE_NODE",
  "broker-node": "BROKER_NODE",
  "storage-node": "STORAGE_NODE",
  "virtual-appliance": "VIRTUAL_APPLIANCE",
} as const;
