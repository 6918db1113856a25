-- CreateEnum
CREATE TYPE "MediaSource" AS ENUM ('CAMERA', 'MICROPHONE', 'SCREEN_SHARE', 'SCREEN_SHARE_AUDIO');

-- CreateEnum
CREATE TYPE "AnalyticsImportStatus" AS ENUM ('PENDING', 'DOWNLOADING', 'IMPORTED', 'NO_SESSION', 'FAILED');

-- CreateTable
CREATE TABLE "MediaSpan" (
    "id" TEXT NOT NULL,
    "attendanceId" TEXT NOT NULL,
    "participantSid" TEXT NOT NULL,
    "trackSid" TEXT NOT NULL,
    "source" "MediaSource" NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL,
    "unpublishedAt" TIMESTAMP(3),
    "fromAnalytics" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "MediaSpan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Engagement" (
    "attendanceId" TEXT NOT NULL,
    "talkSeconds" INTEGER NOT NULL,
    "chatMessages" INTEGER NOT NULL,
    "raisedHands" INTEGER NOT NULL,
    "pollVotes" INTEGER NOT NULL,
    "reactions" INTEGER NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Engagement_pkey" PRIMARY KEY ("attendanceId")
);

-- CreateTable
CREATE TABLE "AnalyticsImport" (
    "id" TEXT NOT NULL,
    "roomId" TEXT NOT NULL,
    "roomSid" TEXT NOT NULL,
    "sessionId" TEXT,
    "fileId" TEXT,
    "status" "AnalyticsImportStatus" NOT NULL DEFAULT 'PENDING',
    "file" JSONB,
    "report" JSONB,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "importedAt" TIMESTAMP(3),

    CONSTRAINT "AnalyticsImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MediaSpan_attendanceId_trackSid_key" ON "MediaSpan"("attendanceId", "trackSid");

-- CreateIndex
CREATE UNIQUE INDEX "AnalyticsImport_roomSid_key" ON "AnalyticsImport"("roomSid");

-- CreateIndex
CREATE UNIQUE INDEX "AnalyticsImport_sessionId_key" ON "AnalyticsImport"("sessionId");

-- CreateIndex
CREATE INDEX "AnalyticsImport_status_nextAttemptAt_idx" ON "AnalyticsImport"("status", "nextAttemptAt");

-- AddForeignKey
ALTER TABLE "MediaSpan" ADD CONSTRAINT "MediaSpan_attendanceId_fkey" FOREIGN KEY ("attendanceId") REFERENCES "Attendance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Engagement" ADD CONSTRAINT "Engagement_attendanceId_fkey" FOREIGN KEY ("attendanceId") REFERENCES "Attendance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnalyticsImport" ADD CONSTRAINT "AnalyticsImport_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE SET NULL ON UPDATE CASCADE;
