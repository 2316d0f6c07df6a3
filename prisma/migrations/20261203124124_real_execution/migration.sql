-- CreateEnum
CREATE TYPE "ExecutionState" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED');

-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'EXECUTOR';

-- AlterEnum
ALTER TYPE "AttemptStatus" ADD VALUE 'SKIPPED';

-- AlterTable
ALTER TABLE "Resource" ADD COLUMN     "address" TEXT,
ADD COLUMN     "sshPort" INTEGER,
ADD COLUMN     "sshUser" TEXT;

-- AlterTable
ALTER TABLE "PartyRule" ADD COLUMN     "slotCutoffMinutes" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "slotExecutor" TEXT,
ADD COLUMN     "slotMemberTimeoutMinutes" INTEGER NOT NULL DEFAULT 60,
ADD COLUMN     "slotPostHook" TEXT,
ADD COLUMN     "slotPreHook" TEXT;

-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "cutoffMinutes" INTEGER NOT NULL DEFAULT 15,
ADD COLUMN     "executor" TEXT,
ADD COLUMN     "memberTimeoutMinutes" INTEGER NOT NULL DEFAULT 60,
ADD COLUMN     "postHook" TEXT,
ADD COLUMN     "preHook" TEXT;

-- CreateTable
CREATE TABLE "Execution" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "executor" TEXT NOT NULL,
    "state" "ExecutionState" NOT NULL DEFAULT 'QUEUED',
    "resourceId" TEXT,
    "memberName" TEXT NOT NULL,
    "address" TEXT,
    "fromVersion" TEXT NOT NULL,
    "toVersion" TEXT NOT NULL,
    "partyId" TEXT,
    "partyGroup" INTEGER,
    "templateId" TEXT,
    "request" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "deadline" TIMESTAMP(3) NOT NULL,
    "expectedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "exitStatus" INTEGER,
    "output" TEXT,
    "packages" JSONB NOT NULL DEFAULT '[]',
    "rebootRequired" BOOLEAN,
    "rebooted" BOOLEAN,
    "healthCheck" TEXT,
    "message" TEXT,
    "reportedBy" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Execution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Installation" (
    "id" TEXT NOT NULL DEFAULT 'default',
    "demoData" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Installation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Execution_key_key" ON "Execution"("key");

-- CreateIndex
CREATE INDEX "Execution_partyId_partyGroup_key_idx" ON "Execution"("partyId", "partyGroup", "key");

-- CreateIndex
CREATE INDEX "Execution_templateId_key_idx" ON "Execution"("templateId", "key");

-- CreateIndex
CREATE INDEX "Execution_resourceId_createdAt_idx" ON "Execution"("resourceId", "createdAt");

-- CreateIndex
CREATE INDEX "Execution_state_deadline_idx" ON "Execution"("state", "deadline");

-- AddForeignKey
ALTER TABLE "Execution" ADD CONSTRAINT "Execution_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A database that already holds the demo data (all four demo sign-ins) keeps the simulated executor
-- as its default and its "simulated" notice; any other starts on the manual executor.
INSERT INTO "Installation" (id, "demoData")
SELECT 'default', true
WHERE (SELECT count(*) FROM "User" WHERE email IN ('viewer@example.com', 'owner@example.com', 'approver@example.com', 'admin@example.com')) = 4
ON CONFLICT (id) DO NOTHING;
