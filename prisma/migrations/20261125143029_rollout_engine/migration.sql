-- CreateEnum
CREATE TYPE "AttemptStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "concurrency" INTEGER NOT NULL DEFAULT 10;

-- AlterTable
ALTER TABLE "UpgradeAttempt" ADD COLUMN     "expectedAt" TIMESTAMP(3),
ADD COLUMN     "handle" TEXT,
DROP COLUMN "status",
ADD COLUMN     "status" "AttemptStatus" NOT NULL DEFAULT 'RUNNING';

-- CreateIndex
CREATE INDEX "UpgradeRun_state_templateId_idx" ON "UpgradeRun"("state", "templateId");

-- CreateIndex
CREATE INDEX "UpgradeAttempt_status_runId_idx" ON "UpgradeAttempt"("status", "runId");
