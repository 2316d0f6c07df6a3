-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "canaryPercent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "concurrencyPercent" INTEGER,
ADD COLUMN     "maxFailurePercent" INTEGER,
ADD COLUMN     "maxFailures" INTEGER;

-- AlterTable
ALTER TABLE "UpgradeRun" ADD COLUMN     "canaryPassedAt" TIMESTAMP(3),
ADD COLUMN     "canarySize" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failureBaseline" INTEGER NOT NULL DEFAULT 0;
