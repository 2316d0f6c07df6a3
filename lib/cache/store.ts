import "server-only";
// The one way this process keeps anything across requests (decision 015). A store is bounded by a
// number of entries and cleared whole when full (simpler than LRU; every working set here is
// small), and it is invalidated in one of two ways only: by its key, which names everything the
// value depends on, or by a database token (versioned.ts). What it hands out is frozen, and typed
// read-only, because every request shares it: a caller that changed it would change the next
// request's answer.

/** A value as a store hands it out: read-only all the way down. */
export type Frozen<T> = unknown extends T
  ? T
  : T extends Date | string | number | boolean | bigint | symbol | null | undefined
    ? T
    : T extends (...args: never[]) => unknown
      ? T
      : { readonly [K in keyof T]: Frozen<T[K]> };

/** Freezes `value` and everything it holds (arrays and plain objects), in place, and returns it. */
export function freeze<T>(value: T): Frozen<T> {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) freeze(inner);
  }
  return value as Frozen<T>;
}

export type Store<V> = {
  readonly name: string;
  get(key: string): Frozen<V> | undefined;
  /** Keeps `value` under `key` (frozen) and returns it. */
  set(key: string, value: V): Frozen<V>;
  /** The value kept under `key`, or `compute()`'s, kept. */
  remember(key: string, compute: () => V): Frozen<V>;
  clear(): void;
  readonly size: number;
};

const stores = new Map<string, Store<unknown>>();

/** A store of at most `max` entries, named for `storeSizes` and tests. */
export function boundedStore<V>(name: string, max: number): Store<V> {
  if (stores.has(name)) throw new Error(`A store named ${name} exists already.`);
  const values = new Map<string, Frozen<V>>();
  const store: Store<V> = {
    name,
    get: (key) => values.get(key),
    set(key, value) {
      if (values.size >= max && !values.has(key)) values.clear();
      const frozen = freeze(value);
      values.set(key, frozen);
      return frozen;
    },
    remember(key, compute) {
      return values.get(key) ?? store.set(key, compute());
    },
    clear: () => values.clear(),
    get size() {
      return values.size;
    },
  };
  stores.set(name, store as Store<unknown>);
  return store;
}

/** Every store's entries, by name (for an operator's look and for tests). */
export function storeSizes(): Record<string, number> {
  return Object.fromEntries([...stores.values()].map((s) => [s.name, s.size]));
}

/** Empties every store (tests that change what a value depends on behind the stores' back). */
export function clearStores() {
  for (const store of stores.values()) store.clear();
}
