// Data that many requests read and that seldom changes (the parties and their rule), kept by each
// server process and checked on every use against a token the database moves whenever that data
// changes ("DataVersion", moved by triggers in the same commit as the change: see its migration).
// A use costs one small statement instead of the data's reads, and sees the data as committed when
// it asked: a read that raced a change is kept under the token from before it, which has moved.
import { execute, qb } from "../db";

/** `read`, kept until the token named `name` moves; concurrent uses of a new token share one read. */
export function versioned<T>(name: string, read: () => Promise<T>): () => Promise<T> {
  let kept: { token: string; value: Promise<T> } | null = null;
  return async () => {
    const [row] = await execute(qb.selectFrom("DataVersion").select("token").where("name", "=", name));
    if (!row) return read(); // nothing to check against: never kept
    if (kept?.token === row.token) return kept.value;
    const value = read();
    const entry = { token: row.token, value };
    kept = entry;
    value.catch(() => {
      if (kept === entry) kept = null; // a failed read is not kept
    });
    return value;
  };
}
