-- CreateEnum
CREATE TYPE "UpdateSeverity" AS ENUM ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW');

-- AlterTable
ALTER TABLE "Resource" ADD COLUMN     "pendingUpdates" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rebootPending" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "securityUpdates" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "UpdateScan" (
    "resourceId" TEXT NOT NULL,
    "scannedAt" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "packageManager" TEXT,
    "release" TEXT,
    "rebootRequired" BOOLEAN,
    "error" TEXT,
    "erroredAt" TIMESTAMP(3),

    CONSTRAINT "UpdateScan_pkey" PRIMARY KEY ("resourceId")
);

-- CreateTable
CREATE TABLE "PendingUpdate" (
    "id" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "package" TEXT NOT NULL,
    "installed" TEXT,
    "candidate" TEXT NOT NULL,
    "security" BOOLEAN NOT NULL DEFAULT false,
    "severity" "UpdateSeverity",
    "advisories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "PendingUpdate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TestedPackage" (
    "id" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "release" TEXT NOT NULL,
    "package" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "approvedById" TEXT,
    "reason" TEXT,

    CONSTRAINT "TestedPackage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UpdateDeadlines" (
    "id" TEXT NOT NULL DEFAULT 'default',
    "criticalDays" INTEGER DEFAULT 14,
    "highDays" INTEGER DEFAULT 30,
    "mediumDays" INTEGER DEFAULT 90,
    "lowDays" INTEGER,
    "unratedDays" INTEGER DEFAULT 30,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" TEXT,

    CONSTRAINT "UpdateDeadlines_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UpdateScan_scannedAt_idx" ON "UpdateScan"("scannedAt");

-- CreateIndex
CREATE INDEX "PendingUpdate_resourceId_resolvedAt_package_idx" ON "PendingUpdate"("resourceId", "resolvedAt", "package");

-- CreateIndex
CREATE INDEX "PendingUpdate_resolvedAt_security_firstSeenAt_idx" ON "PendingUpdate"("resolvedAt", "security", "firstSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "TestedPackage_tag_release_package_key" ON "TestedPackage"("tag", "release", "package");

-- CreateIndex
CREATE INDEX "Resource_securityUpdates_name_idx" ON "Resource"("securityUpdates", "name");

-- CreateIndex
CREATE INDEX "Resource_rebootPending_name_idx" ON "Resource"("rebootPending", "name");

-- AddForeignKey
ALTER TABLE "UpdateScan" ADD CONSTRAINT "UpdateScan_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PendingUpdate" ADD CONSTRAINT "PendingUpdate_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One open row per server and package (Prisma cannot say "where": written by hand).
CREATE UNIQUE INDEX "PendingUpdate_open_key" ON "PendingUpdate"("resourceId", "package") WHERE "resolvedAt" IS NULL;
