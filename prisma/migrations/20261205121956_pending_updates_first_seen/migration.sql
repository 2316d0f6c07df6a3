-- CreateIndex
CREATE INDEX "PendingUpdate_firstSeenAt_idx" ON "PendingUpdate"("firstSeenAt");
