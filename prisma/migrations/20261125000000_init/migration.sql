-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('VIEWER', 'OWNER', 'APPROVER', 'ADMIN');

-- CreateEnum
CREATE TYPE "Environment" AS ENUM ('PRODUCTION', 'NON_PRODUCTION');

-- CreateEnum
CREATE TYPE "ResourceKind" AS ENUM ('SERVER', 'VM', 'HYPERVISOR', 'CONTAINER_NODE', 'DATABASE_NODE', 'BROKER_NODE', 'STORAGE_NODE', 'VIRTUAL_APPLIANCE');

-- CreateEnum
CREATE TYPE "PartyKind" AS ENUM ('QA', 'PRODUCTION');

-- CreateEnum
CREATE TYPE "PartyStatus" AS ENUM ('PLANNED', 'RUNNING', 'COMPLETED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "OutcomeStatus" AS ENUM ('PATCHED', 'FAILED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "ExclusionAction" AS ENUM ('EXCLUDE', 'INCLUDE', 'REGROUP');

-- CreateEnum
CREATE TYPE "TemplateState" AS ENUM ('IN_SYNC', 'PENDING', 'UPGRADING', 'PARTIALLY_APPLIED');

-- CreateEnum
CREATE TYPE "MemberState" AS ENUM ('IN_SYNC', 'PENDING', 'UPGRADING', 'FAILED');

-- CreateEnum
CREATE TYPE "RunState" AS ENUM ('SCHEDULED', 'RUNNING', 'HALTED', 'COMPLETED', 'PARTIAL');

-- CreateEnum
CREATE TYPE "ChangeState" AS ENUM ('DRAFT', 'SUBMITTED', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "NotificationState" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "Team" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'VIEWER',
    "passwordHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamMembership" (
    "userId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,

    CONSTRAINT "TeamMembership_pkey" PRIMARY KEY ("userId","teamId")
);

-- CreateTable
CREATE TABLE "TeamContact" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,

    CONSTRAINT "TeamContact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Service" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,

    CONSTRAINT "Service_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Cluster" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Cluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Resource" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ResourceKind" NOT NULL,
    "environment" "Environment" NOT NULL,
    "teamId" TEXT NOT NULL,
    "serviceId" TEXT NOT NULL,
    "clusterId" TEXT,
    "clusterRole" TEXT,
    "patchGroup" INTEGER NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "version" TEXT,
    "excluded" BOOLEAN NOT NULL DEFAULT false,
    "excludedById" TEXT,
    "excludedAt" TIMESTAMP(3),
    "exclusionReason" TEXT,
    "exclusionUntil" TIMESTAMP(3),
    "lastPatchedAt" TIMESTAMP(3),
    "lastPatchTag" TEXT,
    "lastOutcome" "OutcomeStatus",
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Resource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExclusionEvent" (
    "id" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "action" "ExclusionAction" NOT NULL,
    "reason" TEXT,
    "until" TIMESTAMP(3),
    "group" INTEGER,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExclusionEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartyRule" (
    "id" TEXT NOT NULL DEFAULT 'default',
    "timeZone" TEXT NOT NULL,
    "qaMonthOfQuarter" INTEGER NOT NULL,
    "qaThursdayOfMonth" INTEGER NOT NULL,
    "businessHoursStart" TEXT NOT NULL,
    "businessHoursEnd" TEXT NOT NULL,
    "productionMinGapDays" INTEGER NOT NULL,
    "qaSlots" JSONB NOT NULL,
    "productionSlots" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" TEXT,

    CONSTRAINT "PartyRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Party" (
    "id" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "kind" "PartyKind" NOT NULL,
    "localDate" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "status" "PartyStatus" NOT NULL DEFAULT 'PLANNED',
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "manualReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Party_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartySlot" (
    "id" TEXT NOT NULL,
    "partyId" TEXT NOT NULL,
    "group" INTEGER NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PartySlot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PatchOutcome" (
    "id" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "partyId" TEXT NOT NULL,
    "group" INTEGER NOT NULL,
    "status" "OutcomeStatus" NOT NULL,
    "message" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PatchOutcome_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MaintenancePolicy" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MaintenancePolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UpgradeSchedule" (
    "id" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "preset" TEXT NOT NULL,
    "recurrence" TEXT NOT NULL,
    "custom" JSONB,
    "windowHours" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UpgradeSchedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Template" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "targetVersion" TEXT NOT NULL,
    "targetSetAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "state" "TemplateState" NOT NULL DEFAULT 'IN_SYNC',
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Template_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TemplateMember" (
    "id" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "resourceId" TEXT,
    "clusterId" TEXT,
    "currentVersion" TEXT NOT NULL,
    "state" "MemberState" NOT NULL DEFAULT 'IN_SYNC',
    "lastAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,

    CONSTRAINT "TemplateMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UpgradeRun" (
    "id" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowEnd" TIMESTAMP(3) NOT NULL,
    "forced" BOOLEAN NOT NULL DEFAULT false,
    "state" "RunState" NOT NULL DEFAULT 'SCHEDULED',
    "haltReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UpgradeRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UpgradeAttempt" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "fromVersion" TEXT NOT NULL,
    "toVersion" TEXT NOT NULL,
    "status" "OutcomeStatus" NOT NULL,
    "message" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "UpgradeAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChangeRequest" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "partyId" TEXT,
    "templateId" TEXT,
    "scope" JSONB NOT NULL,
    "plannedStart" TIMESTAMP(3) NOT NULL,
    "plannedEnd" TIMESTAMP(3) NOT NULL,
    "rollbackPlan" TEXT NOT NULL,
    "acceptanceCriteria" TEXT NOT NULL,
    "contacts" TEXT NOT NULL,
    "state" "ChangeState" NOT NULL DEFAULT 'DRAFT',
    "requestedById" TEXT NOT NULL,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionComment" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChangeRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3),
    "windowEnd" TIMESTAMP(3),
    "partyId" TEXT,
    "templateId" TEXT,
    "state" "NotificationState" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "entityLabel" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Team_slug_key" ON "Team"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Team_name_key" ON "Team"("name");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "TeamMembership_teamId_idx" ON "TeamMembership"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "TeamContact_teamId_email_key" ON "TeamContact"("teamId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Service_name_key" ON "Service"("name");

-- CreateIndex
CREATE INDEX "Service_teamId_idx" ON "Service"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "Cluster_name_key" ON "Cluster"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Resource_name_key" ON "Resource"("name");

-- CreateIndex
CREATE INDEX "Resource_teamId_name_idx" ON "Resource"("teamId", "name");

-- CreateIndex
CREATE INDEX "Resource_serviceId_idx" ON "Resource"("serviceId");

-- CreateIndex
CREATE INDEX "Resource_clusterId_idx" ON "Resource"("clusterId");

-- CreateIndex
CREATE INDEX "Resource_environment_excluded_patchGroup_idx" ON "Resource"("environment", "excluded", "patchGroup");

-- CreateIndex
CREATE INDEX "Resource_kind_name_idx" ON "Resource"("kind", "name");

-- CreateIndex
CREATE INDEX "Resource_patchGroup_name_idx" ON "Resource"("patchGroup", "name");

-- CreateIndex
CREATE INDEX "Resource_lastPatchTag_idx" ON "Resource"("lastPatchTag");

-- CreateIndex
CREATE INDEX "Resource_tags_idx" ON "Resource" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "ExclusionEvent_resourceId_at_idx" ON "ExclusionEvent"("resourceId", "at");

-- CreateIndex
CREATE INDEX "Party_startsAt_idx" ON "Party"("startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Party_tag_kind_key" ON "Party"("tag", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "PartySlot_partyId_group_key" ON "PartySlot"("partyId", "group");

-- CreateIndex
CREATE INDEX "PatchOutcome_partyId_status_idx" ON "PatchOutcome"("partyId", "status");

-- CreateIndex
CREATE INDEX "PatchOutcome_resourceId_finishedAt_idx" ON "PatchOutcome"("resourceId", "finishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "PatchOutcome_resourceId_partyId_key" ON "PatchOutcome"("resourceId", "partyId");

-- CreateIndex
CREATE UNIQUE INDEX "MaintenancePolicy_name_key" ON "MaintenancePolicy"("name");

-- CreateIndex
CREATE UNIQUE INDEX "UpgradeSchedule_policyId_name_key" ON "UpgradeSchedule"("policyId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Template_name_key" ON "Template"("name");

-- CreateIndex
CREATE INDEX "Template_policyId_idx" ON "Template"("policyId");

-- CreateIndex
CREATE INDEX "TemplateMember_templateId_state_idx" ON "TemplateMember"("templateId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "TemplateMember_templateId_resourceId_key" ON "TemplateMember"("templateId", "resourceId");

-- CreateIndex
CREATE UNIQUE INDEX "TemplateMember_templateId_clusterId_key" ON "TemplateMember"("templateId", "clusterId");

-- CreateIndex
CREATE UNIQUE INDEX "UpgradeRun_templateId_windowStart_key" ON "UpgradeRun"("templateId", "windowStart");

-- CreateIndex
CREATE UNIQUE INDEX "UpgradeAttempt_runId_memberId_key" ON "UpgradeAttempt"("runId", "memberId");

-- CreateIndex
CREATE INDEX "ChangeRequest_partyId_idx" ON "ChangeRequest"("partyId");

-- CreateIndex
CREATE INDEX "ChangeRequest_templateId_idx" ON "ChangeRequest"("templateId");

-- CreateIndex
CREATE INDEX "ChangeRequest_state_idx" ON "ChangeRequest"("state");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_dedupeKey_key" ON "Notification"("dedupeKey");

-- CreateIndex
CREATE INDEX "Notification_state_createdAt_idx" ON "Notification"("state", "createdAt");

-- CreateIndex
CREATE INDEX "Notification_recipient_idx" ON "Notification"("recipient");

-- CreateIndex
CREATE INDEX "AuditEvent_at_id_idx" ON "AuditEvent"("at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_entityId_at_idx" ON "AuditEvent"("entityType", "entityId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_at_idx" ON "AuditEvent"("actorId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- AddForeignKey
ALTER TABLE "TeamMembership" ADD CONSTRAINT "TeamMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamMembership" ADD CONSTRAINT "TeamMembership_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamContact" ADD CONSTRAINT "TeamContact_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Service" ADD CONSTRAINT "Service_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Resource" ADD CONSTRAINT "Resource_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Resource" ADD CONSTRAINT "Resource_serviceId_fkey" FOREIGN KEY ("serviceId") REFERENCES "Service"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Resource" ADD CONSTRAINT "Resource_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExclusionEvent" ADD CONSTRAINT "ExclusionEvent_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartySlot" ADD CONSTRAINT "PartySlot_partyId_fkey" FOREIGN KEY ("partyId") REFERENCES "Party"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatchOutcome" ADD CONSTRAINT "PatchOutcome_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatchOutcome" ADD CONSTRAINT "PatchOutcome_partyId_fkey" FOREIGN KEY ("partyId") REFERENCES "Party"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpgradeSchedule" ADD CONSTRAINT "UpgradeSchedule_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "MaintenancePolicy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Template" ADD CONSTRAINT "Template_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "MaintenancePolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateMember" ADD CONSTRAINT "TemplateMember_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateMember" ADD CONSTRAINT "TemplateMember_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TemplateMember" ADD CONSTRAINT "TemplateMember_clusterId_fkey" FOREIGN KEY ("clusterId") REFERENCES "Cluster"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpgradeRun" ADD CONSTRAINT "UpgradeRun_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpgradeAttempt" ADD CONSTRAINT "UpgradeAttempt_runId_fkey" FOREIGN KEY ("runId") REFERENCES "UpgradeRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UpgradeAttempt" ADD CONSTRAINT "UpgradeAttempt_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "TemplateMember"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChangeRequest" ADD CONSTRAINT "ChangeRequest_partyId_fkey" FOREIGN KEY ("partyId") REFERENCES "Party"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChangeRequest" ADD CONSTRAINT "ChangeRequest_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_partyId_fkey" FOREIGN KEY ("partyId") REFERENCES "Party"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "Template"("id") ON DELETE SET NULL ON UPDATE CASCADE;

