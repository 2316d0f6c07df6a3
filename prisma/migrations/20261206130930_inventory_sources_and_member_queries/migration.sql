-- CreateEnum
CREATE TYPE "MemberEventAction" AS ENUM ('JOINED', 'LEFT', 'REFUSED');

-- CreateEnum
CREATE TYPE "InventorySourceKind" AS ENUM ('ANSIBLE', 'NETBOX');

-- CreateEnum
CREATE TYPE "InventorySyncState" AS ENUM ('RUNNING', 'PREVIEW', 'APPLIED', 'DISCARDED', 'FAILED');

-- AlterTable
ALTER TABLE "Resource" ADD COLUMN     "externalId" TEXT,
ADD COLUMN     "retiredAt" TIMESTAMP(3),
ADD COLUMN     "sourceId" TEXT;

-- AlterTable
ALTER TABLE "Template" ADD COLUMN     "memberQuery" JSONB;

-- AlterTable
ALTER TABLE "TemplateMember" ADD COLUMN     "viaQuery" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "TemplateMemberEvent" (
    "id" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "resourceId" TEXT,
    "clusterId" TEXT,
    "memberLabel" TEXT NOT NULL,
    "action" "MemberEventAction" NOT NULL,
    "viaQuery" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TemplateMemberEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InventorySource" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "InventorySourceKind" NOT NULL,
    "config" JSONB NOT NULL,
    "tokenSealed" TEXT,
    "mapping" JSONB NOT NULL,
    "intervalMinutes" INTEGER,
    "autoApply" BOOLEAN NOT NULL DEFAULT false,
    "nextSyncAt" TIMESTAMP(3),
    "lastSyncAt" TIMESTAMP(3),
    "createdById" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InventorySource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InventorySync" (
    "id" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "state" "InventorySyncState" NOT NULL DEFAULT 'RUNNING',
    "trigger" TEXT NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "appliedAt" TIMESTAMP(3),
    "hosts" INTEGER NOT NULL DEFAULT 0,
    "added" INTEGER NOT NULL DEFAULT 0,
    "changed" INTEGER NOT NULL DEFAULT 0,
    "retired" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "plan" JSONB,
    "hostErrors" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,

    CONSTRAINT "InventorySync_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TemplateMemberEvent_templateId_at_idx" ON "TemplateMemberEvent"("templateId", "at" DESC);

-- CreateIndex
CREATE INDEX "TemplateMemberEvent_resourceId_idx" ON "TemplateMemberEvent"("resourceId");

-- CreateIndex
CREATE UNIQUE INDEX "InventorySource_name_key" ON "InventorySource"("name");

-- CreateIndex
CREATE INDEX "InventorySource_nextSyncAt_idx" ON "InventorySource"("nextSyncAt");

-- CreateIndex
CREATE INDEX "InventorySync_sourceId_startedAt_idx" ON "InventorySync"("sourceId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "Resource_retiredAt_idx" ON "Resource"("retiredAt");

-- CreateIndex
CREATE UNIQUE INDEX "Resource_sourceId_externalId_key" ON "Resource"("sourceId", "externalId");

-- AddForeignKey
ALTER TABLE "Resource" ADD CONSTRAINT "Resource_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "InventorySource"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateMemberEvent" ADD CONSTRAINT "TemplateMemberEvent_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateMemberEvent" ADD CONSTRAINT "TemplateMemberEvent_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InventorySync" ADD CONSTRAINT "InventorySync_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "InventorySource"("id") ON DELETE CASCADE ON UPDATE CASCADE;
