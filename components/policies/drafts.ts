import type { PolicyRecord } from "@/lib/data/policies";
import type { ScheduleDraft } from "./policy-form";

const list = (value: unknown) => (value === "every" || value === undefined ? "every" : (value as number[]).join(", "));

/** A stored schedule as the editor shows it. */
export function toDraft(s: PolicyRecord["schedules"][number]): ScheduleDraft {
  const custom = (s.custom ?? {}) as Record<string, unknown>;
  return {
    name: s.name,
    preset: s.preset as ScheduleDraft["preset"],
    windowHours: s.windowHours,
    custom: {
      minutes: list(custom.minutes),
      hours: list(custom.hours),
      weekdays: list(custom.weekdays),
      monthDays: list(custom.monthDays),
      months: list(custom.months),
    },
  };
}
