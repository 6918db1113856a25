-- CreateTable
CREATE TABLE "Change" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT,
    "topic" TEXT NOT NULL,
    "roomId" TEXT NOT NULL,
    "courseId" TEXT,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChangeLogHead" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "logId" TEXT NOT NULL,
    "seq" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ChangeLogHead_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Change_seq_key" ON "Change"("seq");

-- CreateIndex
CREATE INDEX "Change_roomId_seq_idx" ON "Change"("roomId", "seq");

-- CreateIndex
CREATE INDEX "Change_topic_seq_idx" ON "Change"("topic", "seq");

-- CreateIndex
CREATE INDEX "Change_createdAt_idx" ON "Change"("createdAt");

-- The one head row, with a random id for this database's change log
INSERT INTO "ChangeLogHead" (id, "logId", seq) VALUES (1, replace(gen_random_uuid()::text, '-', ''), 0);
