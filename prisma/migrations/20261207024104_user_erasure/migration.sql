-- CreateTable
CREATE TABLE "UserErasure" (
    "id" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    "attendancesDeleted" INTEGER NOT NULL DEFAULT 0,
    "rowsRedacted" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "UserErasure_pkey" PRIMARY KEY ("id")
);
