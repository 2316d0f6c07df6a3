// Maintenance policies as /api/v1 shows them.
import "server-only";
import type { CustomSchedule } from "../domain";
import type { PolicyRecord } from "../data/policies";
import type { PolicyInput } from "../validation/policies";
import { apiPresetOf } from "../validation/policies";

import type { IdParams } from "./respond";
export type { IdParams };

export function policyJson(policy: PolicyRecord) {
  return {
    id: policy.id,
    name: policy.name,
    tags: policy.tags,
    revision: policy.revision,
    schedules: policy.schedules.map((s) => {
      const custom = s.custom as CustomSchedule | null;
      return {
        name: s.name,
        windowHours: s.windowHours,
        ...(s.preset === "custom" && custom
          ? { custom: { minutes: custom.minutes, hours: custom.hours, daysOfWeek: custom.weekdays, daysOfMonth: custom.monthDays, months: custom.months } }
          : { preset: apiPresetOf(s.preset) }),
        rrule: s.recurrence.split("\n---\n"),
      };
    }),
    templates: policy.templates,
  };
}

/** The stored policy as an input, so a PATCH can change some fields and keep the rest. */
export function policyInputOf(policy: PolicyRecord): PolicyInput {
  return {
    name: policy.name,
    tags: policy.tags,
    revision: policy.revision,
    schedules: policy.schedules.map((s) => ({
      name: s.name,
      windowHours: s.windowHours,
      preset: s.preset as PolicyInput["schedules"][number]["preset"],
      custom: (s.custom as CustomSchedule | null) ?? undefined,
    })),
  };
}
