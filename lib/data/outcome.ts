// What a write returns: the new state, or why nothing changed. Pages show `message`; the API
// answers `status` with it.
import "server-only";
export type Refusal = { ok: false; status: 400 | 403 | 404 | 409; code: string; message: string };
export type Outcome<T> = { ok: true; value: T } | Refusal;

export const refuse = (status: Refusal["status"], code: string, message: string): Refusal => ({ ok: false, status, code, message });
export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
