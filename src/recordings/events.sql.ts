// end_recording and recording_proceeded in SQL (PL/pgSQL), applied inside one statement per event
// (ingest/routines.ts): the recording is known (PROCESSING), and once its file is ready the
// download job may run. Either may come first, or twice.
export const RECORDING_EVENTS_SQL = [
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_recording_event_{v}(e jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  r jsonb := e->'recording';
  record_id text := r->>'recordId';
  file_ready boolean := e->>'name' = 'recording_proceeded';
  s record;
  rec record;
BEGIN
  -- the session of the run that made it; a run not seen yet adopts it when it appears
  SELECT id, "courseId" INTO s FROM "LiveSession" WHERE "roomSid" = e->>'roomSid';
  INSERT INTO "Recording" (id, "recordId", "roomId", "roomSid", "sessionId", "sourcePath", "fileReady", "createdAt", "updatedAt")
  VALUES (gen_random_uuid()::text, record_id, e->>'roomId', e->>'roomSid', s.id, r->>'filePath', file_ready,
          rollcall_ts_{v}(e->>'at'), (now() AT TIME ZONE 'UTC'))
  ON CONFLICT ("recordId") DO NOTHING
  RETURNING id, "roomId", "sessionId" INTO rec;
  IF rec.id IS NOT NULL THEN
    RETURN jsonb_build_object(
      'status', 'APPLIED',
      'message', CASE WHEN file_ready THEN format('recording %s is ready: download queued', record_id)
                      ELSE format('recording %s is processing', record_id) END,
      'sessionId', s.id,
      'changes', jsonb_build_array(jsonb_build_object('type', 'recording', 'status', 'PROCESSING', 'recordingId', rec.id,
        'roomId', rec."roomId", 'sessionId', rec."sessionId", 'courseId', s."courseId")));
  END IF;
  IF file_ready THEN
    UPDATE "Recording" SET "fileReady" = true, "sourcePath" = COALESCE(r->>'filePath', "sourcePath"),
      "sessionId" = COALESCE("sessionId", s.id), "updatedAt" = (now() AT TIME ZONE 'UTC')
    WHERE "recordId" = record_id AND NOT "fileReady";
    IF FOUND THEN
      RETURN jsonb_build_object('status', 'APPLIED', 'message', format('recording %s is ready: download queued', record_id),
        'sessionId', s.id, 'changes', '[]'::jsonb);
    END IF;
  END IF;
  RETURN jsonb_build_object('status', 'APPLIED', 'message', format('recording %s already known: nothing changed', record_id),
    'sessionId', s.id, 'changes', '[]'::jsonb);
END $$`,
];
