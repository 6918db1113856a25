// Room runs in SQL (PL/pgSQL), applied inside one statement per event (ingest/routines.ts):
// finding or creating a run's session, its start and its end. `{v}` is the routines' version.
//
// Every write here is order-independent: startedAt is room_started's time (the earliest if several),
// or until it arrives the earliest time any event shows the run going; endedAt is the earliest end
// reported. Spans are never touched by an end: they are clipped when read.
export const SESSIONS_SQL = [
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_ts_{v}(value text) RETURNS timestamp(3)
LANGUAGE sql IMMUTABLE AS $$ SELECT (value::timestamptz AT TIME ZONE 'UTC')::timestamp(3) $$`,

  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_session_change_{v}(kind text, s_id text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('type', 'session', 'kind', kind, 'sessionId', id, 'roomId', "roomId", 'courseId', "courseId")
  FROM "LiveSession" WHERE id = s_id
$$`,

  // The session of the event's run, created (or claimed from a schedule) when none exists yet: any
  // room event of an unseen run starts it, so a lost room_started never loses the class.
  // `evidence` is the earliest time this event shows the run going.
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_run_{v}(e jsonb, evidence timestamp(3), begins_run boolean, OUT session_id text, OUT created boolean)
LANGUAGE plpgsql AS $$
DECLARE
  room_sid text := e->>'roomSid';
  room_id text := e->>'roomId';
  settled boolean;
BEGIN
  created := false;
  IF room_sid IS NOT NULL THEN
    SELECT s.id, s."startConfirmed" OR s."startedAt" <= evidence INTO session_id, settled FROM "LiveSession" s WHERE s."roomSid" = room_sid;
    -- the common case: the run is known, and this event tells nothing of its start
    IF settled THEN RETURN; END IF;
  ELSE
    -- Older payloads without room.sid belong to the room's live run; a late event of its last run
    -- (one that happened before its end, or a leave or an end within the hour after) to that run.
    SELECT s.id INTO session_id FROM "LiveSession" s
    WHERE s."roomId" = room_id AND s."endedAt" IS NULL AND s."startedAt" IS NOT NULL
    ORDER BY s."createdAt" DESC LIMIT 1;
    IF session_id IS NULL THEN
      SELECT s.id INTO session_id FROM "LiveSession" s
      WHERE s."roomId" = room_id AND s."endedAt" IS NOT NULL
        AND (NOT begins_run OR s."startedAt" <= evidence)
        AND s."endedAt" >= CASE WHEN begins_run THEN evidence ELSE evidence - interval '1 hour' END
      ORDER BY s."endedAt" DESC LIMIT 1;
    END IF;
  END IF;

  IF session_id IS NULL THEN
    -- a session scheduled for this room id and not started yet takes the run
    UPDATE "LiveSession" AS s SET "roomSid" = room_sid, "startedAt" = evidence
    WHERE s.id = (
      SELECT x.id FROM "LiveSession" x
      WHERE x."roomId" = room_id AND x."startedAt" IS NULL AND x."endedAt" IS NULL AND x."roomSid" IS NULL
      ORDER BY x."createdAt" LIMIT 1 FOR UPDATE)
    RETURNING s.id INTO session_id;
    IF session_id IS NULL THEN
      INSERT INTO "LiveSession" (id, "roomId", "roomSid", "startedAt", "courseId")
      VALUES (gen_random_uuid()::text, room_id, room_sid, evidence, COALESCE(
        (SELECT c.id FROM "Course" c WHERE c.slug = e->>'courseSlug'),
        (SELECT x."courseId" FROM "LiveSession" x WHERE x."roomId" = room_id AND x."courseId" IS NOT NULL ORDER BY x."createdAt" DESC LIMIT 1)))
      ON CONFLICT ("roomSid") DO NOTHING
      RETURNING "LiveSession".id INTO session_id;
    END IF;
    IF session_id IS NOT NULL THEN
      created := true;
      -- recordings of this run that arrived before any other of its events
      IF room_sid IS NOT NULL THEN
        UPDATE "Recording" SET "sessionId" = session_id WHERE "roomSid" = room_sid AND "sessionId" IS NULL;
        -- an analytics file that came before its run: imported now
        UPDATE "AnalyticsImport" SET "sessionId" = session_id, "updatedAt" = (now() AT TIME ZONE 'UTC'),
          status = CASE WHEN status = 'NO_SESSION' THEN 'PENDING'::"AnalyticsImportStatus" ELSE status END, "nextAttemptAt" = NULL
        WHERE "roomSid" = room_sid AND "sessionId" IS NULL;
      END IF;
      RETURN;
    END IF;
    -- another delivery of this run created it meanwhile (the insert waited for it, then yielded)
    SELECT s.id INTO session_id FROM "LiveSession" s WHERE s."roomSid" = room_sid;
  END IF;

  -- until room_started says, the run started no later than any of its events shows
  UPDATE "LiveSession" AS s SET "startedAt" = evidence
  WHERE s.id = session_id AND NOT s."startConfirmed" AND (s."startedAt" IS NULL OR s."startedAt" > evidence);
END $$`,

  // Every event holds its run's lock shared until it commits; inferring an end takes it alone. So an
  // end is never inferred while an event of the run is being applied, and an event that comes after
  // sees the inferred end (and re-opens or moves it). An advisory lock, not a row lock: shared row
  // locks by many concurrent events would each cost a multixact.
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_hold_run_{v}(s_id text) RETURNS void
LANGUAGE sql AS $$ SELECT pg_advisory_xact_lock_shared(7204, hashtext(s_id)) $$`,

  // A run whose end was inferred, not reported, follows its own later events: someone connected
  // re-opens it (STARTED again); otherwise its end moves to its last leave.
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_revisit_inferred_end_{v}(s_id text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  last_leave timestamp(3);
  moved boolean;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "LiveSession" WHERE id = s_id AND "endInferred") THEN RETURN '[]'; END IF;
  IF EXISTS (SELECT 1 FROM "Attendance" WHERE "sessionId" = s_id AND connected) THEN
    UPDATE "LiveSession" SET "endedAt" = NULL, "endInferred" = false WHERE id = s_id AND "endInferred";
    IF FOUND THEN RETURN jsonb_build_array(rollcall_session_change_{v}('STARTED', s_id)); END IF;
    RETURN '[]';
  END IF;
  SELECT max("lastLeftAt") INTO last_leave FROM "Attendance" WHERE "sessionId" = s_id;
  UPDATE "LiveSession" SET "endedAt" = GREATEST("startedAt", last_leave)
  WHERE id = s_id AND "endInferred" AND GREATEST("startedAt", last_leave) IS DISTINCT FROM "endedAt";
  moved := FOUND;
  IF moved THEN RETURN jsonb_build_array(rollcall_session_change_{v}('ENDED', s_id)); END IF;
  RETURN '[]';
END $$`,

  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_room_event_{v}(e jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  ev_at timestamp(3) := rollcall_ts_{v}(e->>'at');
  ev_name text := e->>'name';
  run record;
  prev record;
  changes jsonb := '[]';
  message text;
BEGIN
  SELECT * INTO run FROM rollcall_run_{v}(e, ev_at, ev_name NOT IN ('room_finished', 'session_ended'));
  PERFORM rollcall_hold_run_{v}(run.session_id);
  IF run.created THEN changes := jsonb_build_array(rollcall_session_change_{v}('STARTED', run.session_id)); END IF;

  IF ev_name = 'room_started' THEN
    UPDATE "LiveSession" SET "startedAt" = CASE WHEN "startConfirmed" THEN LEAST("startedAt", ev_at) ELSE ev_at END, "startConfirmed" = true
    WHERE id = run.session_id AND (NOT "startConfirmed" OR ev_at < "startedAt");
    changes := changes || rollcall_revisit_inferred_end_{v}(run.session_id);
    message := format('session %s started', run.session_id);
  ELSIF ev_name IN ('room_finished', 'session_ended') THEN
    -- the row is ours until commit: the earliest reported end wins, and replaces an inferred one
    SELECT "endedAt", "endInferred" INTO prev FROM "LiveSession" WHERE id = run.session_id FOR UPDATE;
    IF prev."endedAt" IS NULL OR prev."endInferred" OR ev_at < prev."endedAt" THEN
      UPDATE "LiveSession" SET "endedAt" = ev_at, "endInferred" = false WHERE id = run.session_id;
      IF prev."endedAt" IS NULL THEN
        -- whoever was online is not any more
        changes := changes || COALESCE((
          SELECT jsonb_agg(jsonb_build_object('type', 'attendance', 'kind', 'LEFT', 'attendanceId', a.id, 'userId', a."userId",
                                              'sessionId', s.id, 'roomId', s."roomId", 'courseId', s."courseId"))
          FROM "Attendance" a JOIN "LiveSession" s ON s.id = a."sessionId"
          WHERE a."sessionId" = run.session_id AND a.connected), '[]');
      END IF;
      changes := changes || jsonb_build_array(rollcall_session_change_{v}('ENDED', run.session_id));
      message := format('session %s ended', run.session_id);
    ELSE
      message := format('session %s had already ended', run.session_id);
    END IF;
  ELSE
    changes := changes || rollcall_revisit_inferred_end_{v}(run.session_id);
    message := format('session %s is live', run.session_id);
  END IF;
  RETURN jsonb_build_object('status', 'APPLIED', 'message', message, 'sessionId', run.session_id, 'changes', changes);
END $$`,

  // Runs whose room_finished never came: live, nobody connected, and no event of theirs received for
  // `quiet`. Each ends at its last leave (its start when nobody ever left), marked inferred; the run's
  // own later events move or undo that (rollcall_revisit_inferred_end).
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_infer_ends_{v}(quiet interval) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  horizon timestamp(3) := (now() AT TIME ZONE 'UTC') - quiet;
  candidate record;
  changes jsonb := '[]';
BEGIN
  FOR candidate IN
    SELECT s.id, s."roomId", s."roomSid" FROM "LiveSession" s
    WHERE s."endedAt" IS NULL AND s."startedAt" IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "Attendance" a WHERE a."sessionId" = s.id AND a.connected)
  LOOP
    -- skip a run an event of which is being applied now; look again with that lock held
    CONTINUE WHEN NOT pg_try_advisory_xact_lock(7204, hashtext(candidate.id));
    CONTINUE WHEN EXISTS (SELECT 1 FROM "Attendance" a WHERE a."sessionId" = candidate.id AND a.connected);
    CONTINUE WHEN EXISTS (
      SELECT 1 FROM "WebhookEvent" w
      WHERE w."receivedAt" > horizon
        AND (w."roomSid" = candidate."roomSid" OR (candidate."roomSid" IS NULL AND w."roomId" = candidate."roomId")));
    UPDATE "LiveSession" SET "endInferred" = true,
      "endedAt" = GREATEST("startedAt", (SELECT max(a."lastLeftAt") FROM "Attendance" a WHERE a."sessionId" = candidate.id))
    WHERE id = candidate.id AND "endedAt" IS NULL;
    IF FOUND THEN changes := changes || rollcall_session_change_{v}('ENDED', candidate.id); END IF;
  END LOOP;
  RETURN rollcall_append_changes_{v}(changes);
END $$`,
];
