-- RECEIVED was never written: every event is stored with the outcome of applying it.
-- A row of an older version stored and not applied is FAILED, which a redelivery or a replay applies.
UPDATE "WebhookEvent" SET status = 'FAILED' WHERE status = 'RECEIVED';

-- AlterEnum
BEGIN;
CREATE TYPE "WebhookEventStatus_new" AS ENUM ('APPLIED', 'IGNORED', 'PENDING', 'REJECTED', 'FAILED');
ALTER TABLE "public"."WebhookEvent" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "WebhookEvent" ALTER COLUMN "status" TYPE "WebhookEventStatus_new" USING ("status"::text::"WebhookEventStatus_new");
ALTER TYPE "WebhookEventStatus" RENAME TO "WebhookEventStatus_old";
ALTER TYPE "WebhookEventStatus_new" RENAME TO "WebhookEventStatus";
DROP TYPE "public"."WebhookEventStatus_old";
COMMIT;

-- AlterTable
ALTER TABLE "WebhookEvent" ALTER COLUMN "status" DROP DEFAULT;
