// Ordered upgrade plans as /api/v1 shows them.
import "server-only";
import type { TemplatePlan } from "../data/upgrade-plans";

export function templatePlanJson(p: TemplatePlan) {
  return {
    template: { id: p.template.id, name: p.template.name, targetVersion: p.template.targetVersion, revision: p.template.revision },
    components: p.components,
    plan: p.plan,
    windowMinutes: p.windowMinutes,
    fitsWindow: p.plan && p.windowMinutes !== null ? p.plan.totalMinutes <= p.windowMinutes : null,
  };
}
