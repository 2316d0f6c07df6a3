-- DropIndex
DROP INDEX "PatchOutcome_partyId_status_idx";

-- CreateIndex
CREATE INDEX "PatchOutcome_partyId_status_group_idx" ON "PatchOutcome"("partyId", "status", "group");
