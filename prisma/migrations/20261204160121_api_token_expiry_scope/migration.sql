-- CreateEnum
CREATE TYPE "TokenScope" AS ENUM ('READ', 'WRITE');

-- AlterTable
-- Tokens made before this had every right of their owner and no end: they become write tokens
-- that expire 90 days from now (README, API). New tokens say both when they are made.
ALTER TABLE "ApiToken" ADD COLUMN     "expiresAt" TIMESTAMP(3) NOT NULL DEFAULT (timezone('UTC', now()) + interval '90 days'),
ADD COLUMN     "scope" "TokenScope" NOT NULL DEFAULT 'WRITE';

ALTER TABLE "ApiToken" ALTER COLUMN "expiresAt" DROP DEFAULT,
ALTER COLUMN "scope" DROP DEFAULT;
