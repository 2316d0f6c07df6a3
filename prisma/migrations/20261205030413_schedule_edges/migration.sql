-- CreateEnum
CREATE TYPE "FreezeScope" AS ENUM ('ALL', 'PRODUCTION', 'NON_PRODUCTION');

-- AlterTable
ALTER TABLE "ChangeRequest" ADD COLUMN     "approvedEnd" TIMESTAMP(3),
ADD COLUMN     "approvedSlots" JSONB,
ADD COLUMN     "approvedStart" TIMESTAMP(3),
ADD COLUMN     "driftNote" TEXT;

-- CreateTable
CREATE TABLE "ChangeScopeResource" (
    "changeId" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "group" INTEGER NOT NULL,

    CONSTRAINT "ChangeScopeResource_pkey" PRIMARY KEY ("changeId","resourceId")
);

-- CreateTable
CREATE TABLE "Freeze" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "scope" "FreezeScope" NOT NULL,
    "teamIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdById" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Freeze_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Freeze_endsAt_idx" ON "Freeze"("endsAt");

-- AddForeignKey
ALTER TABLE "ChangeScopeResource" ADD CONSTRAINT "ChangeScopeResource_changeId_fkey" FOREIGN KEY ("changeId") REFERENCES "ChangeRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Changes approved before approvals were bound: bound to the window they name.
UPDATE "ChangeRequest" SET "approvedStart" = "plannedStart", "approvedEnd" = "plannedEnd" WHERE "state" = 'APPROVED';
