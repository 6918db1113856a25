-- CreateEnum
CREATE TYPE "RecordingStatus" AS ENUM ('PROCESSING', 'DOWNLOADING', 'READY', 'FAILED');

-- CreateEnum
CREATE TYPE "RecordingType" AS ENUM ('VIDEO', 'VOICE');

-- CreateTable
CREATE TABLE "Recording" (
    "id" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "roomId" TEXT NOT NULL,
    "roomSid" TEXT,
    "sessionId" TEXT,
    "title" TEXT,
    "type" "RecordingType",
    "status" "RecordingStatus" NOT NULL DEFAULT 'PROCESSING',
    "sourcePath" TEXT,
    "durationSeconds" DOUBLE PRECISION,
    "fileName" TEXT,
    "fileSize" BIGINT,
    "sha256" TEXT,
    "mimeType" TEXT,
    "hasThumbnail" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "readyAt" TIMESTAMP(3),
    "fileReady" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),

    CONSTRAINT "Recording_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Recording_recordId_key" ON "Recording"("recordId");

-- CreateIndex
CREATE INDEX "Recording_sessionId_createdAt_idx" ON "Recording"("sessionId", "createdAt");

-- CreateIndex
CREATE INDEX "Recording_roomSid_idx" ON "Recording"("roomSid");

-- CreateIndex
CREATE INDEX "Recording_status_nextAttemptAt_idx" ON "Recording"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Recording_createdAt_idx" ON "Recording"("createdAt");

-- AddForeignKey
ALTER TABLE "Recording" ADD CONSTRAINT "Recording_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "LiveSession"("id") ON DELETE SET NULL ON UPDATE CASCADE;
