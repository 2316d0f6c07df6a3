import "server-only";
// Data that many requests read and that seldom changes (the parties and their rule), kept by each
// server process and checked on every use against a token the database moves whenever that data
// changes ("DataVersion", moved by triggers in the same commit as the change: see its migration).
// A use costs one small statement instead of the data's reads, and sees the data as committed when
// it asked: a read that raced a change is kept under the token from before it, which has moved.
import { execute, prepared, qb } from "../db";
import { freeze, type Frozen } from "./store";

export type VersionedStore<T> = {
  readonly name: string;
  /**
   * The value kept under `key` while the token named `name` has not moved; else `load`'s, kept
   * (frozen). A store keeps at most `max` keys (all dropped when full, as a bounded store does).
   */
  read(load: () => Promise<T>, key?: string): Promise<Frozen<T>>;
  clear(): void;
};

const tokenOf = prepared((v: { name: string }) => qb.selectFrom("DataVersion").select("token").where("name", "=", v.name));

/**
 * Concurrent uses of a key under a new token share one load; a failed load is not kept. Loads of
 * one key run one at a time, whatever their tokens: while data changes often (a party's forecast
 * on its own day), a process works out at most one copy at once and holds at most one in memory.
 */
export function versionedStore<T>(name: string, max = 1): VersionedStore<T> {
  let kept: { token: string; values: Map<string, Promise<Frozen<T>>> } | null = null;
  const loading = new Map<string, Promise<unknown>>();
  return {
    name,
    async read(load, key = "") {
      const [row] = await execute(tokenOf({ name }));
      if (!row) return load().then((value) => freeze<T>(value)); // nothing to check against: never kept
      if (kept?.token !== row.token) kept = { token: row.token, values: new Map() };
      const values = kept.values;
      const known = values.get(key);
      if (known) return known;
      if (values.size >= max) values.clear();
      const before = loading.get(key) ?? Promise.resolve();
      const value = before.then(load, load).then((loaded) => freeze<T>(loaded));
      const settled = value.then(
        () => undefined,
        () => undefined,
      );
      loading.set(key, settled);
      void settled.then(() => {
        if (loading.get(key) === settled) loading.delete(key);
      });
      values.set(key, value);
      value.catch(() => {
        if (values.get(key) === value) values.delete(key);
      });
      return value;
    },
    clear() {
      kept = null;
    },
  };
}
