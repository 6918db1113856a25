-- AlterTable
ALTER TABLE "Attendance" ADD COLUMN     "roomAdmin" BOOLEAN NOT NULL DEFAULT false;

-- Existing moderators who do not manage their session's course were made so by PlugNMeet's is_admin.
UPDATE "Attendance" AS a SET "roomAdmin" = true
FROM "LiveSession" AS s
WHERE a."sessionId" = s.id AND a."role" = 'MODERATOR'
  AND NOT EXISTS (SELECT 1 FROM "CourseManager" AS m WHERE m."courseId" = s."courseId" AND m."userId" = a."userId");
