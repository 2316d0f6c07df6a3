// The schedule presets and window limits, apart from the recurrence maths so that forms can
// import them without bundling rrule.
export const SCHEDULE_PRESETS = {
  "weekly-sunday": "Every week on Sunday at midnight",
  biweekly: "Every two weeks at midnight",
  "monthly-1st": "Every month on the 1st at midnight",
  "bimonthly-1st": "Every two months on the 1st at midnight",
} as const;
export type SchedulePreset = keyof typeof SCHEDULE_PRESETS;

export const WINDOW_HOURS = { min: 1, max: 24 } as const;
