-- Spans are kept as reported and clipped to the session when read: an attendance keeps whether a
-- span is open as reported ("connected"), and online means that and the session not ended.
DROP INDEX "Attendance_sessionId_isOnline_idx";

ALTER TABLE "Attendance" ADD COLUMN "connected" BOOLEAN NOT NULL DEFAULT false;
UPDATE "Attendance" AS a SET "connected" = true
WHERE EXISTS (SELECT 1 FROM "PresenceSpan" AS s WHERE s."attendanceId" = a.id AND s."leftAt" IS NULL);
ALTER TABLE "Attendance" DROP COLUMN "isOnline";

-- A session whose end was inferred (nobody online, no event for a while), not reported.
ALTER TABLE "LiveSession" ADD COLUMN "endInferred" BOOLEAN NOT NULL DEFAULT false;

CREATE INDEX "Attendance_sessionId_connected_idx" ON "Attendance"("sessionId", "connected");
-- CreateIndex
CREATE INDEX "WebhookEvent_roomId_receivedAt_idx" ON "WebhookEvent"("roomId", "receivedAt");
