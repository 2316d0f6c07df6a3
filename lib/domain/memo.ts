// Bounded in-process stores. Cleared when full: simpler than LRU, and the working sets are small.

/** A map of at most `max` entries. */
export function boundedMap<V>(max: number) {
  const values = new Map<string, V>();
  return {
    get: (key: string) => values.get(key),
    set(key: string, value: V) {
      if (values.size >= max) values.clear();
      values.set(key, value);
    },
  };
}

/**
 * A memo for pure computations that are costly and asked again and again (zone arithmetic, feed
 * rendering). Keys must say everything the value depends on.
 */
export function boundedMemo<V>(max: number) {
  const values = boundedMap<V>(max);
  return (key: string, compute: () => V): V => {
    const known = values.get(key);
    if (known !== undefined) return known;
    const value = compute();
    values.set(key, value);
    return value;
  };
}
