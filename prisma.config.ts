// Prisma CLI configuration. The JavaScript schema engine (engine: "js") runs offline: no engine
// binary is downloaded. The adapter is only used by CLI commands that connect; migrations are
// applied by scripts/migrate.ts (docs/decisions/002-prisma-offline.md).
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  schema: "prisma/schema.prisma",
  engine: "js",
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "postgres://localhost/unused" });
  },
});
