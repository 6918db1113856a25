// Joins, leaves and tracks in SQL (PL/pgSQL), applied inside one statement per event
// (ingest/routines.ts).
//
// A span (one connection, participant.sid) keeps what its events reported, merged so that the
// order they arrive in does not matter: its join is the earliest join time any of them gave (a
// leave's joined_at, or the leave itself when it carried none), its leave the earliest leave, and
// a join never after its leave. The session's start and end clip spans when they are read
// (presence.ts). The attendance's row lock orders the events of one user; users do not wait for
// each other. A track (camera, microphone, screen) is kept the same way, per track sid: published at
// the earliest time reported, unpublished at the earliest; and a track event proves its connection
// was there at that time, even if its join has not arrived.
export const PRESENCE_SQL = [
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_participant_event_{v}(e jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  p jsonb := e->'participant';
  who text := p->>'identity';
  who_name text := NULLIF(p->>'name', '');
  conn text := COALESCE(p->>'sid', 'user:' || (p->>'identity'));
  is_admin boolean := COALESCE((p->>'isAdmin')::boolean, false);
  is_join boolean := e->>'name' = 'participant_joined';
  is_track boolean := e->>'name' IN ('track_published', 'track_unpublished');
  track jsonb := e->'track';
  media_changed boolean := false;
  ev_at timestamp(3) := rollcall_ts_{v}(e->>'at');
  joined timestamp(3) := rollcall_ts_{v}(p->>'joinedAt');
  span_join timestamp(3);
  span_leave timestamp(3);
  run record;
  s record;
  att_id text;
  att_role "AttendanceRole";
  changed boolean;
  is_connected boolean;
  ended timestamp(3);
  changes jsonb := '[]';
BEGIN
  -- joined_at is evidence too: the run was already going when this participant joined
  SELECT * INTO run FROM rollcall_run_{v}(e, LEAST(ev_at, COALESCE(joined, ev_at)), is_join OR is_track);
  PERFORM rollcall_hold_run_{v}(run.session_id);
  IF run.created THEN changes := jsonb_build_array(rollcall_session_change_{v}('STARTED', run.session_id)); END IF;
  IF COALESCE((p->>'isBot')::boolean, false) OR (is_track AND track->>'source' IS NULL) THEN
    -- not attendance, but a sign the run is going: its session exists as for any room event
    RETURN jsonb_build_object(
      'status', CASE WHEN run.created THEN 'APPLIED' ELSE 'IGNORED' END,
      'message', CASE WHEN is_track AND NOT COALESCE((p->>'isBot')::boolean, false)
                   THEN format('track %s of %s is not a camera, microphone or screen share: not measured', track->>'sid', who)
                   ELSE format('participant %s is a bot, not attendance', who) END,
      'sessionId', run.session_id, 'changes', changes);
  END IF;
  -- read after the run's lock is held: no end is inferred under this event
  SELECT id, "roomId", "courseId", "endedAt", "endInferred" INTO s FROM "LiveSession" WHERE id = run.session_id;

  -- the user, created when unknown; a name only ever replaces a name
  INSERT INTO "User" (id, name) VALUES (who, who_name) ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND AND who_name IS NOT NULL THEN
    UPDATE "User" SET name = who_name WHERE id = who AND name IS DISTINCT FROM who_name;
  END IF;

  att_role := CASE WHEN is_admin OR EXISTS (
      SELECT 1 FROM "CourseManager" m WHERE m."courseId" = s."courseId" AND m."userId" = who)
    THEN 'MODERATOR' ELSE 'PARTICIPANT' END;
  IF is_join THEN
    span_join := COALESCE(joined, ev_at);
  ELSIF is_track THEN
    span_join := ev_at; -- the connection was there then
  ELSE
    span_leave := ev_at;
    span_join := LEAST(COALESCE(joined, ev_at), ev_at);
  END IF;

  -- the attendance, locked until commit (ON CONFLICT DO UPDATE locks the row even when it changes nothing)
  INSERT INTO "Attendance" (id, "sessionId", "userId", role, "roomAdmin", connected, "firstJoinedAt")
  VALUES (gen_random_uuid()::text, s.id, who, att_role, is_admin, false, span_join)
  ON CONFLICT ("sessionId", "userId") DO UPDATE
    SET role = 'MODERATOR', "roomAdmin" = "Attendance"."roomAdmin" OR EXCLUDED."roomAdmin"
    WHERE (EXCLUDED.role = 'MODERATOR' AND "Attendance".role <> 'MODERATOR') OR (EXCLUDED."roomAdmin" AND NOT "Attendance"."roomAdmin")
  RETURNING id INTO att_id;
  IF att_id IS NULL THEN
    SELECT id INTO att_id FROM "Attendance" WHERE "sessionId" = s.id AND "userId" = who;
  END IF;

  IF NOT is_join AND p->>'sid' IS NULL THEN
    -- an older payload's leave that names no connection is the user's: it closes every open span
    UPDATE "PresenceSpan" SET "leftAt" = GREATEST("joinedAt", ev_at) WHERE "attendanceId" = att_id AND "leftAt" IS NULL;
    changed := FOUND;
  END IF;

  IF NOT COALESCE(changed, false) THEN
    INSERT INTO "PresenceSpan" AS x (id, "attendanceId", "participantSid", "joinedAt", "leftAt")
    VALUES (gen_random_uuid()::text, att_id, conn, span_join, span_leave)
    ON CONFLICT ("attendanceId", "participantSid") DO UPDATE
      SET "joinedAt" = LEAST(x."joinedAt", EXCLUDED."joinedAt", COALESCE(EXCLUDED."leftAt", x."leftAt", EXCLUDED."joinedAt")),
          "leftAt" = LEAST(x."leftAt", EXCLUDED."leftAt")
      WHERE LEAST(x."joinedAt", EXCLUDED."joinedAt", COALESCE(EXCLUDED."leftAt", x."leftAt", EXCLUDED."joinedAt")) <> x."joinedAt"
         OR LEAST(x."leftAt", EXCLUDED."leftAt") IS DISTINCT FROM x."leftAt";
    changed := FOUND;
  END IF;

  IF is_track AND NOT EXISTS (SELECT 1 FROM "AnalyticsImport" i WHERE i."sessionId" = s.id AND i.status = 'IMPORTED') THEN
    -- once the analytics file is imported its spans (which know mutes) replace the track events'
    INSERT INTO "MediaSpan" AS m (id, "attendanceId", "participantSid", "trackSid", source, "publishedAt", "unpublishedAt")
    VALUES (gen_random_uuid()::text, att_id, conn, track->>'sid', (track->>'source')::"MediaSource", ev_at,
            CASE WHEN e->>'name' = 'track_unpublished' THEN ev_at END)
    ON CONFLICT ("attendanceId", "trackSid") DO UPDATE
      SET "publishedAt" = LEAST(m."publishedAt", EXCLUDED."publishedAt", COALESCE(EXCLUDED."unpublishedAt", m."unpublishedAt", EXCLUDED."publishedAt")),
          "unpublishedAt" = LEAST(m."unpublishedAt", EXCLUDED."unpublishedAt")
      WHERE LEAST(m."publishedAt", EXCLUDED."publishedAt", COALESCE(EXCLUDED."unpublishedAt", m."unpublishedAt", EXCLUDED."publishedAt")) <> m."publishedAt"
         OR LEAST(m."unpublishedAt", EXCLUDED."unpublishedAt") IS DISTINCT FROM m."unpublishedAt";
    media_changed := FOUND;
  END IF;

  IF changed OR media_changed THEN
    UPDATE "Attendance" AS a SET (connected, "firstJoinedAt", "lastLeftAt") = (
      SELECT bool_or(y."leftAt" IS NULL), min(y."joinedAt"), max(y."leftAt") FROM "PresenceSpan" y WHERE y."attendanceId" = att_id)
    WHERE a.id = att_id
    RETURNING a.connected INTO is_connected;
    IF s."endInferred" THEN
      changes := changes || rollcall_revisit_inferred_end_{v}(s.id);
      SELECT "endedAt" INTO ended FROM "LiveSession" WHERE id = s.id;
    ELSE
      ended := s."endedAt";
    END IF;
    changes := changes || jsonb_build_array(jsonb_build_object(
      'type', 'attendance',
      'kind', CASE WHEN is_connected AND ended IS NULL THEN 'JOINED' ELSE 'LEFT' END,
      'attendanceId', att_id, 'userId', who, 'sessionId', s.id, 'roomId', s."roomId", 'courseId', s."courseId"));
  END IF;

  RETURN jsonb_build_object(
    'status', 'APPLIED',
    'message', CASE
      WHEN is_track AND media_changed THEN format('%s of participant %s %s in session %s', lower(track->>'source'), who,
                                                  CASE WHEN e->>'name' = 'track_published' THEN 'published' ELSE 'unpublished' END, s.id)
      WHEN is_track THEN format('track %s of participant %s: already recorded, nothing changed', track->>'sid', who)
      WHEN changed THEN format('participant %s %s session %s', who, CASE WHEN is_join THEN 'joined' ELSE 'left' END, s.id)
      ELSE format('participant %s %s: already recorded, nothing changed', who, CASE WHEN is_join THEN 'joined' ELSE 'left' END) END,
    'sessionId', s.id, 'changes', changes);
END $$`,
];
