import path from "node:path";
import { defineConfig } from "vitest/config";

// "server-only" throws outside Next's bundles: lib/server-only.ts says why it resolves there.
const alias = { "@": path.resolve(import.meta.dirname), "server-only": path.resolve(import.meta.dirname, "lib/server-only.ts") };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          setupFiles: ["tests/setup/fail-on-console-error.ts"],
          sequence: { shuffle: true },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/setup/database.ts"],
          setupFiles: ["tests/setup/fail-on-console-error.ts", "tests/setup/use-database.ts", "tests/setup/api-contract.ts"],
          fileParallelism: false,
          // Tests must not depend on each other's order.
          sequence: { shuffle: true },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
