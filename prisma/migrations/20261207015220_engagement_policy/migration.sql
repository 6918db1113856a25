-- AlterTable
ALTER TABLE "AttendancePolicy" ADD COLUMN     "minCameraPercent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "minTalkSeconds" INTEGER NOT NULL DEFAULT 0;
