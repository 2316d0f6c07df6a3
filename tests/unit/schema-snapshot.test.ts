import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

it("schema.prisma has a migration for every change (run npm run db:new-migration -- <name> when this fails)", () => {
  const schema = readFileSync("prisma/schema.prisma", "utf8");
  const snapshot = readFileSync("prisma/schema.snapshot.prisma", "utf8");
  expect(snapshot.slice(snapshot.indexOf("\n") + 1)).toBe(schema);
});
