// analytics_proceeded and artifact_created (MEETING_ANALYTICS) in SQL (PL/pgSQL), applied inside
// one statement per event (ingest/routines.ts): the run's analytics import is queued, once per run
// whichever of the two (either may be lost) or which instance comes first. The import itself is a
// durable job (engagement/analytics-job.ts).
export const ENGAGEMENT_EVENTS_SQL = [
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_analytics_event_{v}(e jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  file_id text := e->'analytics'->>'fileId';
  queued text;
BEGIN
  INSERT INTO "AnalyticsImport" (id, "roomId", "roomSid", "sessionId", "fileId", "createdAt", "updatedAt")
  VALUES (gen_random_uuid()::text, e->>'roomId', e->>'roomSid',
          (SELECT s.id FROM "LiveSession" s WHERE s."roomSid" = e->>'roomSid'), file_id,
          (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))
  ON CONFLICT ("roomSid") DO NOTHING
  RETURNING id INTO queued;
  IF queued IS NULL THEN
    -- known: the other event of the pair may bring the file id the first lacked
    UPDATE "AnalyticsImport" SET "fileId" = file_id, "updatedAt" = (now() AT TIME ZONE 'UTC')
    WHERE "roomSid" = e->>'roomSid' AND "fileId" IS NULL AND file_id IS NOT NULL;
    RETURN jsonb_build_object('status', 'APPLIED', 'message', format('analytics of run %s already queued', e->>'roomSid'), 'changes', '[]'::jsonb);
  END IF;
  RETURN jsonb_build_object(
    'status', 'APPLIED',
    'message', CASE WHEN file_id IS NULL THEN format('analytics of run %s queued (its file will be looked up by room.sid)', e->>'roomSid')
                    ELSE format('analytics file %s of run %s queued for import', file_id, e->>'roomSid') END,
    'changes', '[]'::jsonb);
END $$`,
];
