import type { z } from "zod";

/** What every form action returns. */
export type FormResult<T = undefined> = {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  data?: T;
};

/**
 * A refused parse as the fields to highlight. A top-level field's errors are under its name; a
 * nested one's under its dotted path too ("schedules.0.windowHours"), or under the form field
 * `field` names for it (the party rule's `businessHours.start` is its `businessStart` input), so a
 * form can show every message at its field rather than a path in a banner.
 */
export function invalid<T>(error: z.ZodError, field: (path: string) => string = (path) => path): FormResult<T> {
  const fieldErrors = { ...(error.flatten().fieldErrors as Record<string, string[] | undefined>) };
  for (const issue of error.issues) {
    if (issue.path.length < 2) continue;
    const key = field(issue.path.map(String).join("."));
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  return { ok: false, message: "Check the highlighted fields.", fieldErrors };
}

export const forbidden = <T>(message: string): FormResult<T> => ({ ok: false, message });

/**
 * A form field as text, or undefined when it is missing, a file, or holds a NUL character
 * (PostgreSQL cannot store one; no browser sends one): the schema then refuses it by name.
 */
export function formText(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" && !value.includes("\u0000") ? value : undefined;
}
