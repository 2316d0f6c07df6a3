// A bounded memo for pure computations that are costly and asked again and again (zone
// arithmetic, feed rendering). Keys must say everything the value depends on. Cleared when full:
// simpler than LRU, and the working set is small.
export function boundedMemo<V>(max: number) {
  const values = new Map<string, V>();
  return (key: string, compute: () => V): V => {
    const known = values.get(key);
    if (known !== undefined) return known;
    const value = compute();
    if (values.size >= max) values.clear();
    values.set(key, value);
    return value;
  };
}
