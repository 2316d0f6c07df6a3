import type { z } from "zod";

/** What every form action returns. */
export type FormResult<T = undefined> = {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  data?: T;
};

export function invalid<T>(error: z.ZodError): FormResult<T> {
  const flat = error.flatten();
  return { ok: false, message: "Check the highlighted fields.", fieldErrors: flat.fieldErrors as Record<string, string[] | undefined> };
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
