-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "Resource_name_trgm_idx" ON "Resource" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Resource_lastPatchedAt_name_idx" ON "Resource"("lastPatchedAt", "name");

-- CreateIndex
CREATE INDEX "Resource_environment_name_idx" ON "Resource"("environment", "name");

-- CreateIndex
CREATE INDEX "Resource_excluded_exclusionUntil_idx" ON "Resource"("excluded", "exclusionUntil");
