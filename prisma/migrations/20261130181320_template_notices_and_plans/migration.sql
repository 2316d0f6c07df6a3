-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "planComponents" JSONB;

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "version" TEXT;

-- CreateIndex
CREATE INDEX "Notification_templateId_kind_idx" ON "Notification"("templateId", "kind");
