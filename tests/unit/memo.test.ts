import { expect, it } from "vitest";
import { boundedMemo } from "@/lib/domain/memo";

it("computes a key once, and starts over when full", () => {
  let computed = 0;
  const memo = boundedMemo<number>(2);
  const square = (n: number) => memo(String(n), () => (computed++, n * n));
  expect([square(3), square(3), square(4)]).toEqual([9, 9, 16]);
  expect(computed).toBe(2);
  square(5); // full: cleared, then 5 stored
  expect(square(3)).toBe(9);
  expect(computed).toBe(4);
});
