-- AlterTable
ALTER TABLE "Party" ADD COLUMN     "heldAt" TIMESTAMP(3),
ADD COLUMN     "heldBy" TEXT,
ADD COLUMN     "heldReason" TEXT;
