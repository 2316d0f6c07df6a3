import { db } from "../db";

export function listPolicies() {
  return db.maintenancePolicy.findMany({
    orderBy: { name: "asc" },
    take: 200,
    select: { id: true, name: true, tags: true, _count: { select: { schedules: true, templates: true } } },
  });
}
