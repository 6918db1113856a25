// The database routines (PL/pgSQL functions) that store and apply an event in one statement: one
// round trip per webhook, atomic without an interactive transaction, the same code on PGlite and
// PostgreSQL; beside them, the verdict rule the course report applies in SQL. They are installed at
// start-up after the migrations (db.migrate), under names that carry a hash of their source, so
// that instances of two versions can share a database during a rolling deploy.
import { createHash } from 'node:crypto';
import { PRESENCE_SQL } from '../attendance/presence.sql.ts';
import { CHANGE_LOG_SQL } from '../changes/log.ts';
import { SESSIONS_SQL } from '../attendance/sessions.sql.ts';
import { ENGAGEMENT_EVENTS_SQL } from '../engagement/events.sql.ts';
import { RECORDING_EVENTS_SQL } from '../recordings/events.sql.ts';
import { VERDICT_SQL } from '../answers/verdict.sql.ts';

// Statuses after which a redelivery is a duplicate. A FAILED event is (re)applied, and so is a
// REJECTED one: this delivery is usable, and it is what gets stored in its place.
const INBOX_SQL = [
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_ingest_{v}(e jsonb, body text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  event_id text := e->>'id';
  known boolean := false;
  previous text;
  result jsonb;
BEGIN
  -- stored as APPLIED up front (what nearly every event ends as): if applying fails, the statement
  -- rolls back whole, and the caller keeps the event as FAILED
  INSERT INTO "WebhookEvent" (id, name, body, "roomId", "roomSid", "occurredAt", status, "appliedAt", attempts)
  VALUES (event_id, e->>'name', body, e->>'roomId', e->>'roomSid', rollcall_ts_{v}(e->>'occurredAt'), 'APPLIED',
          (now() AT TIME ZONE 'UTC'), 1)
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    -- a known id: wait for a concurrent delivery of it to finish, then look at what it left
    SELECT status::text INTO previous FROM "WebhookEvent" WHERE id = event_id FOR UPDATE;
    IF previous IN ('APPLIED', 'IGNORED', 'PENDING') THEN RETURN jsonb_build_object('duplicate', true); END IF;
    known := true;
  END IF;

  result := CASE
    WHEN e->>'name' IN ('participant_joined', 'participant_left', 'track_published', 'track_unpublished') THEN rollcall_participant_event_{v}(e)
    WHEN e->>'name' IN ('end_recording', 'recording_proceeded') THEN rollcall_recording_event_{v}(e)
    WHEN e->>'name' IN ('analytics_proceeded', 'artifact_created') THEN rollcall_analytics_event_{v}(e)
    ELSE rollcall_room_event_{v}(e)
  END;

  -- what subscribers are told, in the same transaction: it exists exactly when the effect does
  result := jsonb_set(result, '{changes}', rollcall_append_changes_{v}(result->'changes'));

  IF known THEN
    UPDATE "WebhookEvent" SET name = e->>'name', body = rollcall_ingest_{v}.body, "roomId" = e->>'roomId', "roomSid" = e->>'roomSid',
      "occurredAt" = rollcall_ts_{v}(e->>'occurredAt'), status = (result->>'status')::"WebhookEventStatus",
      "appliedAt" = (now() AT TIME ZONE 'UTC'), error = NULL, attempts = attempts + 1
    WHERE id = event_id;
  ELSIF result->>'status' <> 'APPLIED' THEN
    UPDATE "WebhookEvent" SET status = (result->>'status')::"WebhookEventStatus" WHERE id = event_id;
  END IF;
  RETURN result || '{"duplicate": false}'::jsonb;
END $$`,
];

const SOURCES = [
  ...CHANGE_LOG_SQL,
  ...SESSIONS_SQL,
  ...PRESENCE_SQL,
  ...RECORDING_EVENTS_SQL,
  ...ENGAGEMENT_EVENTS_SQL,
  ...INBOX_SQL,
  ...VERDICT_SQL,
];

/** Changes whenever any routine's source does. */
export const ROUTINES_VERSION = createHash('sha256').update(SOURCES.join('\n')).digest('hex').slice(0, 10);

/** The CREATE statements, in dependency order. */
export const ROUTINES: readonly string[] = SOURCES.map((sql) => sql.replaceAll('{v}', ROUTINES_VERSION).trim());

/** The entry point: stores the event (deduplicated by id) and applies it. */
export const INGEST_FUNCTION = `rollcall_ingest_${ROUTINES_VERSION}`;

/** The verdict rule in SQL (answers/verdict.sql.ts), and the session duration it judges against. */
export const VERDICT_FUNCTION = `rollcall_verdict_${ROUTINES_VERSION}`;
export const DURATION_FUNCTION = `rollcall_duration_seconds_${ROUTINES_VERSION}`;
