-- AlterTable
ALTER TABLE "PartyRule" ADD COLUMN     "slotCanaryPercent" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "slotConcurrency" INTEGER NOT NULL DEFAULT 25,
ADD COLUMN     "slotConcurrencyPercent" INTEGER,
ADD COLUMN     "slotMaxFailurePercent" INTEGER DEFAULT 10,
ADD COLUMN     "slotMaxFailures" INTEGER;

-- CreateTable
CREATE TABLE "PartyRun" (
    "id" TEXT NOT NULL,
    "partyId" TEXT NOT NULL,
    "group" INTEGER NOT NULL,
    "state" "RunState" NOT NULL DEFAULT 'SCHEDULED',
    "haltReason" TEXT,
    "canarySize" INTEGER NOT NULL DEFAULT 0,
    "canaryPassedAt" TIMESTAMP(3),
    "failureBaseline" INTEGER NOT NULL DEFAULT 0,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PartyRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PatchAttempt" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "status" "AttemptStatus" NOT NULL DEFAULT 'RUNNING',
    "handle" TEXT,
    "expectedAt" TIMESTAMP(3),
    "message" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "PatchAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PartyRun_state_idx" ON "PartyRun"("state");

-- CreateIndex
CREATE UNIQUE INDEX "PartyRun_partyId_group_key" ON "PartyRun"("partyId", "group");

-- CreateIndex
CREATE INDEX "PatchAttempt_status_runId_idx" ON "PatchAttempt"("status", "runId");

-- CreateIndex
CREATE UNIQUE INDEX "PatchAttempt_runId_resourceId_key" ON "PatchAttempt"("runId", "resourceId");

-- AddForeignKey
ALTER TABLE "PartyRun" ADD CONSTRAINT "PartyRun_partyId_fkey" FOREIGN KEY ("partyId") REFERENCES "Party"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatchAttempt" ADD CONSTRAINT "PatchAttempt_runId_fkey" FOREIGN KEY ("runId") REFERENCES "PartyRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatchAttempt" ADD CONSTRAINT "PatchAttempt_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;
