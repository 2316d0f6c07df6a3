import { expect, it } from "vitest";
import { boundedStore, clearStores, freeze, storeSizes } from "@/lib/cache/store";

it("computes a key once, and starts over when full", () => {
  let computed = 0;
  const store = boundedStore<number>("test-squares", 2);
  const square = (n: number) => store.remember(String(n), () => (computed++, n * n));
  expect([square(3), square(3), square(4)]).toEqual([9, 9, 16]);
  expect(computed).toBe(2);
  square(5); // full: cleared, then 5 kept
  expect(store.size).toBe(1);
  expect(square(3)).toBe(9);
  expect(computed).toBe(4);
});

it("hands out frozen values, all the way down, so that no request changes another's", () => {
  const store = boundedStore<{ slots: { group: number }[]; held: { by: string } | null }>("test-frozen", 10);
  const kept = store.set("a", { slots: [{ group: 1 }], held: { by: "admin" } });
  expect(store.get("a")).toBe(kept);
  expect(() => (kept.slots as unknown as { group: number }[]).push({ group: 2 })).toThrow(TypeError);
  expect(() => ((kept.slots[0] as { group: number }).group = 3)).toThrow(TypeError);
  expect(() => ((kept.held as { by: string }).by = "someone")).toThrow(TypeError);
  expect(kept).toEqual({ slots: [{ group: 1 }], held: { by: "admin" } });
  expect(freeze("text")).toBe("text");
});

it("knows every store by its name, once, and clears them all", () => {
  const store = boundedStore<string>("test-named", 10);
  store.set("k", "v");
  expect(storeSizes()["test-named"]).toBe(1);
  expect(() => boundedStore<string>("test-named", 10)).toThrow(/exists already/);
  clearStores();
  expect(store.get("k")).toBeUndefined();
});
